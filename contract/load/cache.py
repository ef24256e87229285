"""The warm start: what loading (and linting) a spec produced, kept on disk by the spec's content.

A large spec costs seconds to parse, resolve and lint, and the result is a pure function of the
files' bytes and of this code. Here it is pickled once under a key made of the bytes' SHA-256,
how the spec was asked for (shown path, options) and a fingerprint of the code (contract's version,
its source files' sizes and times, the libraries that shape findings, Python's version), so an entry
is never trusted across versions: a changed file or a changed contract is a different key.

Where: `$CONTRACT_CACHE_DIR`, else `$XDG_CACHE_HOME/contract`, else `~/.cache/contract`. Off with
`CONTRACT_CACHE=0` (or `--no-cache`). Every entry is a plain file, safe to delete at any time. An
entry that cannot be read or unpickled is a miss and is rewritten; a write goes to a temporary file
renamed into place, so parallel runs (pytest-xdist workers, two CLIs) never read half an entry.
Nothing here raises: a cache that cannot be used is a cold load, never an error.
What is worth storing is the loader's call (`contract.load.spec`): a YAML spec's load, not a JSON one's
(re-parsed faster than its pickle reads back), nor a file too small to be worth a lookup; lint findings
are stored for every spec.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from contract.core.memory import gc_paused

_OFF = frozenset({"0", "off", "false", "no"})
# contract itself, and the libraries whose versions change what a load or a lint finds.
_LIBRARIES = ("contract", "pyyaml", "jsonschema", "jsonschema-rs", "openapi-spec-validator", "markdown-it-py")
_FORMAT = 1  # bump when the layout of an entry changes


def enabled() -> bool:
    """False when `CONTRACT_CACHE` says off (0, off, false, no)."""
    return os.environ.get("CONTRACT_CACHE", "1").strip().lower() not in _OFF


def folder() -> Path:
    """Where entries live (not created until the first write)."""
    explicit = os.environ.get("CONTRACT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contract"


@cache
def fingerprint() -> str:
    """This code and what it runs on: contract's version and source files, the libraries, Python.

    Every lookup pays it, so it is read cheaply: versions from the installed `name-version.dist-info`
    folder names (one listing per `sys.path` entry, not a parse of each METADATA file), source files
    by `os.scandir` (about 0.5 ms in all, against 5 ms through `importlib.metadata` and `pathlib`)."""
    digest = hashlib.sha256(f"{_FORMAT}|{sys.version}".encode())
    for name in _LIBRARIES:
        digest.update(f"|{name}={installed_version(name) or '-'}".encode())
    package = Path(__file__).resolve().parents[1]  # the contract package
    for source in _sources(str(package)):  # an edited checkout is a new version too
        digest.update(f"|{source}".encode())
    return digest.hexdigest()


def installed_version(name: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    found = _dist_info_versions().get(_normal(name))
    if found:
        return found
    from importlib import metadata  # an install without a versioned folder name (rare): ask the slow way

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


@cache
def _dist_info_versions() -> dict[str, str]:
    """Normalised distribution name → version, from the `name-version.dist-info` / `.egg-info` folders on
    `sys.path`, the first one found winning as for an import (the names are the wheel spec's)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip, a path hook, a missing folder
            continue
        for item in names:
            stem, _, suffix = item.rpartition(".")
            if suffix not in ("dist-info", "egg-info"):
                continue
            name, _, version = stem.partition("-")
            if version:
                found.setdefault(_normal(name), version)
    return found


def _sources(package: str) -> list[str]:
    """`relative/path.py:size:mtime_ns` of every source file of the package, sorted."""
    out: list[str] = []
    skip = len(package) + 1
    folders = [package]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                out.append(f"{entry.path[skip:]}:{stat.st_size}:{stat.st_mtime_ns}")
            elif entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                folders.append(entry.path)
    return sorted(out)


def file_hash(path: Path) -> str | None:
    """SHA-256 of the file's bytes, or None if it cannot be read (the cold load then says why)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def file_size(path: Path) -> int:
    """The file's size in bytes (0 if it cannot be read: the cold load then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def key(*parts: Any) -> str:
    """An entry's name from the code's fingerprint and `parts` (content hashes, options, ...)."""
    return hashlib.sha256(repr((fingerprint(), *parts)).encode()).hexdigest()


def read(name: str) -> Any:
    """The value stored under `name`, or None (absent, unreadable, corrupt, from another layout)."""
    try:
        raw = (folder() / f"{name}.pickle").read_bytes()
    except OSError:
        return None
    try:
        with gc_paused():  # unpickling builds millions of objects: the collector would walk them again and again
            stored = pickle.loads(raw)
    except Exception:  # a truncated or foreign file is a miss; the next write replaces it
        return None
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != name:
        return None
    return stored[1]


def write(name: str, value: Any) -> bool:
    """Store `value` under `name` atomically; False (and nothing left behind) if it cannot be."""
    where = folder()
    try:
        with gc_paused():
            payload = pickle.dumps((name, value), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return False
    try:
        where.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=where, prefix=f".{name[:16]}-", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temp, where / f"{name}.pickle")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    return True


def files_unchanged(hashes: Iterable[tuple[str, str]]) -> bool:
    """True when every (path, SHA-256) still holds: the files a spec's `$ref`s read."""
    return all(digest is not None and file_hash(Path(path)) == digest for path, digest in hashes)
