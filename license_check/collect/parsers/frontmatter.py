"""Hugging Face card front matter: find the YAML block, load it safely, read the license fields.

``load_yaml`` never raises and constructs plain data only: SafeConstructor, and every node's tag is
checked before anything is built (``!!python/...`` and local ``!tags`` are a problem). Caps: size,
depth (also through aliases), alias count, and nodes added by aliases and merge keys (a "billion
laughs" stops within a few thousand steps); an alias inside its own anchor is rejected. Timestamps
and integer literals over 64 characters stay strings (long sexagesimal ints convert in quadratic time).

Duplicate top-level keys: the last one wins, as in PyYAML and ``huggingface_hub``; each is reported
in ``YamlResult.warnings`` (the Hub rejects such cards) and ``lines`` cites the occurrence used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from license_check.collect.parsers.jsondoc import Problem, describe, strings

MAX_YAML_CHARS = 256 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_EXPANDED = 10_000

_CORE = "tag:yaml.org,2002:"
_OPENER = re.compile(r"\A\ufeff?(?:[ \t]*\r?\n)*---[ \t]*\r?\n")
_CLOSER = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


class _Limit(yaml.YAMLError):  # a document over one of the caps; the message is the problem text
    pass


class _GuardedComposer(Composer):
    """Counts aliases and depth while composing; rejects an alias to an anchor still being composed."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.aliases = self.nodes = 0
        self.first_line = 1  # the file line of the YAML's first line, for messages
        self.open_anchors: set[str] = set()

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Event | None = self.peek_event()  # type: ignore[attr-defined]  # from the mixed-in parser
        line = self.first_line + (event.start_mark.line if event is not None and event.start_mark else 0)
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Limit(f"it uses more than {MAX_ALIASES} YAML aliases (line {line})")
            if event.anchor in self.open_anchors:
                raise _Limit(f"the YAML alias *{event.anchor} at line {line} refers to its own ancestor")
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Limit(f"it is nested deeper than {MAX_DEPTH} levels (line {line})")
        anchor = event.anchor if isinstance(event, CollectionStartEvent) else None
        if anchor is not None:
            self.open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
            if anchor is not None:
                self.open_anchors.discard(anchor)
        self.nodes += 1
        return node


class _Constructor(SafeConstructor):
    def construct_yaml_int(self, node: ScalarNode) -> Any:
        if len(str(node.value)) > 64:
            return self.construct_scalar(node)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        return self.construct_scalar(node)

    yaml_constructors: ClassVar[dict[str | None, Any]] = {**SafeConstructor.yaml_constructors,
                                                          _CORE + "int": construct_yaml_int,
                                                          _CORE + "timestamp": construct_yaml_timestamp}


_ALLOWED_TAGS = frozenset({_CORE + "merge", *(tag for tag in _Constructor.yaml_constructors if tag)})

if yaml.__with_libyaml__:  # libyaml's event parser is about 4x faster; the composing stays ours
    from yaml._yaml import CParser as _Events
