"""Where the reviewed license data (rules/) lives, and typed readers for its files.

rules/ sits at the repository top level and ships in the wheel as the package resource
``license_check/rules`` (pyproject force-include). ``rules_dir()`` finds it both ways.
Nothing here interprets the data: normalize.py, rulebook.py and known.py do. The readers of
hub-ids.toml and urls.toml are in web.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from license_check.errors import RulesError
from license_check.knowledge.expression import is_valid_key
from license_check.knowledge.fields import BOOL, ID, REPLACEMENTS, STR, STR_OR_NULL, STRS, entry_problems

LICENSEDB_FILE = Path("generated") / "scancode-licensedb.json"
SPDX_TEMPLATES_FILE = Path("generated") / "spdx-templates.json"  # SPDX's license templates (collect/textid/templates)
SPDX_IDS_FILE = Path("generated") / "spdx-ids.json"  # every SPDX license and exception id (scripts/gen_spdx.py)
ALIASES_FILE = Path("aliases.toml")
HUB_IDS_FILE = Path("hub-ids.toml")  # Hugging Face Hub license ids (normalize.py, RawForm.HUB)
URLS_FILE = Path("urls.toml")  # license URLs (normalize.py, RawForm.URL)
FILE_NAMES_FILE = Path("file-names.toml")  # license-bearing file names, their scope, model card names
MODELS_FILE = Path("models.toml")  # well-known models, datasets, weight URLs (known.py)


class DataError(RulesError):
    """A rules data file is missing or cannot be parsed (the problem names the file and key)."""

    def __init__(self, problems: str | Sequence[str], title: str = "", directory: Path | None = None) -> None:
        super().__init__(problems, title, directory)


def rules_dir() -> Path:
    """The rules directory: the installed package resource, else ``<repo>/rules``."""
    try:
        packaged = resources.files("license_check") / "rules"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, OSError, TypeError):  # pragma: no cover - odd loaders
        pass
    return Path(__file__).resolve().parents[2] / "rules"


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
    from license_check.storage import cache_dir  # the user cache directory (XDG)

    try:
        return cache_dir() / "rules-parsed" / f"{digest}.json"
    except Exception:  # noqa: BLE001 - no usable cache directory: parse every time
        return None


# Parses made in this process, by the sha256 of the file's bytes: the rule book's loader and the normalizer
# both read rules/licenses/*.toml and aliases.toml. Kept pickled, so each caller gets its own fresh copy.
_PARSED_HERE: dict[str, bytes] = {}


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a rules TOML file. Parsing the rules is a tenth of a warm scan, so the parsed form is kept
    as JSON in the user cache, keyed by the sha256 of the file's bytes (a changed file is parsed again;
    a damaged, unreadable or unsealed cache file is ignored: entries carry a MAC, storage.seal). A file
    read again in the same process (same bytes) is not parsed again: it gets a copy of the first parse."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    here = _PARSED_HERE.get(digest)
    if here is not None:
        return pickle.loads(here)  # type: ignore[no-any-return]  # noqa: S301 - pickled by this process
    parsed = _read_toml(path, data, digest)
    with contextlib.suppress(Exception):  # a parse pickle cannot keep is simply not kept
        if len(_PARSED_HERE) >= 256:  # a test suite's many rules folders
            _PARSED_HERE.clear()
        _PARSED_HERE[digest] = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    return parsed


def _read_toml(path: Path, data: bytes, digest: str) -> dict[str, Any]:
    cached = _parsed_path(digest) if _PARSE_CACHE["enabled"] else None
    if cached is not None:
        from license_check.storage import read_regular, unseal  # sealed entries only (see cachedir)

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
        from license_check.storage import seal, write_private

        sealed = seal(target.name.encode(), text.encode("utf-8"))  # a MAC over the entry and its name
        if sealed is not None and len(sealed) <= _PARSED_CAP:
            write_private(target, sealed)  # atomic: a concurrent reader sees the old file or the new one
    except (OSError, TypeError, ValueError):
        pass


def read_json(path: Path, shape: tuple[tuple[str, type], ...], raw: bytes | None = None) -> dict[str, Any]:
    """A generated rules file: a JSON object whose ``shape`` keys have those types (DataError names the key).
    ``raw``: the file's bytes, already read (the SPDX templates' store is named by exactly the bytes parsed)."""
    try:
        data = json.loads((path.read_bytes() if raw is None else raw).decode("utf-8"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:  # not JSON, or not UTF-8 (UnicodeDecodeError is a ValueError)
        raise DataError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path}: a JSON object is required")
    for key, kind in shape:
        if key not in data:
            raise DataError(f"{path}: {key}: missing")
        if not isinstance(data[key], kind):
            wanted = "an array" if kind is list else "an object" if kind is dict else "a string"
            raise DataError(f"{path}: {key}: {wanted} is required")
    return data


@lru_cache(maxsize=8)
def load_licensedb(directory: Path) -> LicenseDB:
    path = directory / LICENSEDB_FILE
    data = read_json(path, (("licenses", list), ("scancode_toolkit_version", str),
                                ("spdx_license_list_version", str)))
    problems = entry_problems(str(path), data["licenses"], _DB_FIELDS)
    if problems:
        raise DataError(problems)
    entries = tuple(
        DBEntry(key=lic["key"], short_name=lic["short_name"], spdx=lic["spdx_license_key"],
                other_spdx=tuple(lic["other_spdx_license_keys"]), category=lic["category"],
                is_exception=lic["is_exception"], is_deprecated=lic["is_deprecated"])
        for lic in data["licenses"])
    return LicenseDB(data["scancode_toolkit_version"], data["spdx_license_list_version"], entries)


_DB_FIELDS = {"key": ID, "short_name": STR, "spdx_license_key": ID, "other_spdx_license_keys": STRS,
              "category": STR, "is_exception": BOOL, "is_deprecated": BOOL}


@dataclass(frozen=True, slots=True)
class Replacement:
    """One documented replacement of a deprecated SPDX id (its ``obsoletedBy``)."""

    target: str  # an id or an expression, as SPDX writes it ("GPL-2.0 WITH Classpath-exception-2.0")
    spelling: str | None  # the deprecated spelling it replaces, where SPDX names one ("GPL-2.0+")


@dataclass(frozen=True, slots=True)
class SpdxId:
    """One id of the SPDX license list (see scripts/gen_spdx.py)."""

    id: str
    name: str
    is_exception: bool
    deprecated: str | None  # the list version that deprecated it; None: current
    obsoleted_by: tuple[Replacement, ...]


@dataclass(frozen=True, slots=True)
class SpdxList:
    version: str  # "3.28.0+46 (e4c1f276, 2026-07-16)"
    commit: str
    entries: tuple[SpdxId, ...]


@lru_cache(maxsize=8)
def load_spdx_ids(directory: Path) -> SpdxList:
    path = directory / SPDX_IDS_FILE
    data = read_json(path, (("licenses", list), ("license_list_version", str), ("commit", str)))
    problems = entry_problems(str(path), data["licenses"], _SPDX_FIELDS)
    if problems:
        raise DataError(problems)
    entries = tuple(
        SpdxId(lic["id"], lic["name"], lic["exception"] is True, lic["deprecated"],
               tuple(Replacement(r["id"], r.get("expression")) for r in lic["obsoleted_by"]))
        for lic in data["licenses"])
    return SpdxList(data["license_list_version"], data["commit"], entries)


_SPDX_FIELDS = {"id": ID, "name": STR, "exception": BOOL, "deprecated": STR_OR_NULL, "obsoleted_by": REPLACEMENTS}


_TEMPLATE_KEYS = (("license_list_version", str), ("equivalent_words", list), ("required", dict), ("templates", dict))


@lru_cache(maxsize=8)
def load_spdx_templates(directory: Path) -> dict[str, Any]:
    """rules/generated/spdx-templates.json (scripts/gen_templates.py), its top-level shape checked."""
    return parse_spdx_templates(directory / SPDX_TEMPLATES_FILE)


def parse_spdx_templates(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    """The SPDX templates file at ``path`` (its bytes ``raw``, when read already), its top-level shape checked."""
    return read_json(path, _TEMPLATE_KEYS, raw)


@lru_cache(maxsize=8)
def load_aliases(directory: Path) -> dict[str, Any]:
    """rules/aliases.toml, its shape checked (the entries are checked by licenses.py, with the normalizer)."""
    path = directory / ALIASES_FILE
    data = read_toml(path)
    for section in ("unstated", "names", "families", "classifiers"):
        if not isinstance(data.get(section, {}), dict):
            raise DataError(f"{path}: {section}: must be a table")
    for key, value in data.get("unstated", {}).items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataError(f"{path}: unstated.{key}: must be a list of strings")
    return data


PROJECT_ID_PREFIX = "LicenseRef-license-check-"


@lru_cache(maxsize=8)
def load_project_ids(directory: Path) -> dict[str, str]:
    """The project's own LicenseRef ids -> their names. A ``[licenses."LicenseRef-license-check-..."]``
    table in rules/licenses/*.toml declares one (its one declaration); a file that does not parse is
    skipped here and reported by the rule book's loader."""
    found: dict[str, str] = {}
    for file in sorted((directory / "licenses").glob("*.toml")):
        try:
            tables = read_toml(file).get("licenses", {})
        except DataError:
            continue
        for ident, body in dict(tables if isinstance(tables, dict) else {}).items():
            if str(ident).startswith(PROJECT_ID_PREFIX) and is_valid_key(str(ident)):  # else: load_rules says
                name = body.get("name") if isinstance(body, dict) else None
                found.setdefault(str(ident), str(name or ident))
    return found


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
            raise DataError(f"{path}: {table}: a table with a 'source' is required")
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


# --- license URLs ---------------------------------------------------------------------------------

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
