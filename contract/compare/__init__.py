"""Stage "compare": the spec against the docs pages (drift) — see :mod:`contract.compare.drift`."""

from contract.compare.coverage import page_coverage
from contract.compare.drift import DriftRun, compare, compare_run, match_operation

__all__ = ["DriftRun", "compare", "compare_run", "match_operation", "page_coverage"]
