"""Policy: turn the tool's commercial_use judgement into a verdict.

For now only the built-in policy (rules/policies/default.toml) exists; policy files and
repository configuration come with the compatibility-and-policy work.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from license_check.model import Use, UseMode, Verdict
from license_check.ruledata import rules_dir


class PolicyError(Exception):
    """A policy could not be loaded; the message names the file, key and problem."""


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    source: str  # "built-in", a file path, or "pyproject"
    use_mode: UseMode
    verdicts: dict[Use, Verdict]

    def verdict(self, use: Use) -> Verdict:
        return self.verdicts[use]

    def echo(self) -> dict[str, object]:
        """The effective policy, as echoed in the JSON report."""
        return {
            "name": self.name,
            "source": self.source,
            "use_mode": self.use_mode.value,
            "verdicts": {use.value: self.verdicts[use].value for use in Use},
        }


def default_policy() -> Policy:
    path = rules_dir() / "policies" / "default.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        verdicts = {Use(k): Verdict(v) for k, v in data["verdicts"].items()}
        if set(verdicts) != set(Use):
            raise ValueError(f"verdicts must map each of {[u.value for u in Use]}")
        return Policy(str(data["name"]), "built-in", UseMode(data["use_mode"]), verdicts)
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: built-in policy is invalid: {exc}") from exc
