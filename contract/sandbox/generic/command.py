"""`contract sandbox --spec SPEC`: the emulator in the foreground (called by `contract.sandbox.command`)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from contract.errors import InputError
from contract.load import load_spec
from contract.sandbox.faults import check_faults
from contract.sandbox.generic.app import create_emulator
from contract.sandbox.generic.faults import GENERIC_FAULTS
from contract.sandbox.generic.server import accepted_keys, security_schemes
from contract.sandbox.server import serve

__all__ = ["parse_scheme_keys", "run_emulator"]

log = logging.getLogger("contract.sandbox")


def parse_scheme_keys(values: Sequence[str]) -> dict[str, list[str]]:
    """SCHEME=VALUE pairs, in order; messages never repeat the value (a secret)."""
    keys: dict[str, list[str]] = {}
    for n, value in enumerate(values, 1):
        name, sep, secret = value.partition("=")
        if not sep or not name or not secret:
            raise click.BadParameter(f"value #{n} is not SCHEME=VALUE with a non-empty scheme and value",
                                     param_hint="--key")
        if secret in keys.get(name, []):
            raise click.BadParameter(f"value #{n}: this value is already given for {name}", param_hint="--key")
        keys.setdefault(name, []).append(secret)
    return keys


def run_emulator(spec_path: str, *, host: str, port: int, db_path: str | None, raw_keys: Sequence[str],
                 faults: Sequence[str], seed: int) -> None:
    """Serve `spec_path` until SIGINT/SIGTERM; bad input is a click usage error, an unbindable port an OSError."""
    started = time.monotonic()
    try:
        chosen = check_faults(faults, GENERIC_FAULTS)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault") from None
    try:
        spec = load_spec(spec_path)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--spec") from None
    if not spec.operations:
        raise click.BadParameter(f"{spec_path}: the spec has no operations to serve", param_hint="--spec")
    try:
        keys, generated = accepted_keys(spec, parse_scheme_keys(raw_keys))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--key") from None
    if "tenant-leak" in chosen and max((len(v) for v in keys.values()), default=0) < 2:
        raise click.BadParameter("tenant-leak needs two keys of one scheme (--key SCHEME=A --key SCHEME=B)",
                                 param_hint="--fault")

    def ready(url: str) -> None:
        log.info("%s: %d operations; faults: %s; database: %s; started in %.1fs", spec_path, len(spec.operations),
                 ", ".join(sorted(chosen)) or "none", db_path or "temporary", time.monotonic() - started)
        if generated is not None:
            schemes = security_schemes(spec)
            missing = sorted(n for n in schemes if keys[n] == [generated] or keys[n] == [f"sandbox:{generated}"])
            click.echo(f"no --key for {', '.join(missing)}: accepting the generated credential {generated} "
                       f"(Bearer token or API key; user:password sandbox:{generated} for Basic)")
        click.echo(f"sandbox listening on {url}")
        sys.stdout.flush()

    serve(db_path, {}, host=host, port=port, on_ready=ready,
          make_app=lambda db: create_emulator(spec, Path(db), keys, chosen, seed))
