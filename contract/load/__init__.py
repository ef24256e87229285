"""Stage 1 — load: a spec file becomes a :class:`Spec` with its operations."""

from contract.load.spec import METHODS, Spec, load_spec

__all__ = ["METHODS", "Spec", "load_spec"]
