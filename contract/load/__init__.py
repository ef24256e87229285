"""Stage 1 — load: a spec file becomes a :class:`Spec` with its operations."""

from contract.load.spec import METHODS, Spec, load_spec
from contract.load.swagger2 import Swagger2Document

__all__ = ["METHODS", "Spec", "Swagger2Document", "load_spec"]
