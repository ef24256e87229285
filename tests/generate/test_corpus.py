"""One operation with a body from every OpenAPI 3.x spec of the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.errors import InputError
from contract.generate import generate_cases
from contract.generate.engine import body_operation
from contract.load import load_spec
from contract.validate import Validators

from .helpers import label_agrees

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"
SPECS = sorted(p for p in CORPUS.glob("*") if p.suffix in (".yaml", ".json")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not SPECS, reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_corpus_operation_with_a_body(path: Path) -> None:
    try:
        spec = load_spec(path)
    except InputError as exc:
        assert "Swagger 2.0" in str(exc)
        pytest.skip("Swagger 2.0: refused by the loader by design")
    op = body_operation(spec)
    if op is None:
        pytest.skip("no operation with a request body")
    result = generate_cases(spec, op, mode="all", count=40, seed=4, budget=30)
    validator = Validators(spec).request(op)
    conforming = [c for c in result.cases if c.mode == "conforming"]
    violating = [c for c in result.cases if c.mode == "violating"]
    assert [f.message for f in result.findings if f.check in ("generate.unsatisfiable", "generate.budget")] == []
    assert len(conforming) == 40
    assert [validator.validate_case(c) for c in conforming if validator.validate_case(c)] == []
    assert len(violating) >= 40
    assert [(c.label, validator.validate_case(c)) for c in violating
            if not label_agrees(c, validator.validate_case(c))] == []
    if not any(f.check == "generate.validator_unusable" for f in result.findings):
        assert sum(1 for r in result.coverage if r.cases) >= len(result.coverage) // 4
