"""The installed closure of the declared dependencies: Requires-Dist followed through one environment.

Breadth first from the requested (name, extras) pairs, in name order, so every distribution keeps its
shortest chain ("torch <- transformers <- (declared)"). A requirement's marker is evaluated with
``packaging`` against the environment's marker values, once with ``extra == ""`` and once per extra the
requiring distribution was reached with; a distribution reached again with new extras is walked again for
them. A requirement that does not parse, or a marker that cannot be evaluated, is a problem (and is not
followed). Versions are not checked against specifiers: what is installed is what is used.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement

from license_check.collect.deps.model import Installed, ReadProblem, normalize_name

DECLARED = "(declared)"
NOT_INSTALLED = "not installed"
NO_METADATA = "no metadata"


@dataclass(frozen=True, slots=True)
class Reached:
    """One distribution the closure reached, and who required it."""

    installed: Installed
    chain: tuple[str, ...]  # the requirers, nearest first, ending with a declared name: ("transformers",)
    extras: frozenset[str]  # the extras it was reached with (union over every path)

    @property
    def path(self) -> str:
        """"torch <- transformers <- (declared)"."""
        return " <- ".join((self.installed.name, *self.chain, DECLARED))


@dataclass(frozen=True, slots=True)
class Missing:
    """A required distribution the environment does not give."""

    name: str  # normalize_name(...)
    chain: tuple[str, ...]  # as in Reached; () for a declared one
    reason: str  # NOT_INSTALLED or NO_METADATA
    requirement: str | None = None  # the Requires-Dist that asked for it (None for a declared one)

    @property
    def path(self) -> str:
        return " <- ".join((self.name, *self.chain, DECLARED))


@dataclass(frozen=True, slots=True)
class Closure:
    reached: tuple[Reached, ...]  # by name
    missing: tuple[Missing, ...]  # by name
    problems: tuple[ReadProblem, ...]  # unparsable requirements and markers, in walk order


@lru_cache(maxsize=4096)
def _parse(text: str) -> Requirement | str:
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        return str(exc).splitlines()[0][:200] if str(exc) else "invalid requirement"


def _applies(marker: Marker | None, markers: Mapping[str, str], extras: frozenset[str]) -> bool:
    if marker is None:
        return True
    return any(marker.evaluate({**markers, "extra": extra}) for extra in ("", *sorted(extras)))


def closure(requested: Iterable[tuple[str, frozenset[str]]], installed: Mapping[str, Installed],
            markers: Mapping[str, str], *, unreadable: Mapping[str, str] | None = None) -> Closure:
    """Follow Requires-Dist from ``requested`` through ``installed`` (normalized name -> distribution).
    ``unreadable``: names found without readable metadata (``distributions.read_site``), reported as
    ``no metadata`` instead of ``not installed``."""
    unreadable = unreadable or {}
    env = {k: v for k, v in markers.items() if k != "extra"}
    chains: dict[str, tuple[str, ...]] = {}
    done_extras: dict[str, frozenset[str]] = {}
    missing: dict[str, Missing] = {}
    problems: dict[str, ReadProblem] = {}  # by message: a distribution walked twice reports once
    queue: deque[tuple[str, frozenset[str], tuple[str, ...], str | None]] = deque()
    start: dict[str, frozenset[str]] = {}
    for name, extras in requested:
        key = normalize_name(name)
        start[key] = start.get(key, frozenset()) | frozenset(normalize_name(e) for e in extras)
    for key in sorted(start):
        queue.append((key, start[key], (), None))
    while queue:
        name, extras, chain, requirement = queue.popleft()
        dist = installed.get(name)
        if dist is None:
            if name not in missing and name not in chains:
                reason = NO_METADATA if name in unreadable else NOT_INSTALLED
                missing[name] = Missing(name, chain, reason, requirement)
            continue
        previous = done_extras.get(name)
        if previous is None:
            chains[name] = chain
            new = extras
        else:
            new = extras - previous
            if not new:
                continue
        done_extras[name] = (previous or frozenset()) | extras
        for text in dist.requires:
            parsed = _parse(text)
            if isinstance(parsed, str):
                message = f"Requires-Dist {text[:200]!r} of {dist.name} does not parse: {parsed}"
                problems.setdefault(message, ReadProblem(dist.where, None, message))
                continue
            try:
                if previous is None:  # the first visit: extra "" and each extra
                    applies = _applies(parsed.marker, env, new)
                else:  # a later visit: only what the new extras add
                    applies = parsed.marker is not None and any(
                        parsed.marker.evaluate({**env, "extra": e}) for e in sorted(new))
            except Exception as exc:  # packaging raises several types for markers it cannot compare
                message = f"the marker of Requires-Dist {text[:200]!r} of {dist.name} cannot be evaluated: {exc}"
                problems.setdefault(message, ReadProblem(dist.where, None, message))
                continue
            if applies:
                child = normalize_name(parsed.name)
                queue.append((child, frozenset(normalize_name(e) for e in parsed.extras), (name, *chain), text))
    reached = tuple(Reached(installed[n], chains[n], done_extras[n]) for n in sorted(chains))
    return Closure(reached, tuple(missing[n] for n in sorted(missing)), tuple(problems.values()))
