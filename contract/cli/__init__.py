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


class _Commands(click.Group):
    """The sub-commands: one module of this package each, imported when first asked for, so that
    `contract lint` does not pay for importing the live runner's or the docs readers' libraries
    (seconds of a warm start). The module's name is the command's name."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.list_commands(ctx):
            module = importlib.import_module(f"{__name__}.{cmd_name}")
            command = getattr(module, "command", None)
            if isinstance(command, click.Command):
                self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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


def all_commands() -> dict[str, click.Command]:
    """Every sub-command, each module imported (for what reads them all: the config's defaults)."""
    ctx = click.Context(cli)
    found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors for bad input, never a traceback."""
    try:
        config = find_config()
        defaults = default_map(all_commands(), load_config(config)) if config else {}
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
