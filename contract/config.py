"""Options from `contract.toml` or `[tool.contract]` in `pyproject.toml`; the command line wins.

Top-level keys apply to every command that has an option of that name; a table
per command (`[tool.contract.run]`) overrides them for that command. Keys may use
dashes or underscores (`fail-on` = `fail_on`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from contract.errors import InputError

__all__ = ["default_map", "find_config", "load_config"]


def find_config(start: Path | None = None) -> Path | None:
    """`contract.toml`, else a `pyproject.toml` with a `[tool.contract]` table, in the working folder."""
    folder = start or Path.cwd()
    own = folder / "contract.toml"
    if own.is_file():
        return own
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "[tool.contract" in pyproject.read_text(encoding="utf-8", errors="replace"):
        return pyproject
    return None


def load_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("contract", {})
    if not isinstance(data, dict):
        raise InputError(str(path), "[tool.contract] must be a table")
    return data


def _norm(key: str) -> str:
    return key.replace("-", "_")


def _names(command: click.Command) -> dict[str, str]:
    """Config key → parameter name: the option's flag as written (`spec` for `--spec`) or the name itself."""
    out: dict[str, str] = {}
    for param in command.params:
        if not param.name:
            continue
        out[param.name] = param.name
        for opt in param.opts:
            if opt.startswith("--"):
                out.setdefault(_norm(opt[2:]), param.name)
    return out


def default_map(commands: Mapping[str, click.Command], config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """click `default_map` for every sub-command (name → command) from a config dict."""
    shared = {_norm(k): v for k, v in config.items() if not isinstance(v, dict)}
    out: dict[str, dict[str, Any]] = {}
    for name, command in commands.items():
        params = _names(command)
        many = {p.name for p in command.params if p.name and getattr(p, "multiple", False)}
        values = {params[k]: v for k, v in shared.items() if k in params}
        own = config.get(name)
        if isinstance(own, dict):
            for k, v in own.items():
                if _norm(k) not in params:
                    raise InputError(None, f"config [{name}]: unknown option {k!r} "
                                           f"(known: {', '.join(sorted(params))})")
                values[params[_norm(k)]] = v
        for k in many & values.keys():  # `docs = "docs/"` means one value, not one per character
            if isinstance(values[k], str):
                values[k] = [values[k]]
        if values:
            out[name] = values
    return out
