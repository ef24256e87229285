"""contract — do the OpenAPI spec, the docs pages and the live API agree, and where not, who is wrong?

The pipeline, one subpackage per stage, one data model (`contract.model`) through all:

    load (contract.load, contract.lint) → generate (contract.generate) → replay
    → compare (contract.docs, contract.compare) → report (contract.report)

Public API::

    spec = contract.load_spec("specs/adapty-api.yaml")
    findings = contract.lint(spec)
    validators = contract.Validators(spec)
    page = contract.read_docs("specs/000_f29c871810a0beae.txt")
    drift = contract.compare(spec, [page])
    cases = contract.generate_cases(spec, "createProfile", mode="violating", count=20).cases
    contract.assert_conforms(httpx_or_requests_response, "createProfile")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from contract.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EXIT_UNREACHABLE, ContractError, InputError
from contract.model import (
    Case,
    Constraint,
    Exchange,
    Finding,
    Location,
    Operation,
    Severity,
    Violation,
)

# Heavier stages load on first use, so `import contract` (and the CLI) stays fast.
_LAZY = {
    "Spec": "contract.load",
    "load_spec": "contract.load",
    "lint": "contract.lint",
    "Validators": "contract.validate",
    "read_docs": "contract.docs",
    "compare": "contract.compare",
    "Sandbox": "contract.sandbox",
    "assert_conforms": "contract.assertions",
    "generate_cases": "contract.generate",
}

if TYPE_CHECKING:
    from contract.assertions import assert_conforms
    from contract.compare import compare
    from contract.docs import read_docs
    from contract.generate import generate_cases
    from contract.lint import lint
    from contract.load import Spec, load_spec
    from contract.sandbox import Sandbox
    from contract.validate import Validators


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contract' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "Case",
    "Constraint",
    "ContractError",
    "Exchange",
    "Finding",
    "InputError",
    "Location",
    "Operation",
    "Sandbox",
    "Severity",
    "Spec",
    "Validators",
    "Violation",
    "assert_conforms",
    "compare",
    "generate_cases",
    "lint",
    "load_spec",
    "read_docs",
]