else:  # pragma: no cover - PyYAML built without libyaml

    class _Events(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _Loader(_GuardedComposer, _Events, _Constructor, Resolver):
    def __init__(self, stream: str) -> None:
        _Events.__init__(self, stream)
        _GuardedComposer.__init__(self)
        _Constructor.__init__(self)
        Resolver.__init__(self)


@dataclass(frozen=True, slots=True)
class YamlResult:
    data: dict[str, Any] | None  # the top-level mapping (string keys only); None when ``problem``
    problem: str | None = None  # why there is no data
    lines: dict[str, int] = field(default_factory=dict)  # top-level key -> 1-based line in the file
    warnings: tuple[str, ...] = ()  # non-fatal: duplicate or non-string top-level keys


def split_front_matter(text: str) -> tuple[str | None, int]:
    """The YAML between a leading ``---`` line and the next ``---`` (or ``...``) line.

    As on the Hub, the file starts with ``---`` (after an optional BOM and blank lines). Returns
    (yaml text, 1-based line of its first line), or (None, 0) when there is no closed block.
    """
    opener = _OPENER.match(text)
    closer = _CLOSER.search(text, opener.end()) if opener else None
    if opener is None or closer is None:
        return None, 0
    return text[opener.end():closer.start()], opener.group().count("\n") + 1


def _check_graph(root: Node, unique: int, start_line: int) -> str | None:
    """Walk the composed graph as construction would see it (aliases expanded), within budget."""
    budget = unique + MAX_EXPANDED
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return f"its YAML aliases expand to more than {MAX_EXPANDED} extra nodes"
        if depth > MAX_DEPTH:
            return f"it is nested deeper than {MAX_DEPTH} levels through YAML aliases"
        if node.tag not in _ALLOWED_TAGS:
            tag = "!!" + node.tag[len(_CORE):] if node.tag.startswith(_CORE) else node.tag
            return f"unsupported YAML tag {tag!r} (line {start_line + node.start_mark.line})"
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack += ((key, depth + 1), (value, depth + 1))
    return None


def _error_text(exc: BaseException, start_line: int) -> str:
    if isinstance(exc, _Limit):
        return str(exc)
    mark = (exc.problem_mark or exc.context_mark) if isinstance(exc, yaml.MarkedYAMLError) else None
    what = (exc.problem or exc.context) if isinstance(exc, yaml.MarkedYAMLError) else None
    where = f" at line {start_line + mark.line}, column {mark.column + 1}" if mark is not None else ""
    return f"invalid YAML{where}: {what or str(exc).split(chr(10))[0][:200] or type(exc).__name__}"


def load_yaml(text: str, start_line: int = 1, *, max_chars: int = MAX_YAML_CHARS) -> YamlResult:
    """Load one YAML document whose first line is line ``start_line`` of its file. Never raises.
    ``max_chars``: the size cap (a card's front matter is small; a lock file may be megabytes)."""
    if len(text) > max_chars:
        return YamlResult(None, f"its YAML is larger than {max_chars // 1024} KiB and was not parsed")
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        loader.first_line = start_line
        root = loader.get_single_node()
        if root is None:
            return YamlResult({})
        if not isinstance(root, MappingNode):
            kind = "a list" if isinstance(root, SequenceNode) else "a single value"
            return YamlResult(None, f"its YAML must be a mapping of keys, not {kind}")
        problem = _check_graph(root, loader.nodes, start_line)
        if problem is not None:
            return YamlResult(None, problem)
        value = loader.construct_document(root)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, UnicodeError, RecursionError, MemoryError) as exc:
        return YamlResult(None, _error_text(exc, start_line))
    finally:
        if loader is not None:
            loader.dispose()
    return _top_level(root, value, start_line)


def _top_level(root: MappingNode, value: dict[Any, Any], start_line: int) -> YamlResult:
    lines: dict[str, int] = {}
    warnings: list[str] = []
    for key_node, _ in root.value:
        if isinstance(key_node, ScalarNode) and key_node.tag == _CORE + "str":
            key, line = key_node.value, start_line + key_node.start_mark.line
            if key in lines and len(warnings) < 20:
                warnings.append(f"top-level key {key!r} appears twice (lines {lines[key]} and {line}); "
                                "the last is used")
            lines[key] = line
    data = {key: item for key, item in value.items() if isinstance(key, str)}
    if len(data) < len(value):
        warnings.append(f"{len(value) - len(data)} top-level key(s) are not strings and were ignored")
    return YamlResult(data, None, lines, tuple(warnings))


# --------------------------------------------------------------------------- card fields

RELATIONS = ("adapter", "merge", "quantized", "finetune")
LICENSE_KEYS = ("license", "license_name", "license_link", "license_details")
MODEL_KEYS = ("base_model", "pipeline_tag", "library_name", "model-index", "model_name", "inference")
DATASET_KEYS = ("task_categories", "task_ids", "size_categories", "annotations_creators", "language_creators",
                "source_datasets", "pretty_name", "dataset_info", "configs", "multilinguality", "paperswithcode_id")
