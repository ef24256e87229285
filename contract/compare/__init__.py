"""Stage "compare": the spec against the docs pages (drift) — see :mod:`contract.compare.drift`."""

from contract.compare.drift import compare, match_operation

__all__ = ["compare", "match_operation"]
