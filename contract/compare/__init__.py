"""Stage "compare": the spec against the docs pages (drift) — see :mod:`contract.compare.drift`."""

from contract.compare.drift import CHECKS, compare, iter_checks, match_operation

__all__ = ["CHECKS", "compare", "iter_checks", "match_operation"]
