"""A real server that behaves as the docs describe Adapty's live server-side *profile* API.

It is the embedded default target of ``contract check`` and the target of the
project's end-to-end tests. It follows the docs pages, not the OpenAPI spec, where
the two disagree, so the tool can discover that "live follows docs"; fault switches
(:data:`FAULTS`) each break the contract in exactly one way.

Public API: :func:`create_app` (the ASGI app), :class:`Sandbox` (served from a
background thread), :data:`DEFAULT_KEYS` (two documented test keys for two apps).
"""

from __future__ import annotations

from contract.sandbox.app import PROFILE_PATH, SandboxApp, create_app
from contract.sandbox.faults import FAULTS, check_faults
from contract.sandbox.server import DEFAULT_KEYS, Sandbox, serve

__all__ = ["DEFAULT_KEYS", "FAULTS", "PROFILE_PATH", "Sandbox", "SandboxApp", "check_faults", "create_app",
           "serve"]
