"""The `contract` command line: one click group, one module per sub-command.

Each module in this package exposes a click command named `command`; the group
discovers them, so a stage adds its command without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from contract.config import default_map, find_config, load_config
from contract.errors import EXIT_INPUT, ContractError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="contract")
def cli() -> None:
    """Check that an OpenAPI spec, its docs pages and the live API agree.

    \b
    Exit codes: 0 no findings at or above --fail-on, 1 findings,
                2 usage or input error, 3 target unreachable.

    Options can also come from contract.toml or [tool.contract] in
    pyproject.toml (top-level keys for every command, [tool.contract.<command>]
    tables per command); the command line wins.
    """


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors for bad input, never a traceback."""
    try:
        config = find_config()
        defaults = default_map(cli, load_config(config)) if config else {}
        code = cli.main(args=argv, prog_name="contract", standalone_mode=False, default_map=defaults)
    except ContractError as exc:
        click.echo(f"contract: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("contract: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INPUT if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
