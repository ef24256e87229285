"""A hierarchical REST API for the tests: collections → segments → records, with switchable faults.

`create_app` builds it, `serve` runs it on loopback, `SPEC` is its OpenAPI 3.1 document, exact
for the clean server; `FAULTS` names the ways it can be told to break its contract.
"""

from __future__ import annotations

from pathlib import Path

from tests.targets.hier.app import DEFAULT_KEY, HierApp, Stats, create_app
from tests.targets.hier.faults import FAULTS, check_faults
from tests.targets.hier.harness import reached, serve, stats

SPEC = Path(__file__).with_name("openapi.yaml")

__all__ = ["DEFAULT_KEY", "FAULTS", "SPEC", "HierApp", "Stats", "check_faults", "create_app", "reached", "serve",
           "stats"]
