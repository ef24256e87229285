"""Drift acceptance: a page generated from a spec agrees with it; seed findings point at real lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.compare import compare
from contract.docs import read_docs, read_docs_text
from contract.load import load_spec
from tests.compare.pagegen import render
from tests.conftest import CORPUS, SEED_SPEC, SPECS

AGREEING = ["petstore-3.0.yaml", "petstore-expanded-3.0.yaml", "uspto-3.0.json", "adyen-binlookup-v54-3.1.yaml",
            "link-example-3.0.yaml"]


@pytest.mark.parametrize("path", [SEED_SPEC, *[CORPUS / n for n in AGREEING]], ids=lambda p: Path(p).name)
def test_a_page_generated_from_the_spec_has_no_drift(path: Path):
    if not path.exists():
        pytest.skip("corpus not present")
    spec = load_spec(path)
    for op in spec.operations:
        page = read_docs_text(render(spec, op), f"{op.operation_id or 'op'}.md", "markdown")
        assert page.fields or not op.request_body, "the page documents the body"
        drift = [f for f in compare(spec, [page]) if f.check != "drift.operation_missing_in_docs"]
        assert drift == [], [f.message for f in drift]


def test_a_changed_generated_page_is_caught():
    spec = load_spec(SEED_SPEC)
    op = spec.operation("createProfile")
    text = render(spec, op).replace("| birthday | String | no | yes |", "| birthday | String | no | no |")
    drift = compare(spec, [read_docs_text(text, "gen.md", "markdown")])
    assert [(f.check, f.disagreement and f.disagreement.field) for f in drift] == [("drift.nullable_mismatch", "birthday")]


def test_every_seed_finding_points_at_real_lines_naming_the_field():
    spec = load_spec(SEED_SPEC)
    pages = [read_docs(SPECS / "003_adc150077d28c6e1.txt"), read_docs(SPECS / "000_f29c871810a0beae.txt")]
    drift = compare(spec, pages)
    assert len(drift) >= 30
    for f in drift:
        for loc in (f.spec, f.docs):
            if loc is None:
                continue
            lines = Path(loc.file).read_text(encoding="utf-8").splitlines()
            assert loc.line is not None and 1 <= loc.line <= len(lines), (f.check, loc)
        named = f.details.get("field") or f.details.get("header") or f.details.get("include")
        if named and f.docs is not None and f.check != "drift.example_contradicts_docs":
            docs_line = Path(f.docs.file).read_text(encoding="utf-8").splitlines()[f.docs.line - 1]
            assert str(named).lower() in docs_line.lower() or f.check == "drift.field_missing_in_docs", (
                f.check, named, docs_line)
        if named and f.spec is not None and f.check in ("drift.nullable_mismatch", "drift.required_mismatch",
                                                        "drift.field_missing_in_docs"):
            spec_line = Path(f.spec.file).read_text(encoding="utf-8").splitlines()[f.spec.line - 1]
            assert str(named) in spec_line, (f.check, named, spec_line)
