"""Where the reviewed license data (rules/) lives, and typed readers for its files.

rules/ sits at the repository top level and ships in the wheel as the package resource
``license_check/rules`` (pyproject force-include). ``rules_dir()`` finds it both ways.
Nothing here interprets the data: normalize.py, rules.py and known.py do. The readers of
hub-ids.toml and urls.toml check the shape of the tables (keys, types, duplicates) and report
problems with file and key; whether the license ids are known is checked by normalize.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

LICENSEDB_FILE = Path("generated") / "scancode-licensedb.json"
ALIASES_FILE = Path("aliases.toml")
HUB_IDS_FILE = Path("hub-ids.toml")  # Hugging Face Hub license ids (normalize.py, RawForm.HUB)
URLS_FILE = Path("urls.toml")  # license URLs (normalize.py, RawForm.URL)
FILE_NAMES_FILE = Path("file-names.toml")  # license-bearing file names, their scope, model card names
MODELS_FILE = Path("models.toml")  # well-known models, datasets, weight URLs (known.py)


class DataError(Exception):
    """A rules data file is missing or cannot be parsed (message names the file)."""


def rules_dir() -> Path:
    """The rules directory: the installed package resource, else ``<repo>/rules``."""
    try:
        packaged = resources.files("license_check") / "rules"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, OSError, TypeError):  # pragma: no cover - odd loaders
        pass
    return Path(__file__).resolve().parent.parent / "rules"


@dataclass(frozen=True, slots=True)
class DBEntry:
    """One ScanCode LicenseDB license (see scripts/gen_licensedb.py)."""

    key: str
    short_name: str
    spdx: str
    other_spdx: tuple[str, ...]
    category: str
    is_exception: bool
    is_deprecated: bool


@dataclass(frozen=True, slots=True)
class LicenseDB:
    scancode_version: str
    spdx_list_version: str
    entries: tuple[DBEntry, ...]

    @property
    def version(self) -> str:
        return (f"scancode-toolkit {self.scancode_version} LicenseDB"
                f" (SPDX license list {self.spdx_list_version})")


_PARSE_CACHE = {"enabled": True}
_PARSED_CAP = 64 << 20  # bytes of one parsed-rules cache entry


def use_parse_cache(enabled: bool) -> None:
    """``--no-cache``: neither read nor write the parsed-rules cache (see ``read_toml``)."""
    _PARSE_CACHE["enabled"] = enabled


def _parsed_path(digest: str) -> Path | None:
    from license_check.cachedir import cache_dir  # the user cache directory (XDG)

    try:
        return cache_dir() / "rules-parsed" / f"{digest}.json"
    except Exception:  # noqa: BLE001 - no usable cache directory: parse every time
        return None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a rules TOML file. Parsing the rules is a tenth of a warm scan, so the parsed form is kept
    as JSON in the user cache, keyed by the sha256 of the file's bytes (a changed file is parsed again;
    a damaged, unreadable or unsealed cache file is ignored: entries carry a MAC, cachedir.seal)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    cached = _parsed_path(hashlib.sha256(data).hexdigest()) if _PARSE_CACHE["enabled"] else None
    if cached is not None:
        from license_check.cachedir import read_regular, unseal  # sealed entries only (see cachedir)

        blob = read_regular(cached, _PARSED_CAP)  # never a FIFO, device or link
        payload = None if blob is None else unseal(cached.name.encode(), blob)
        try:
            loaded = None if payload is None else json.loads(payload.decode("utf-8"))
            if isinstance(loaded, dict):
                return loaded
        except ValueError:
            pass
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: invalid TOML: {exc}") from exc
    if cached is not None:
        _store(cached, parsed)
    return parsed


def _store(target: Path, parsed: dict[str, Any]) -> None:
    try:
        text = json.dumps(parsed, ensure_ascii=False)
        if json.loads(text) != parsed:  # only what JSON keeps exactly (no dates)
            return
        from license_check.cachedir import seal, write_private

        sealed = seal(target.name.encode(), text.encode("utf-8"))  # a MAC over the entry and its name
        if sealed is not None and len(sealed) <= _PARSED_CAP:
            write_private(target, sealed)  # atomic: a concurrent reader sees the old file or the new one
    except (OSError, TypeError, ValueError):
        pass


@lru_cache(maxsize=8)
def load_licensedb(directory: Path) -> LicenseDB:
    path = directory / LICENSEDB_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            DBEntry(
                key=str(lic["key"]),
                short_name=str(lic["short_name"]),
                spdx=str(lic["spdx_license_key"]),
                other_spdx=tuple(str(k) for k in lic["other_spdx_license_keys"]),
                category=str(lic["category"]),
                is_exception=bool(lic["is_exception"]),
                is_deprecated=bool(lic["is_deprecated"]),
            )
            for lic in data["licenses"]
        )
        return LicenseDB(
            scancode_version=str(data["scancode_toolkit_version"]),
            spdx_list_version=str(data["spdx_license_list_version"]),
            entries=entries,
        )
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}: not a LicenseDB snapshot: {exc!r}") from exc


@lru_cache(maxsize=8)
def load_aliases(directory: Path) -> dict[str, Any]:
    return read_toml(directory / ALIASES_FILE)


@dataclass(frozen=True, slots=True)
class FileNames:
    """rules/file-names.toml: which file names bear licenses or model cards, and what a name scopes."""

    license_words: frozenset[str]
    not_license_words: frozenset[str]
    scopes: dict[str, frozenset[str]]  # kind ("weights", "model", "data") -> words
    license_folders: frozenset[str]
    doc_folders: frozenset[str]
    card_names: frozenset[str]
    card_suffixes: tuple[str, ...]
    card_folders: frozenset[str]


def _words(path: Path, table: Any, key: str) -> frozenset[str]:
    value = table.get(key) if isinstance(table, dict) else None
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DataError(f"{path}: {key}: a list of non-empty strings is required")
    return frozenset(w.lower() for w in value)


@lru_cache(maxsize=8)
def load_file_names(directory: Path) -> FileNames:
    path = directory / FILE_NAMES_FILE
    data = read_toml(path)
    for table in ("license_words", "not_license_words", "scopes", "folders", "model_cards"):
        if not isinstance(data.get(table), dict) or not isinstance(data[table].get("source"), str):
            raise DataError(f"{path}: [{table}] with a 'source' is required")
    scopes = {k: _words(path, data["scopes"], k) for k in ("weights", "model", "data")}
    return FileNames(
        license_words=_words(path, data["license_words"], "words"),
        not_license_words=_words(path, data["not_license_words"], "words"),
        scopes=scopes,
        license_folders=_words(path, data["folders"], "model_licenses"),
        doc_folders=_words(path, data["folders"], "docs"),
        card_names=_words(path, data["model_cards"], "names"),
        card_suffixes=tuple(sorted(_words(path, data["model_cards"], "suffixes"))),
        card_folders=_words(path, data["model_cards"], "folders"),
    )


@lru_cache(maxsize=8)
def load_models(directory: Path) -> dict[str, Any]:
    return read_toml(directory / MODELS_FILE)


# --- Hugging Face Hub ids and license URLs ---------------------------------------------------------

Value = str | tuple[str, ...]  # an SPDX expression, or candidate ids


@dataclass(frozen=True, slots=True)
class HubIds:
    ids: dict[str, tuple[str, Value]]  # lower-case Hub id -> (key path, value)
    special: frozenset[str]  # ids that name no license ("other", "unknown")
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UrlPattern:
    path: str  # key path in urls.toml, for messages
    regex: re.Pattern[str]  # must match the whole canonical URL
    license: str | None  # an id template, "CC-{kind}-{version}"
    candidates: tuple[str, ...]  # id templates
    or_later_unstated: bool  # a GNU "-only" result also offers its "-or-later" sibling
    examples: tuple[tuple[str, str], ...]  # (URL, expected "id" or "id | id")

    def fill(self, groups: Mapping[str, str]) -> tuple[str, ...] | None:
        """The templates filled with the named groups of a match (None if a group is missing)."""
        try:
            return tuple(t.format(**groups) for t in ((self.license,) if self.license else self.candidates))
        except (KeyError, IndexError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class LicenseUrls:
    exact: dict[str, tuple[str, Value]]  # canonical URL -> (key path, value)
    patterns: tuple[UrlPattern, ...]
    problems: tuple[str, ...]


_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|//|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+/)", re.IGNORECASE)
_URL_EXT = re.compile(r"\.(?:html?|txt|md|markdown|json|php|pdf)$")
_URL_LANG = re.compile(r"\.[a-z]{2}(?:[-_][a-z]{2,4})?$")  # gpl-3.0.en(.html)
_CC_TAIL = re.compile(r"/(?:legalcode|deed)(?:\.[a-z]{2,3}(?:[-_][a-z0-9]+)?)?$")
_REWRITES = (  # raw file URLs -> the page URL the tables list
    (re.compile(r"^raw\.githubusercontent\.com/([^/]+)/([^/]+)/"), r"github.com/\1/\2/blob/"),
    (re.compile(r"^(github\.com/[^/]+/[^/]+)/raw/"), r"\1/blob/"),
    (re.compile(r"^(huggingface\.co/(?:datasets/|spaces/)?[^/]+/[^/]+)/(?:raw|resolve)/"), r"\1/blob/"),
)


def canonical_url(url: str) -> str:
    """The form license URLs are matched in (rules/urls.toml, rules/models.toml): "host/path", lower-case.

    Drops the scheme, ``www.``, userinfo and port, ``?query`` and ``#fragment``, trailing ``/``,
    ``.html``/``.htm``/``.txt``/``.md``/``.json``/``.php``/``.pdf`` (and a language tag before it,
    ``gpl-3.0.en.html``), a trailing ``index``, and Creative Commons ``legalcode[.xx]``/``deed.xx``.
    raw.githubusercontent.com and github.com ``/raw/`` become ``github.com/<o>/<r>/blob/``;
    huggingface.co ``/raw/`` and ``/resolve/`` become ``/blob/``; hf.co is huggingface.co.
    """
    s = url.strip().strip("<>\"'").strip().split("#", 1)[0].split("?", 1)[0]
    host, _, path = _URL_SCHEME.sub("", s).lstrip("/").partition("/")
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".").removeprefix("www.")
    host = "huggingface.co" if host == "hf.co" else host
    path = path.lower()
    while True:
        before = path
        path = path.rstrip("/")
        stripped = _URL_EXT.sub("", path)
        path = _URL_LANG.sub("", stripped) if stripped != path else path
        if host == "creativecommons.org":
            path = _CC_TAIL.sub("", path)
        if path == "index" or path.endswith("/index"):
            path = path[: -len("index")]
        if path == before:
            break
    out = f"{host}/{path}" if path else host
    for pattern, replacement in _REWRITES:
        out = pattern.sub(replacement, out)
    return out


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def has_scheme(text: str) -> bool:
    """True for an absolute URL ("https://...", "s3://..."): a link, not a path in the repository."""
    return bool(_SCHEME.match(text.strip()))


def looks_like_url(text: str) -> bool:
    """True for "https://...", "//host/...", "www.host..." and "host.tld/path"."""
    return bool(_URL_LIKE.match(text.strip()))


class _Shape:
    """Collects the shape problems of one table file."""

    def __init__(self, file: Path) -> None:
        self.file = file.as_posix()
        self.problems: list[str] = []

    def problem(self, path: str, what: str) -> None:
        self.problems.append(f"{self.file}: {path}: {what}")

    def keys(self, path: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for extra in sorted(set(table) - allowed):
            self.problem(f"{path}.{extra}" if path else extra, "unknown key")

    def text(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be a non-empty string")

    def tables(self, data: Mapping[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        raw = data.get(key, [])
        if not isinstance(raw, list):
            self.problem(key, f"must be an array of tables [[{key}]]")
            return []
        out = []
        for i, body in enumerate(raw):
            if isinstance(body, dict):
                out.append((f"{key}[{i}]", body))
            else:
                self.problem(f"{key}[{i}]", "must be a table")
        return out

    def value(self, path: str, body: Mapping[str, Any]) -> Value | None:
        """``license`` (a string) xor ``candidates`` (a list of >= 2 strings)."""
        lic, cands = body.get("license"), body.get("candidates")
        if isinstance(lic, str) and lic.strip() and cands is None:
            return lic
        if lic is None and isinstance(cands, list) and len(cands) >= 2 and all(isinstance(c, str) for c in cands):
            return tuple(cands)
        self.problem(path, "needs either license = \"<expression>\" or candidates = [<at least 2 ids>]")
        return None


@lru_cache(maxsize=8)
def read_hub_ids(directory: Path) -> HubIds:
    """rules/hub-ids.toml (shape checked; see rules/README.md)."""
    data, shape = read_toml(directory / HUB_IDS_FILE), _Shape(HUB_IDS_FILE)
    shape.keys("", data, {"list", "special", "groups"})
    listed = data.get("list")
    if not isinstance(listed, dict) or not isinstance(listed.get("count"), int):
        shape.problem("list", "must be a table { source = \"...\", count = <number of Hub ids> }")
        listed = {}
    shape.text("list.source", listed.get("source", "-"))
    seen: dict[str, str] = {}
    ids: dict[str, tuple[str, Value]] = {}

    def new_id(path: str, key: Any) -> bool:
        if not isinstance(key, str) or not key or key != key.strip().lower() or " " in key:
            shape.problem(path, f"{key!r}: Hub ids are written in lower case without spaces")
        elif key in seen:
            shape.problem(path, f"{key!r}: duplicate (also in {seen[key]})")
        else:
            seen[key] = path
            return True
        return False

    special = data.get("special")
    special_ids: list[str] = []
    if not isinstance(special, dict) or not isinstance(special.get("ids"), list):
        shape.problem("special", "must be a table { ids = [...], source = \"...\" }")
    else:
        shape.keys("special", special, {"ids", "source"})
        shape.text("special.source", special.get("source"))
        special_ids = [k for i, k in enumerate(special["ids"]) if new_id(f"special.ids[{i}]", k)]
    for where, group in shape.tables(data, "groups"):
        shape.keys(where, group, {"about", "source", "ids"})
        shape.text(f"{where}.about", group.get("about"))
        shape.text(f"{where}.source", group.get("source"))
        table = group.get("ids")
        if not isinstance(table, dict):
            shape.problem(f"{where}.ids", "must be a table [groups.ids] of Hub id = target")
            table = {}
        for key, value in table.items():
            path = f"{where}.ids.{key!r}"
            target = shape.value(path, {"license": value} if isinstance(value, str) else {"candidates": value})
            if new_id(path, key) and target is not None:
                ids[key] = (path, target)
    if listed.get("count") is not None and len(seen) != listed.get("count"):
        shape.problem("list.count", f"{listed.get('count')} ids listed, but the tables have {len(seen)}")
    return HubIds(ids, frozenset(special_ids), tuple(shape.problems))


@lru_cache(maxsize=8)
def read_urls(directory: Path) -> LicenseUrls:
    """rules/urls.toml (shape checked, URLs canonicalised; see rules/README.md)."""
    data, shape = read_toml(directory / URLS_FILE), _Shape(URLS_FILE)
    shape.keys("", data, {"entries", "patterns"})
    exact: dict[str, tuple[str, Value]] = {}
    for where, entry in shape.tables(data, "entries"):
        shape.keys(where, entry, {"urls", "license", "candidates", "source"})
        shape.text(f"{where}.source", entry.get("source"))
        key = "license" if "license" in entry else "candidates"
        target = shape.value(f"{where}.{key}", entry)
        urls = entry.get("urls")
        for i, url in enumerate(urls if isinstance(urls, list) and urls else [None]):
            path = f"{where}.urls[{i}]"
            if not isinstance(url, str) or not looks_like_url(url):
                shape.problem(path if url is not None else f"{where}.urls", f"{url!r} is not a URL"
                              if url is not None else "must be a non-empty list of URLs")
            elif canonical_url(url) in exact:
                shape.problem(path, f"{url!r} is the same URL as {exact[canonical_url(url)][0]}")
            elif target is not None:
                exact[canonical_url(url)] = (f"{where}.{key}", target)
    patterns = []
    for where, body in shape.tables(data, "patterns"):
        shape.keys(where, body, {"match", "license", "candidates", "or_later_unstated", "source", "examples"})
        shape.text(f"{where}.source", body.get("source"))
        try:
            regex = re.compile(str(body.get("match") or "(?!)"))
        except re.error as exc:
            shape.problem(f"{where}.match", f"not a regular expression: {exc}")
            continue
        target, examples, later = shape.value(where, body), body.get("examples"), body.get("or_later_unstated", False)
        if not body.get("match"):
            shape.problem(f"{where}.match", "missing")
        if not isinstance(later, bool):
            shape.problem(f"{where}.or_later_unstated", "must be true or false")
        if not isinstance(examples, dict) or not examples:
            shape.problem(f"{where}.examples", "must be a table of at least one URL = expected result")
            examples = {}
        if target is not None and body.get("match") and isinstance(later, bool):
            patterns.append(UrlPattern(
                where, regex, target if isinstance(target, str) else None,
                target if isinstance(target, tuple) else (), later,
                tuple((str(u), str(e)) for u, e in examples.items())))
    return LicenseUrls(exact, tuple(patterns), tuple(shape.problems))
