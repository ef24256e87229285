"""A stateful, spec-faithful emulator of any OpenAPI 3.x API (`contract sandbox --spec SPEC`).

Requests are validated with the project's validators, resources are what the resource graph
of :mod:`contract.replay.graph` infers from the paths, state lives in SQLite (WAL), and every
answer is drawn from, and checked against, the spec's response schema. Fault switches
(:data:`GENERIC_FAULTS`) each break the contract in one way, on any spec.

Public API: :class:`Emulator` (background thread), :func:`create_emulator` (the ASGI app),
:func:`accepted_keys`, :func:`credential_headers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract.sandbox.generic.faults import GENERIC_FAULTS

if TYPE_CHECKING:
    from contract.sandbox.generic.app import EmulatorApp, create_emulator
    from contract.sandbox.generic.server import Emulator, accepted_keys, credential_headers, security_schemes

__all__ = ["GENERIC_FAULTS", "Emulator", "EmulatorApp", "accepted_keys", "create_emulator", "credential_headers",
           "security_schemes"]

_LAZY = {"EmulatorApp": "app", "create_emulator": "app", "Emulator": "server", "accepted_keys": "server",
         "credential_headers": "server", "security_schemes": "server"}


def __getattr__(name: str) -> Any:
    """Imported on first use: `contract sandbox` without --spec must not load the generator and the graph."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)
