"""`contract sandbox`: serve the sandbox in the foreground.

The command lives here rather than in `contract/cli/` so that `python -m
contract.sandbox` runs it without importing every other sub-command (the kill -9
test restarts it several times); `contract/cli/sandbox.py` re-exports it.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
import uuid
from collections.abc import Callable

import click

from contract.sandbox.faults import FAULTS
from contract.sandbox.server import DEFAULT_KEYS, serve

__all__ = ["command", "listen"]

log = logging.getLogger("contract.sandbox")


def _faults_epilog() -> str:
    from contract.sandbox.generic.faults import GENERIC_FAULTS

    def table(title: str, faults: dict[str, str]) -> str:
        width = max(map(len, faults))
        return f"\b\n{title}:\n" + "\n".join(f"  {name:<{width}}  {text}" for name, text in faults.items())

    return (table("Faults (each breaks the documented contract in exactly one way)", FAULTS) + "\n\n"
            + table("Faults with --spec", GENERIC_FAULTS))


def _parse_keys(values: tuple[str, ...]) -> dict[str, str]:
    """KEY=APP pairs; messages never repeat the value, since it holds a secret."""
    if not values:
        return dict(DEFAULT_KEYS)
    keys: dict[str, str] = {}
    for n, value in enumerate(values, 1):
        key, sep, app = value.partition("=")
        if not sep or not key or any(c.isspace() for c in key):
            raise click.BadParameter(f"value #{n} is not KEY=APP with a non-empty key without spaces",
                                     param_hint="--key")
        try:
            app_id = str(uuid.UUID(app.strip()))
        except ValueError:
            raise click.BadParameter(f"value #{n}: the app id after '=' must be a UUID", param_hint="--key") from None
        if keys.get(key, app_id) != app_id:
            raise click.BadParameter(f"value #{n}: this key is already given for another app", param_hint="--key")
        keys[key] = app_id
    return keys


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command("sandbox", epilog=_faults_epilog(), context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, writable=True),
              help="SQLite file to keep profiles in (default: a temporary one, deleted on exit).")
@click.option("--key", "raw_keys", multiple=True, metavar="KEY=APP|SCHEME=VALUE",
              envvar="CONTRACT_SANDBOX_KEYS",
              help="Accept API key KEY for app id APP (a UUID); with --spec, accept VALUE for the security scheme "
                   "SCHEME (a Basic scheme takes user:password; the n-th value of each scheme is tenant n). "
                   "Repeatable, or whitespace-separated in $CONTRACT_SANDBOX_KEYS. Default: the two test keys "
                   "in contract.sandbox.DEFAULT_KEYS; with --spec, one generated credential printed at start.")
@click.option("--fault", "faults", multiple=True, metavar="NAME",
              help="Turn on a fault switch (see below); repeatable.")
@click.option("--spec", "spec_path", type=click.Path(exists=True, dir_okay=False),
              help="Emulate this OpenAPI 3.x API instead of the profile API: requests validated, resources "
                   "kept in the database, answers drawn from the response schemas.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="With --spec: the seed server-generated values are drawn with (same seed, same values).")
@click.option("-q", "--quiet", is_flag=True, help="No access log; warnings and errors only.")
def command(host: str, port: int, db_path: str | None, raw_keys: tuple[str, ...], faults: tuple[str, ...],
            spec_path: str | None, seed: int, quiet: bool) -> None:
    """Serve the sandbox: Adapty's server-side profile API as its docs describe it, or (--spec) any API.

    Prints `sandbox listening on URL` once it accepts connections, and stops
    cleanly on SIGINT or SIGTERM. API keys are never logged; with --spec and no
    --key, the one generated credential is printed once, at start.
    """
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not _is_loopback(host):
        log.warning("binding %s: the sandbox is reachable from other machines", host)
    if spec_path is not None:
        from contract.sandbox.generic.command import run_emulator

        listen(lambda: run_emulator(spec_path, host=host, port=port, db_path=db_path, raw_keys=raw_keys,
                                    faults=faults, seed=seed), host, port)
        return
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        raise click.BadParameter(f"unknown fault {unknown[0]!r} (known: {', '.join(FAULTS)})", param_hint="--fault")
    keys = _parse_keys(tuple(v for raw in raw_keys for v in raw.split()))

    def ready(url: str) -> None:
        log.info("apps: %s; faults: %s; database: %s", ", ".join(sorted(set(keys.values()))),
                 ", ".join(faults) or "none", db_path or "temporary")
        click.echo(f"sandbox listening on {url}")
        sys.stdout.flush()

    listen(lambda: serve(db_path, keys, faults, host=host, port=port, on_ready=ready), host, port)


def listen(run: Callable[[], None], host: str, port: int) -> None:
    """Run a server; a port that cannot be bound is a one-line usage error."""
    try:
        run()
    except OSError as exc:
        raise click.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                                 param_hint="--host/--port") from None
