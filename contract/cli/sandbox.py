"""`contract sandbox`: serve the built-in sandbox target (defined in contract.sandbox.command)."""

from __future__ import annotations

from contract.sandbox.command import command

__all__ = ["command"]
