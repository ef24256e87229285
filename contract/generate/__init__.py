"""Stage 2 — generate: conforming and violating requests for an operation, each checked by the validator.

    result = generate_cases(spec, "createProfile", mode="all", count=100, seed=1,
                            headers={"Authorization": "Api-Key ..."})
    result.cases        # list[Case]; violating ones carry a Constraint label
    result.coverage     # list[CoverageRow]: every constraint and its violating cases
    result.findings     # e.g. generate.unsatisfiable when nothing could be generated in time

Extra constraints (prose in descriptions now, docs pages later) come in as
`ExtraConstraint`s; by default the operation's prose constraints are used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from contract.core import checks
from contract.generate.coverage import CoverageRow, render_plain
from contract.generate.extra import ExtraConstraint, prose_constraints
from contract.generate.normalise import Unsatisfiable
from contract.load import Spec
from contract.model import Case, Finding, Operation, Severity
from contract.validate import Validators

if TYPE_CHECKING:
    from contract.generate.strategies import Pools

__all__ = [
    "DEFAULT_BUDGET",
    "CoverageRow",
    "ExtraConstraint",
    "GenerationResult",
    "Mode",
    "generate_cases",
    "prose_constraints",
    "render_plain",
]

Mode = Literal["conforming", "violating", "all"]
DEFAULT_BUDGET = 20.0  # seconds per operation

# What generation reports about an operation (the findings of `GenerationResult`).
checks.declare("generate.unsatisfiable", Severity.WARNING,
               "no case could be generated for an operation (its schemas contradict, or time ran out first)")
checks.declare("generate.budget", Severity.WARNING,
               "the time budget ran out before all the cases asked for were generated")
checks.declare("generate.unknown_format", Severity.INFO,
               "a format the generator does not know: values generated as plain strings")
checks.declare("generate.parameter_skipped", Severity.INFO,
               "an optional parameter no value can be generated for is never sent")
checks.declare("generate.validator_unusable", Severity.WARNING,
               "the validator cannot check a request body, so its constraints get no violating cases")
checks.declare("generate.placeholder_credential", Severity.INFO,
               "no credential was given for the operation's security scheme: cases carry a placeholder")


@dataclass(slots=True)
class GenerationResult:
    """Cases of one operation (conforming first), what the gate threw away, and constraint coverage."""

    operation: str
    cases: list[Case] = field(default_factory=list)
    discarded: int = 0
    discard_reasons: dict[str, int] = field(default_factory=dict)
    coverage: list[CoverageRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def generate_cases(spec: Spec, operation: Operation | str, *, mode: Mode = "all", count: int = 100, seed: int = 0,
                   headers: Mapping[str, str] | None = None, extra: Sequence[ExtraConstraint] | None = None,
                   budget: float = DEFAULT_BUDGET, validators: Validators | None = None,
                   pools: Pools | None = None) -> GenerationResult:
    """Generate `count` conforming and/or violating cases of one operation.

    Violating mode yields at least `count` cases and at least one per constraint
    that can be broken alone (round-robin over constraints). `extra=None` uses
    the operation's prose constraints; pass `[]` for none. `headers` are sent
    with every case and supply credentials (else a placeholder is used). `pools`: hypothesis draws
    shared with the other operations of a run (:class:`~.strategies.Pools`; the same cases either way).
    """
    from contract.generate.engine import OperationGenerator

    op = operation if isinstance(operation, Operation) else spec.operation(operation)
    extras = prose_constraints(spec, op) if extra is None else list(extra)
    result = GenerationResult(op.key)
    try:
        gen = OperationGenerator(spec, op, seed=seed, headers=headers, extra=extras, budget=budget,
                                 validators=validators, pools=pools)
    except Unsatisfiable as exc:
        result.findings.append(Finding("generate.unsatisfiable", Severity.WARNING,
                                       f"cannot generate for {op.key}: {exc}", operation=op.key))
        return result
    except Exception as exc:  # BudgetExceeded while building, or a schema hypothesis cannot handle
        result.findings.append(Finding("generate.unsatisfiable", Severity.WARNING,
                                       f"cannot generate for {op.key}: {type(exc).__name__}: {exc}",
                                       operation=op.key))
        return result
    if mode in ("conforming", "all"):
        result.cases += gen.conforming(count)
    if mode in ("violating", "all"):
        result.cases += gen.violating(count)
    from contract.generate.coverage import coverage_rows

    result.coverage = coverage_rows(gen.sites)
    result.discard_reasons = dict(gen.discarded)
    result.discarded = sum(gen.discarded.values())
    result.findings += gen.findings
    return result
