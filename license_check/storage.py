"""Where license-check keeps files of its own (the user cache folder), and what makes them trustworthy. A base
module (stdlib only): the per-file and report caches (cache/) and the parsed-rules cache (knowledge/data.py) all
use it, so it sits below every stage.

A cache folder may be restored from elsewhere (CI caches come from other branches) or edited by anyone who can
write it, so nothing read from it is believed on its own:

* folders are created 0700 and must be real folders owned by the user (never symlinks); files are 0600;
* an entry is read only if it is a regular file of bounded size, opened with ``O_NOFOLLOW | O_NONBLOCK``
  (a FIFO, device or symlink in its place is a miss, never a hang or a read of /dev/zero);
* every entry is sealed with HMAC-SHA256 under a per-user secret kept *outside* the cache folder
  ($LICENSE_CHECK_CACHE_KEY, else $XDG_CONFIG_HOME/license-check/cache.key, else
  ~/.config/license-check/cache.key; 32 random bytes, 0600). The MAC covers the key the entry was stored
  under, so an edited entry, or a real one copied under another key, is a miss. Without a usable secret
  the caches are off;
* under ``CI=true`` the caches are off unless $LICENSE_CHECK_CACHE=1 asks for them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

CACHE_DIR_ENV = "LICENSE_CHECK_CACHE_DIR"  # overrides the location (the tests point it at a temp folder)
KEY_FILE_ENV = "LICENSE_CHECK_CACHE_KEY"  # overrides where the secret that seals entries lives
ENABLE_ENV = "LICENSE_CHECK_CACHE"  # "1": use the caches even under CI=true; "0": never use them
_SEAL_MAGIC = b"LCSEAL1\n"
_MAC_SIZE = 32


def cache_dir() -> Path:
    """$LICENSE_CHECK_CACHE_DIR, else $XDG_CACHE_HOME/license-check, else ~/.cache/license-check."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # XDG: a relative value is ignored
    return base / "license-check"


