"""What the rules say about one license or exception: the frozen facts ``rulebook.load_rules()`` returns.

The loader (licenses.py) builds them from rules/licenses/*.toml and rules/exceptions.toml; rulebook.py
seeds the rest from ScanCode LicenseDB categories. See rules/README.md for the file format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from license_check.model import Copyleft, Duty, Use

# The facts every license has, each with its source (curated or seeded).
FACT_KEYS = ("commercial_use", "copyleft", "notice")
# thresholds = { <any subset of these> = <positive integer>, source = "..." }
THRESHOLD_KEYS = ("monthly_active_users", "annual_revenue_usd", "monthly_revenue_usd")
# training_data.value: what a model trained on data under the license inherits from it
TRAINING_DATA = ("none", "attribution", "share-alike", "non-commercial", "no-derivatives", "restricted", "unknown")


@dataclass(frozen=True, slots=True)
class LicenseFacts:
    id: str
    name: str
    commercial_use: Use
    copyleft: Copyleft
    notice: bool
    obligations: tuple[Duty, ...]
    restrictions: tuple[Duty, ...]
    sources: Mapping[str, str]  # attribute/key name -> citation (commercial_use, copyleft, notice, thresholds, ...)
    reviewed: bool
    category: str | None
    # Optional structured terms (rules/README.md "licenses/*.toml"); the defaults mean "none stated".
    thresholds: Mapping[str, int] = field(default_factory=dict)  # THRESHOLD_KEYS -> amount
    excluded_regions: tuple[str, ...] = ()  # e.g. ("EU",): rights not granted to licensees there
    region_scope: str | None = None  # what the exclusion covers ("multimodal models"); None = everything
    training_data: str | None = None  # TRAINING_DATA value: what flows to a model trained on the data
    research_only: bool = False


@dataclass(frozen=True, slots=True)
class ExceptionFacts:
    id: str
    name: str
    copyleft: Copyleft | None  # copyleft scope of the pair, None = unchanged
    source: str
    reviewed: bool
    # Some "exceptions" remove rights (the Commons Clause): the pair's commercial use can only get
    # worse than the base license's, never better. None = unchanged.
    commercial_use: Use | None = None
    restrictions: tuple[Duty, ...] = ()
