"""What a live run is told: :class:`RunConfig`, and the helpers that build its credentials and headers.

Its own module so every phase (:mod:`contract.replay.phases`), the sender and the CLI read the
configuration without importing the engine (:mod:`contract.replay.runner`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from contract.generate import ExtraConstraint
from contract.load import Spec

__all__ = ["DEFAULT_WORKERS", "RunConfig", "credential_headers", "env_credentials", "merge_headers", "parse_header",
           "shard_of"]

DEFAULT_WORKERS = 8  # I/O bound: 4 per core on the 2-core machines CI runs on


def parse_header(text: str) -> tuple[str, str]:
    """`Name: value` → (name, value); ValueError when there is no colon or no name."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"expected 'Name: value', got {text.split(':', 1)[0]!r}…")
    return name.strip(), value.strip()


def credential_headers(spec: Spec, key: str) -> dict[str, str]:
    """The header the spec's first apiKey/http scheme expects, carrying `key` (e.g. `Authorization: Api-Key …`)."""
    for op in spec.operations:
        for alternative in op.security:
            for scheme in alternative:
                if scheme.type == "http":
                    word = "Bearer" if (scheme.scheme or "").lower() == "bearer" else (scheme.scheme or "Bearer")
                    return {"Authorization": f"{word.capitalize()} {key}"}
                if scheme.type == "apiKey" and scheme.location == "header" and scheme.param_name:
                    raw = ((spec.data.get("components") or {}).get("securitySchemes") or {}).get(scheme.key) or {}
                    text = f"{raw.get('default', '')} {raw.get('description', '')}"
                    m = re.search(r"`?([A-Za-z][\w-]*) \{[^}]*\}", text)
                    prefix = f"{m.group(1)} " if m and m.group(1).lower() not in ("the", "your") else ""
                    return {scheme.param_name: prefix + key}
    return {"Authorization": f"Bearer {key}"}


@dataclass(slots=True)
class RunConfig:
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)  # main credential + extra headers
    alt_headers: dict[str, str] = field(default_factory=dict)  # a second credential (tenant isolation)
    seed: int = 0
    max_examples: int = 20  # conforming cases per operation (violating: as many, at least one per constraint)
    workers: int = DEFAULT_WORKERS
    max_time: float | None = None
    rate: float | None = None  # requests per second, all workers together
    max_response_time: float | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_response_bytes: int = 1 << 20
    secrets: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # response field → value, for resources with no create
    probe_values: list[str] = field(default_factory=list)  # strings planted in string fields of extra cases
    # Constraints the docs pages add to the spec, per operation key (`contract check` fills it from drift):
    # generation honours them beside the spec's and the prose's, so a violating case breaks only its label.
    docs_extras: dict[str, list[ExtraConstraint]] = field(default_factory=dict)
    checks: frozenset[str] | None = None
    shrink_budget: int = 24  # requests per finding
    shrink_total: int = 240  # requests for all shrinking
    stateful: bool = True
    progress: str = "auto"  # auto | plain | off
    shard: tuple[int, int] | None = None  # (k, n): only paths whose stable hash falls in shard k of n
    operations: tuple[str, ...] = ()  # --operation patterns (contract.core.selection); () = every operation
    total_timeout: float | None = None  # whole request, body included; default 3 × read_timeout
    read_only: bool = False  # only GET/HEAD/OPTIONS; everything else (and the sequences) skipped
    run_token: str | None = None  # salt of generated identifiers; default: derived from the seed
    max_requests: int | None = None  # requests on the wire, all purposes together; None: no budget
    path_params: dict[str, str] = field(default_factory=dict)  # NAME → VALUE: seeds/pins identifiers (see pool)
    cleanup: bool = True  # delete what the run created, deepest first, at the end
    record: str | None = None  # a HAR 1.2 file every exchange sent is recorded to (masked)


def shard_of(path: str, count: int) -> int:
    """0-based shard of a path: a stable hash, so every machine of a CI matrix agrees."""
    return int(hashlib.sha256(path.encode("utf-8")).hexdigest(), 16) % count


def env_credentials(spec: Spec, environ: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """`CONTRACT_API_KEY` → the spec's credential header (and the key as a secret to redact)."""
    env = os.environ if environ is None else environ
    key = env.get("CONTRACT_API_KEY", "").strip()
    if not key:
        return {}, []
    return credential_headers(spec, key), [key]


def merge_headers(*groups: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in groups:
        for name, value in group:
            for existing in [k for k in out if k.lower() == name.lower()]:
                del out[existing]
            out[name] = value
    return out
