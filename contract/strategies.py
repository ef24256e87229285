"""Generated requests as hypothesis strategies, for a consumer's own ``@given`` tests.

    from hypothesis import given
    import contract.strategies

    @given(case=contract.strategies.cases("specs/api.yaml", "createProfile"))
    def test_accepted_profiles_conform(case, client): ...

Each case is made by the same generator as ``contract run`` (the spec's schemas, the prose and
docs constraints given as `extra`, the self-consistency gate), but every choice it makes — which
optional fields appear, array sizes, which pool value, which branch, which constraint a violating
case breaks — is a hypothesis draw. So the cases combine with other strategies, shrink through
hypothesis, replay from its database, and are reproducible with ``@seed`` / ``derandomize``.
Hypothesis's smallest draws read as the smallest case: optional fields absent, arrays at their
minimum, the first value of each pool, the first constraint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from hypothesis import strategies as st

from contract.generate import ExtraConstraint, prose_constraints
from contract.generate.engine import OperationGenerator
from contract.generate.normalise import Unsatisfiable
from contract.load import Spec, load_spec
from contract.model import Case, Operation

__all__ = ["cases"]

Mode = Literal["conforming", "violating", "all"]


def cases(spec: Spec | str | Path, operation: Operation | str, *, mode: Mode = "conforming",
          headers: Mapping[str, str] | None = None, extra: Sequence[ExtraConstraint] | None = None,
          docs: Sequence[str | Path] = (), components_dir: str | Path | None = None) -> st.SearchStrategy[Case]:
    """Cases of one operation: `mode` conforming, violating (each labelled with the one constraint it
    breaks, in `case.label`) or all. `headers` are sent with every case (credentials); `extra` adds
    constraints to the spec's (default: the operation's prose constraints; `[]` for none); `docs`
    (pages, folders or globs) adds what the docs pages say on top (a documented limit, a field the
    docs say is never null), so conforming cases keep to the docs too and violating ones can break
    a docs-only rule (``case.label.source == "docs"``).

    Raises :class:`ValueError` when nothing can be generated (a contradictory schema, or no constraint
    a violating case can break alone), so a misconfigured test fails at collection, not by vacuity.
    """
    loaded = load_spec(spec) if isinstance(spec, str | Path) else spec
    op = operation if isinstance(operation, Operation) else loaded.operation(operation)
    extras = prose_constraints(loaded, op) if extra is None else list(extra)
    if docs:
        extras += _docs_constraints(loaded, op, docs, components_dir)
    try:
        gen = OperationGenerator(loaded, op, seed=0, headers=headers, extra=extras, budget=math.inf)
    except Unsatisfiable as exc:
        raise ValueError(f"cannot generate for {op.key}: {exc}") from None
    choices = st.randoms(use_true_random=False)
    conforming = choices.map(gen.one_conforming).filter(_made)
    if mode == "conforming":
        return conforming  # type: ignore[return-value]
    sites = gen.breakable
    if not sites:
        if mode == "violating":
            raise ValueError(f"{op.key}: no constraint can be broken alone, so there is no violating case")
        return conforming  # type: ignore[return-value]
    violating = st.tuples(st.sampled_from(sites), choices).map(lambda pair: gen.one_violating(*pair)).filter(_made)
    if mode == "violating":
        return violating  # type: ignore[return-value]
    return st.one_of(conforming, violating)  # type: ignore[return-value]


def _docs_constraints(spec: Spec, op: Operation, docs: Sequence[str | Path],
                      components_dir: str | Path | None) -> list[ExtraConstraint]:
    from contract.pipeline import docs_extras_from

    found = docs_extras_from(spec, [str(d) for d in docs], components_dir=str(components_dir) if components_dir else None)
    return found.get(op.key, [])


def _made(case: Case | None) -> bool:
    return case is not None
