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

import click

from contract.sandbox.faults import FAULTS
from contract.sandbox.server import DEFAULT_KEYS, serve

__all__ = ["command"]

log = logging.getLogger("contract.sandbox")


def _faults_epilog() -> str:
    width = max(map(len, FAULTS))
    lines = [f"  {name:<{width}}  {text}" for name, text in FAULTS.items()]
    return "\b\nFaults (each breaks the documented contract in exactly one way):\n" + "\n".join(lines)


def _parse_keys(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """KEY=APP pairs; messages never repeat the value, since it holds a secret."""
    if not values:
        return dict(DEFAULT_KEYS)
    keys: dict[str, str] = {}
    for n, value in enumerate(values, 1):
        key, sep, app = value.partition("=")
        if not sep or not key or any(c.isspace() for c in key):
            raise click.BadParameter(f"value #{n} is not KEY=APP with a non-empty key without spaces")
        try:
            app_id = str(uuid.UUID(app.strip()))
        except ValueError:
            raise click.BadParameter(f"value #{n}: the app id after '=' must be a UUID") from None
        if keys.get(key, app_id) != app_id:
            raise click.BadParameter(f"value #{n}: this key is already given for another app")
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
@click.option("--key", "keys", multiple=True, metavar="KEY=APP", callback=_parse_keys,
              envvar="CONTRACT_SANDBOX_KEYS",
              help="Accept API key KEY for app id APP (a UUID); repeatable, or whitespace-separated in "
                   "$CONTRACT_SANDBOX_KEYS. Default: the two test keys in contract.sandbox.DEFAULT_KEYS.")
@click.option("--fault", "faults", multiple=True, type=click.Choice(list(FAULTS)), metavar="NAME",
              help="Turn on a fault switch (see below); repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="No access log; warnings and errors only.")
def command(host: str, port: int, db_path: str | None, keys: dict[str, str], faults: tuple[str, ...],
            quiet: bool) -> None:
    """Serve the sandbox: Adapty's server-side profile API as its docs describe it.

    Prints `sandbox listening on URL` once it accepts connections, and stops
    cleanly on SIGINT or SIGTERM. API keys are never printed or logged.
    """
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not _is_loopback(host):
        log.warning("binding %s: the sandbox is reachable from other machines", host)

    def ready(url: str) -> None:
        log.info("apps: %s; faults: %s; database: %s", ", ".join(sorted(set(keys.values()))),
                 ", ".join(faults) or "none", db_path or "temporary")
        click.echo(f"sandbox listening on {url}")
        sys.stdout.flush()

    try:
        serve(db_path, keys, faults, host=host, port=port, on_ready=ready)
    except OSError as exc:
        raise click.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                                 param_hint="--host/--port") from None
