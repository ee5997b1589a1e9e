"""rules/licenses/ai-models.toml and data.toml: AI model and data license facts, structured terms."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge.data import load_project_ids, rules_dir
from license_check.knowledge.normalize import normalize
from license_check.knowledge.rulebook import THRESHOLD_KEYS, TRAINING_DATA, RulesError, load_rules
from license_check.model import Copyleft, RawForm, Use
from tests.knowledge import worded

P, C, A, U = Use.PROHIBITED, Use.CONDITIONAL, Use.ALLOWED, Use.UNKNOWN

# Every AI license ScanCode LicenseDB 32.5.0 has, and the project's own AI ids. Changing a value here
# must be a deliberate decision (rules/README.md "AI model and data licenses").
AI_COMMERCIAL_USE = {
    "LicenseRef-scancode-llama-license-2023": P,
    "LicenseRef-scancode-llama-2-license-2023": C,
    "LicenseRef-scancode-llama-3.1-license-2024": C,
    "LicenseRef-scancode-llama-3.2-license-2024": C,
    "LicenseRef-scancode-llama-3.3-license-2024": C,
    "LicenseRef-scancode-llama-4-cla-2025": C,
    "LicenseRef-scancode-llama-4-license-2025": C,
    "LicenseRef-scancode-bigscience-rail-1.0": C,
    "LicenseRef-scancode-bigscience-open-rail-m": C,
    "LicenseRef-scancode-bigscience-open-rail-m2": C,
    "LicenseRef-scancode-stable-diffusion-2022-08-22": C,
    "LicenseRef-scancode-bigcode-open-rail-m-v1": C,
    "LicenseRef-scancode-gemma-tou-2024-04-01": C,
    "LicenseRef-scancode-gemma-tou-2025-03-24": C,
    "LicenseRef-scancode-gemma-pup-2024-02-21": C,
    "LicenseRef-scancode-deepseek-la-1.0": C,
    "LicenseRef-scancode-falcon-2-11b-1.0": C,
    "LicenseRef-scancode-tongyi-qianwen-2023": C,
    "LicenseRef-scancode-qwen-2024": C,
    "LicenseRef-scancode-stability-ai-community-2024": C,
    "LicenseRef-scancode-stability-ai-nc-2023-12-06": P,
    "LicenseRef-scancode-nvidia-open-model-2025-04-28": C,
    "OpenMDW-1.0": A,  # SPDX 3.28 id (ScanCode 32.5.0: LicenseRef-scancode-openmdw-1.0)
    "LicenseRef-scancode-moonshot-ai-modified-mit-2025": A,
    "LicenseRef-scancode-fair-ai-public-1.0": C,
    "LicenseRef-scancode-fair-ai-public-1.0-sd": C,
    "LicenseRef-scancode-apple-ml-ferret-2023": A,
    "LicenseRef-scancode-openai-tou-20230314": C,
    "LicenseRef-scancode-openai-tou-20241211": C,
    "LicenseRef-license-check-llama-3": C,
    "LicenseRef-license-check-mistral-mrl-0.1": P,
    "LicenseRef-license-check-mistral-mnpl-0.1": P,
    "LicenseRef-license-check-opt-175b": P,
    "LicenseRef-license-check-ai2-impact-lr": U,
    "LicenseRef-license-check-ai2-impact-mr": U,
    "LicenseRef-license-check-ai2-impact-hr": U,
    "LicenseRef-license-check-falcon-llm-1.0": U,
    "LicenseRef-license-check-falcon-180b-1.0": U,
    "LicenseRef-license-check-qwen-research": P,
    "LicenseRef-license-check-deepfloyd-if": P,
    "LicenseRef-license-check-fair-noncommercial-research": P,
    "LicenseRef-license-check-apple-amlr": P,
    "LicenseRef-license-check-h-research": U,
    "LicenseRef-license-check-intel-research": U,
    "LicenseRef-license-check-grok-2-community": C,
    "LicenseRef-license-check-openmdw-1.1": A,
}

# (commercial_use, copyleft, training_data) of the data licenses the Hugging Face Hub lists.
DATA = {
    "CC-BY-2.0": (A, Copyleft.NONE, "attribution"),
    "CC-BY-2.5": (A, Copyleft.NONE, "attribution"),
    "CC-BY-3.0": (A, Copyleft.NONE, "attribution"),
    "CC-BY-4.0": (A, Copyleft.NONE, "attribution"),
    "CC-BY-SA-3.0": (C, Copyleft.STRONG, "share-alike"),
    "CC-BY-SA-4.0": (C, Copyleft.STRONG, "share-alike"),  # curated in copyleft.toml
    "CC-BY-NC-2.0": (P, Copyleft.NONE, "non-commercial"),
    "CC-BY-NC-3.0": (P, Copyleft.NONE, "non-commercial"),
    "CC-BY-NC-4.0": (P, Copyleft.NONE, "non-commercial"),
    "CC-BY-ND-4.0": (C, Copyleft.NONE, "no-derivatives"),
    "CC-BY-NC-ND-3.0": (P, Copyleft.NONE, "non-commercial"),
    "CC-BY-NC-ND-4.0": (P, Copyleft.NONE, "non-commercial"),
    "CC-BY-NC-SA-2.0": (P, Copyleft.STRONG, "non-commercial"),
    "CC-BY-NC-SA-3.0": (P, Copyleft.STRONG, "non-commercial"),
    "CC-BY-NC-SA-4.0": (P, Copyleft.STRONG, "non-commercial"),
    "CC0-1.0": (A, Copyleft.NONE, "none"),
    "ODbL-1.0": (C, Copyleft.STRONG, "share-alike"),
    "ODC-By-1.0": (A, Copyleft.NONE, "attribution"),
    "PDDL-1.0": (A, Copyleft.NONE, "none"),
    "CDLA-Permissive-1.0": (A, Copyleft.NONE, "none"),
    "CDLA-Permissive-2.0": (A, Copyleft.NONE, "none"),
    "CDLA-Sharing-1.0": (C, Copyleft.STRONG, "none"),
    "C-UDA-1.0": (C, Copyleft.WEAK_FILE, "none"),
    "O-UDA-1.0": (A, Copyleft.NONE, "none"),
}

# Duty codes used by the AI and data files (rules/README.md lists their meaning).
CODES = {
    "non-commercial", "research-only", "non-production", "use-restriction", "flow-down", "user-threshold",
    "revenue-threshold", "naming", "include-notice", "include-license", "attribution", "state-changes",
    "share-alike", "no-derivatives", "no-training-other-models", "geographic-exclusion", "no-hosted-service",
    "registration", "acceptable-use-policy", "computational-use-only",
    # codes the other rules files already use
    "no-drm", "no-patent-grant", "patent-retaliation", "disclose-source", "same-license", "network-disclosure",
    # new: AI2 ImpACT's Derivative Impact Report
    "impact-report",
}


def _tables(name: str) -> dict[str, dict[str, object]]:
    tables: dict[str, dict[str, object]] = tomllib.loads(
        (rules_dir() / "licenses" / name).read_text(encoding="utf-8"))["licenses"]
    return tables


@pytest.mark.parametrize(("ident", "use"), sorted(AI_COMMERCIAL_USE.items()))
def test_ai_license_commercial_use_is_pinned(ident: str, use: Use) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None and facts.reviewed and facts.id == ident
    assert facts.commercial_use is use


def test_ai_file_holds_exactly_the_pinned_ids() -> None:
    assert set(_tables("ai-models.toml")) == set(AI_COMMERCIAL_USE)


@pytest.mark.parametrize(("ident", "expected"), sorted(DATA.items()))
def test_data_license_facts(ident: str, expected: tuple[Use, Copyleft, str | None]) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None and facts.reviewed
    assert (facts.commercial_use, facts.copyleft, facts.training_data) == expected
    if facts.training_data is not None:
        assert facts.sources["training_data"]


def test_data_file_holds_the_data_licenses() -> None:
    assert set(_tables("data.toml")) == set(DATA) - {"CC-BY-SA-4.0"}


def test_every_project_licenseref_has_curated_facts() -> None:
    book = load_rules()
    project = load_project_ids(rules_dir())
    assert len(project) >= 20 and "LicenseRef-license-check-noncommercial" in project
    for ident in project:
        facts = book.facts(ident)
        assert facts is not None and facts.reviewed and facts.id == ident, ident
        assert normalize(ident, RawForm.SPDX).expression == ident


def test_each_license_id_is_defined_once() -> None:
    seen: dict[str, str] = {}
    for file in sorted((rules_dir() / "licenses").glob("*.toml")):
        for ident in _tables(file.name):
            assert ident not in seen, f"{ident} in {seen.get(ident)} and {file.name}"
            seen[ident] = file.name


def test_secondary_sources_never_yield_allowed_or_conditional() -> None:
    """Where the license text was not read, the value is the fail-safe one."""
    book = load_rules()
    for ident in _tables("ai-models.toml"):
        facts = book.facts(ident)
        assert facts is not None
        if facts.sources["commercial_use"].startswith("secondary:"):
            assert facts.commercial_use in (Use.UNKNOWN, Use.PROHIBITED), ident


def test_duty_codes_are_from_the_documented_vocabulary() -> None:
    for name in ("ai-models.toml", "data.toml"):
        for ident, body in _tables(name).items():
            for key in ("obligations", "restrictions"):
                duties = body.get(key, [])
                assert isinstance(duties, list)
                for duty in duties:
                    assert duty["code"] in CODES, (ident, duty["code"])


@pytest.mark.parametrize(("ident", "thresholds"), [
    ("LicenseRef-scancode-llama-2-license-2023", {"monthly_active_users": 700_000_000}),
    ("LicenseRef-license-check-llama-3", {"monthly_active_users": 700_000_000}),
    ("LicenseRef-scancode-llama-3.1-license-2024", {"monthly_active_users": 700_000_000}),
    ("LicenseRef-scancode-llama-4-cla-2025", {"monthly_active_users": 700_000_000}),
    ("LicenseRef-scancode-tongyi-qianwen-2023", {"monthly_active_users": 100_000_000}),
    ("LicenseRef-scancode-qwen-2024", {"monthly_active_users": 100_000_000}),
    ("LicenseRef-scancode-stability-ai-community-2024", {"annual_revenue_usd": 1_000_000}),
    ("LicenseRef-scancode-moonshot-ai-modified-mit-2025",
     {"monthly_active_users": 100_000_000, "monthly_revenue_usd": 20_000_000}),
    ("OpenMDW-1.0", {}),
    ("MIT", {}),
])
def test_thresholds(ident: str, thresholds: dict[str, int]) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None and dict(facts.thresholds) == thresholds
    assert ("thresholds" in facts.sources) == bool(thresholds)


@pytest.mark.parametrize("ident", [
    "LicenseRef-scancode-llama-3.2-license-2024", "LicenseRef-scancode-llama-3.3-license-2024",
    "LicenseRef-scancode-llama-4-cla-2025", "LicenseRef-scancode-llama-4-license-2025",
])
def test_eu_exclusion_for_multimodal_llama(ident: str) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None
    assert (facts.excluded_regions, facts.region_scope) == (("EU",), "multimodal models")
    assert "European Union" in facts.sources["regions"]
    assert any(d.code == "geographic-exclusion" for d in facts.restrictions)


def test_llama_3_1_has_no_region_exclusion() -> None:
    facts = load_rules().facts("LicenseRef-scancode-llama-3.1-license-2024")
    assert facts is not None and facts.excluded_regions == () and facts.region_scope is None


def test_research_only_licenses_are_prohibited() -> None:
    book = load_rules()
    flagged = {i for i in book.all_ids() if (f := book.facts(i)) is not None and f.research_only}
    assert flagged == {
        "LicenseRef-scancode-llama-license-2023", "LicenseRef-license-check-opt-175b",
        "LicenseRef-license-check-mistral-mrl-0.1", "LicenseRef-license-check-qwen-research",
        "LicenseRef-license-check-deepfloyd-if", "LicenseRef-license-check-fair-noncommercial-research",
        "LicenseRef-license-check-apple-amlr",
    }
    for ident in flagged:
        facts = book.facts(ident)
        assert facts is not None and facts.commercial_use is Use.PROHIBITED
        assert any(d.code == "research-only" for d in facts.restrictions), ident


def test_llama_4_license_key_is_the_acceptable_use_policy() -> None:
    facts = load_rules().facts("LicenseRef-scancode-llama-4-license-2025")
    assert facts is not None and "Acceptable Use Policy" in facts.name
    assert {d.code for d in facts.restrictions} == {"acceptable-use-policy", "geographic-exclusion"}


def test_openai_terms_restrict_training() -> None:
    for ident in ("LicenseRef-scancode-openai-tou-20230314", "LicenseRef-scancode-openai-tou-20241211"):
        facts = load_rules().facts(ident)
        assert facts is not None and facts.training_data == "restricted"
        assert any(d.code == "no-training-other-models" for d in facts.restrictions)


def test_defaults_when_no_terms_are_stated() -> None:
    book = load_rules()
    for ident in ("MIT", "Abstyles"):  # curated without terms; seeded
        facts = book.facts(ident)
        assert facts is not None
        assert (dict(facts.thresholds), facts.excluded_regions, facts.region_scope, facts.training_data,
                facts.research_only) == ({}, (), None, None, False)
        assert set(facts.sources) == {"commercial_use", "copyleft", "notice"}


GOOD_TERMS = '''
[licenses."LicenseRef-scancode-activestate-community"]
name = "all structured terms"
commercial_use = { value = "prohibited", source = "s" }
copyleft = { value = "none", source = "s" }
notice = { value = false, source = "s" }
thresholds = { monthly_active_users = 5, annual_revenue_usd = 6, monthly_revenue_usd = 7, source = "t" }
regions = { excluded = ["EU", "CN"], scope = "vision models", source = "r" }
training_data = { value = "share-alike", source = "d" }
research_only = { value = true, source = "o" }
'''


def _rules_with(tmp_path: Path, extra: str) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    (copy / "licenses" / "zz-test.toml").write_text(extra, encoding="utf-8")
    return copy


def test_structured_terms_are_loaded(tmp_path: Path) -> None:
    facts = load_rules(_rules_with(tmp_path, GOOD_TERMS)).facts("LicenseRef-scancode-activestate-community")
    assert facts is not None and facts.reviewed
    assert dict(facts.thresholds) == {"monthly_active_users": 5, "annual_revenue_usd": 6, "monthly_revenue_usd": 7}
    assert (facts.excluded_regions, facts.region_scope) == (("EU", "CN"), "vision models")
    assert (facts.training_data, facts.research_only) == ("share-alike", True)
    assert {k: facts.sources[k] for k in ("thresholds", "regions", "training_data", "research_only")} == {
        "thresholds": "t", "regions": "r", "training_data": "d", "research_only": "o"}


def test_structured_terms_accept_subsets(tmp_path: Path) -> None:
    extra = GOOD_TERMS.replace("monthly_active_users = 5, annual_revenue_usd = 6, monthly_revenue_usd = 7, ", "")
    extra = extra.replace('thresholds = { source = "t" }', 'thresholds = { annual_revenue_usd = 1, source = "t" }')
    extra = extra.replace('scope = "vision models", ', "")
    facts = load_rules(_rules_with(tmp_path, extra)).facts("LicenseRef-scancode-activestate-community")
    assert facts is not None and dict(facts.thresholds) == {"annual_revenue_usd": 1}
    assert facts.region_scope is None


BAD_TERMS = '''
[licenses."LicenseRef-scancode-activestate-community"]
name = "bad terms"
commercial_use = { value = "conditional", source = "s" }
copyleft = { value = "none", source = "s" }
notice = { value = false, source = "s" }
thresholds = { monthly_active_users = "700M", annual_revenue_usd = -1, monthly_revenue_usd = true, daily_users = 3 }
regions = { excluded = ["eu", 7], scope = 3, colour = "x", source = "" }
training_data = { value = "maybe", source = "d", extra = 1 }
research_only = { value = "yes", source = "o" }

[licenses."LicenseRef-scancode-bitwarden-1.0"]
name = "more bad terms"
commercial_use = { value = "allowed", source = "s" }
copyleft = { value = "none", source = "s" }
notice = { value = false, source = "s" }
thresholds = { source = "t" }
regions = "EU"
training_data = { value = "none" }
research_only = { value = true, source = "o" }

[licenses."LicenseRef-scancode-bsl-1.0"]
name = "empty region list"
commercial_use = { value = "unknown", source = "s" }
copyleft = { value = "none", source = "s" }
notice = { value = false, source = "s" }
thresholds = [700000000]
regions = { excluded = [], source = "r" }
training_data = "none"
research_only = true
'''


def test_structured_terms_report_every_problem_at_once(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(_rules_with(tmp_path, BAD_TERMS))
    text = "\n".join(worded(caught.value))
    a = "licenses/zz-test.toml: licenses.'LicenseRef-scancode-activestate-community'"
    b = "licenses/zz-test.toml: licenses.'LicenseRef-scancode-bitwarden-1.0'"
    c = "licenses/zz-test.toml: licenses.'LicenseRef-scancode-bsl-1.0'"
    expected = [
        f"{a}.thresholds.monthly_active_users: '700M' is not a positive integer",
        f"{a}.thresholds.annual_revenue_usd: -1 is not a positive integer",
        f"{a}.thresholds.monthly_revenue_usd: True is not a positive integer",
        f"{a}.thresholds.daily_users: unknown key",
        f"{a}.thresholds.source: must be a non-empty string",
        f"{a}.regions.excluded[0]: 'eu' is not an upper-case region code",
        f"{a}.regions.excluded[1]: 7 is not an upper-case region code",
        f"{a}.regions.scope: must be a non-empty string",
        f"{a}.regions.colour: unknown key",
        f"{a}.regions.source: must be a non-empty string",
        f"{a}.training_data.value: 'maybe' is not one of none | attribution",
        f"{a}.training_data.extra: unknown key",
        f"{a}.research_only.value: must be true or false",
        f"{b}.thresholds: needs at least one of monthly_active_users, annual_revenue_usd, monthly_revenue_usd",
        f"{b}.regions: must be a table",
        f"{b}.training_data.source: must be a non-empty string",
        f"{b}.research_only: research-only terms contradict commercial_use 'allowed'",
        f"{c}.thresholds: must be a table",
        f"{c}.regions.excluded: must be a non-empty list of region codes",
        f"{c}.training_data: must be a table",
        f"{c}.research_only: must be a table",
    ]
    for fragment in expected:
        assert fragment in text, f"missing {fragment!r} in:\n{text}"


def test_vocabularies_are_exported() -> None:
    assert THRESHOLD_KEYS == ("monthly_active_users", "annual_revenue_usd", "monthly_revenue_usd")
    assert TRAINING_DATA == ("none", "attribution", "share-alike", "non-commercial", "no-derivatives",
                             "restricted", "unknown")