OTHER_CARD_KEYS = ("datasets", "base_model_relation", "gated", "extra_gated_eu_disallowed", "extra_gated_prompt",
                   "extra_gated_fields", "new_version")


@dataclass(frozen=True, slots=True)
class CardFields:
    """The license and lineage fields of a Hugging Face model or dataset card."""

    license: tuple[str, ...] = ()  # Hub ids as written (stripped); a dataset card may list several
    license_name: str | None = None
    license_link: str | None = None
    license_details: str | None = None
    base_model: tuple[str, ...] = ()  # several: a merge
    base_model_relation: str | None = None  # one of RELATIONS (lower-cased)
    datasets: tuple[str, ...] = ()
    source_datasets: tuple[str, ...] = ()
    extra_gated_eu_disallowed: bool | None = None
    kind_hint: Literal["model", "dataset"] | None = None  # None: neither, or as many keys of each
    has_card_keys: bool = False  # any license, model or dataset card key: not just a Jekyll page
    # ``license`` is present but (some of) its value cannot be read: the caller should fail safe.
    license_unreadable: bool = False
    problems: tuple[Problem, ...] = ()  # wrong types; the valid part of a value is still returned


class _Fields:
    def __init__(self, data: dict[str, Any], lines: dict[str, int]) -> None:
        self.data, self.lines = data, lines
        self.problems: list[Problem] = []

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(key, message, self.lines.get(key.split("[", 1)[0])))

    def text(self, key: str, *, expected: str = "a string", required: bool = False) -> str | None:
        value = self.data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if not (value is None or isinstance(value, str)):
            self.bad(key, f"{key} must be {expected}, not {describe(value)}")
        elif required and key in self.data:
            self.bad(key, f"{key} is empty")
        return None

    def listed(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        if key not in self.data or (self.data[key] is None and not required):
            return ()
        found, problems = strings(self.data[key], key, required=required, line=self.lines.get(key))
        self.problems += problems
        return found


def card_fields(data: object, lines: dict[str, int] | None = None) -> CardFields:
    """Read the card keys of ``data`` (``YamlResult.data``; ``lines`` gives problems their line)."""
    if not isinstance(data, dict):
        problem = Problem(None, f"the card metadata must be a mapping, not {describe(data)}")
        return CardFields(license_unreadable=True, problems=(problem,))
    fields = _Fields(data, lines or {})
    licenses = fields.listed("license", required=True)
    unreadable = any(p.key is not None and p.key.split("[")[0] == "license" for p in fields.problems)
    relation = fields.text("base_model_relation")
    if relation is not None and relation.lower() not in RELATIONS:
        fields.bad("base_model_relation", f"base_model_relation must be one of {', '.join(RELATIONS)}, "
                   f"not {relation[:60]!r}")
        relation = None
    gated_eu = data.get("extra_gated_eu_disallowed")
    if gated_eu is not None and not isinstance(gated_eu, bool):
        fields.bad("extra_gated_eu_disallowed", f"extra_gated_eu_disallowed must be true or false, "
                   f"not {describe(gated_eu)}")
        gated_eu = None
    models, datasets = (sum(key in data for key in keys) for keys in (MODEL_KEYS, DATASET_KEYS))
    return CardFields(
        license=licenses,
        license_name=fields.text("license_name"),
        license_link=fields.text("license_link"),
        license_details=fields.text("license_details"),
        base_model=fields.listed("base_model"),
        base_model_relation=relation.lower() if relation else None,
        datasets=fields.listed("datasets"),
        source_datasets=fields.listed("source_datasets"),
        extra_gated_eu_disallowed=gated_eu,
        kind_hint=None if models == datasets else "model" if models > datasets else "dataset",
        has_card_keys=any(key in data for key in (*LICENSE_KEYS, *MODEL_KEYS, *DATASET_KEYS, *OTHER_CARD_KEYS)),
        license_unreadable=unreadable,
        problems=tuple(fields.problems),
    )