@lru_cache(maxsize=1)
def dependency_versions() -> str:
    """Python and the libraries whose behaviour shapes results (normalization, ScanCode matching, YAML):
    part of every cache key, so that an upgrade in place never serves an old answer."""
    from importlib import metadata

    out = [f"python={sys.version_info[0]}.{sys.version_info[1]}"]
    for dist in ("license-expression", "scancode-toolkit", "PyYAML"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=none")
    return ";".join(out)


def caches_enabled() -> tuple[bool, str]:
    """Whether the caches may be used, and why not. $LICENSE_CHECK_CACHE=1/0 decides; else off under CI=true
    (a CI cache is restored from other branches and runs: it must not decide a verdict)."""
    asked = os.environ.get(ENABLE_ENV, "").strip().lower()
    if asked in ("1", "true", "yes", "on"):
        return True, ""
    if asked in ("0", "false", "no", "off"):
        return False, f"${ENABLE_ENV}={asked}"
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return False, f"CI={os.environ['CI']} (set {ENABLE_ENV}=1 to use them)"
    return True, ""


def private_dir(folder: Path) -> bool:
    """Create ``folder`` (and parents) 0700 if needed; True only if it is a real folder of this user, not
    writable by others (a looser mode of our own folder is tightened to 0700)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(folder)
        if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
            return False
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(folder, 0o700)
        return True
    except OSError:
        return False


def open_regular(path: Path | str) -> int | None:
    """A read-only descriptor of the regular file at ``path``, or None (absent, a link, a FIFO, a device,
    unreadable). Never blocks on a FIFO, never follows a symlink at the last component."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def read_regular(path: Path | str, cap: int) -> bytes | None:
    """The bytes of a regular file of at most ``cap`` bytes, or None (absent, a link, a FIFO, a device,
    too large, unreadable). Never blocks on a FIFO, never follows a symlink at the last component."""
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        if os.fstat(fd).st_size > cap:
            return None
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:  # grew while read
                return None
    except OSError:
        return None
    finally:
        os.close(fd)


def write_private(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` atomically (a 0600 temporary file renamed over it) in a private folder."""
    if not private_dir(target.parent):
        return False
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False


def key_file() -> Path:
    explicit = os.environ.get(KEY_FILE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".config"
    return base / "license-check" / "cache.key"


@lru_cache(maxsize=4)
def _secret_at(path: Path, cache: Path) -> bytes | None:
    try:
        if path.absolute().is_relative_to(cache.absolute()):  # a secret inside the cache folder seals nothing
            return None
    except (OSError, ValueError):
        return None
    if not private_dir(path.parent):
        return None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        try:
            os.write(fd, secrets.token_bytes(32))
        finally:
            os.close(fd)
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if (not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o077
            or (hasattr(os, "geteuid") and st.st_uid != os.geteuid())):
        return None  # a secret others can read or replace authenticates nothing
    data = read_regular(path, 4096)
    return data if data is not None and len(data) >= 16 else None


def secret() -> bytes | None:
    """The per-user secret that seals cache entries (created on first use), or None: then no cache is used."""
    try:
        return _secret_at(key_file(), cache_dir())
    except (OSError, RuntimeError):  # e.g. no home directory
        return None


def _mac(key: bytes, bound: bytes, payload: bytes) -> bytes:
    return hmac.digest(key, len(bound).to_bytes(4, "big") + bound + payload, hashlib.sha256)


def seal(bound: bytes, payload: bytes, key: bytes | None = None) -> bytes | None:
    """``payload`` with a MAC over it and ``bound`` (the key it is stored under); None without a secret.
    ``key``: the secret, when the caller seals many entries (finding it costs more than the MAC)."""
    key = key or secret()
    return None if key is None else _SEAL_MAGIC + _mac(key, bound, payload) + payload


def unseal(bound: bytes, blob: bytes, key: bytes | None = None) -> bytes | None:
    """The payload of a sealed entry if its MAC holds for ``bound``, else None (edited, copied, foreign).
    ``key``: the secret, as for ``seal``."""
    key = key or secret()
    head = len(_SEAL_MAGIC) + _MAC_SIZE
    if key is None or len(blob) < head or not blob.startswith(_SEAL_MAGIC):
        return None
    payload = blob[head:]
    return payload if hmac.compare_digest(blob[len(_SEAL_MAGIC):head], _mac(key, bound, payload)) else None


# Files whose contents are always hashed, never taken as unchanged from their stat (a write through a shared
# mmap changes a file and no stat field): everything that can carry license terms (license texts, cards,
# READMEs, manifests, metadata: all small). Only source code (read for its headers) and files over
# ALWAYS_HASH_MAX (weights, data) use the stat memo, the limit git's index has too.
ALWAYS_HASH_MAX = 1 << 20
_SOURCE_SUFFIXES = frozenset({
    ".py", ".pyi", ".pyx", ".pxd", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".c", ".h", ".cc", ".cpp", ".cxx",
    ".hpp", ".hh", ".cu", ".cuh", ".go", ".rs", ".java", ".kt", ".kts", ".scala", ".rb", ".php", ".cs", ".swift",
    ".m", ".mm", ".sh", ".bash", ".zsh", ".lua", ".pl", ".pm", ".r", ".jl", ".dart", ".ex", ".exs", ".erl", ".hs",
    ".ml", ".f90", ".vue", ".css", ".scss", ".sql", ".proto", ".cmake", ".s", ".asm"
})
_LICENSE_WORDS = ("licen", "copying", "notice", "readme", "copyright", "patent", "model_card", "modelcard", "terms")
_LICENSE_WORDS_RE = re.compile("|".join(map(re.escape, _LICENSE_WORDS)))  # one C search, not nine


def always_hashed(path: str, size: int) -> bool:
    """Whether a file's contents, not its stat, must say that it is unchanged (see above)."""
    if size > ALWAYS_HASH_MAX:
        return False
    name = path.rsplit("/", 1)[-1].lower()
    suffix = name[name.rfind("."):] if "." in name else ""
    return suffix not in _SOURCE_SUFFIXES or _LICENSE_WORDS_RE.search(name) is not None


RACY_SECONDS = 2.0  # a file modified this recently may be written again within the same timestamp tick


def tree_digest(folder: Path, suffixes: tuple[str, ...]) -> str:
    """A digest of the files of ``folder`` ending in ``suffixes``: each file's path and stat (device, inode,
    size, mtime and ctime in ns: the kernel sets ctime on every write and nobody can set it back), as git's
    index says a file is unchanged without reading it. A file modified in the last RACY_SECONDS is hashed
    instead (git's "racy" case: two writes within one timestamp tick leave the same stat)."""
    import time

    digest = hashlib.blake2b(digest_size=16)
    recent = time.time_ns() - int(RACY_SECONDS * 1e9)
    for current, dirs, names in sorted(os.walk(folder)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(n for n in names if n.endswith(suffixes)):
            path = os.path.join(current, name)
            digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape") + b"\0")
            st = os.stat(path)
            if max(st.st_mtime_ns, st.st_ctime_ns) >= recent:
                with open(path, "rb") as handle:
                    digest.update(b"content " + hashlib.sha256(handle.read()).digest() + b"\0")
            else:
                digest.update(f"stat {st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}\0".encode())
    return digest.hexdigest()
