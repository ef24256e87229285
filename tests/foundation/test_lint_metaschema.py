"""lint.metaschema: the same file gives the same findings in every process, each at the line it names.

openapi-spec-validator keeps the first metaschema error jsonschema yields per schema, and which of two
faulty sibling properties comes first follows a set's iteration order, i.e. the process's hash seed;
its walk's error paths are relative to the schema checked. OpenAI's spec has seven `exclusiveMinimum:
true` (a 3.0 habit, a number in 3.1) in five component schemas: main listed 3 to 5 of them, all at
line 1, a different subset per run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contract.lint import lint
from contract.load import load_spec
from tests.conftest import CORPUS, ROOT, needs_corpus

OPENAI = CORPUS / "openai-3.1.yaml"


@pytest.fixture(scope="module")
def openai_metaschema():
    return [f for f in lint(load_spec(OPENAI), only={"lint.metaschema"}) if f.check == "lint.metaschema"]


@needs_corpus("openai-3.1.yaml")
def test_every_exclusive_minimum_true_of_openai_is_one_finding_at_its_line(openai_metaschema):
    lines = OPENAI.read_text(encoding="utf-8").splitlines()
    # The oracle is the file's text: every line that writes the 3.0 boolean form.
    written = {n for n, text in enumerate(lines, 1) if text.strip() == "exclusiveMinimum: true"}
    assert len(written) == 7
    found = {f.spec.line for f in openai_metaschema if "True is not of type 'number'" in f.message}
    assert found == written


@needs_corpus("openai-3.1.yaml")
def test_every_openai_metaschema_finding_points_at_the_key_it_names(openai_metaschema):
    lines = OPENAI.read_text(encoding="utf-8").splitlines()
    assert len(openai_metaschema) >= 20
    for f in openai_metaschema:
        key = f.spec.pointer.rsplit("/", 1)[-1]
        assert f.spec.line > 1 and f.spec.pointer.startswith("/components/schemas/"), f
        assert lines[f.spec.line - 1].strip().startswith((f"{key}:", f'"{key}":', "- ")), (f, lines[f.spec.line - 1])


def _metaschema_in_a_process(seed: str, tmp_path: Path) -> list[tuple[str, str | None]]:
    script = ("import json, sys\nfrom contract.lint import lint\nfrom contract.load import load_spec\n"
              "found = lint(load_spec(sys.argv[1]), only={'lint.metaschema'})\n"
              "print(json.dumps([(f.message, f.spec.pointer if f.spec else None) for f in found]))\n")
    done = subprocess.run([sys.executable, "-c", script, str(OPENAI)], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
    return [tuple(pair) for pair in json.loads(done.stdout)]


@pytest.mark.slow
@needs_corpus("openai-3.1.yaml")
def test_openai_metaschema_findings_do_not_depend_on_the_hash_seed(tmp_path):
    # Seeds 1 and 2 gave different subsets before the fix (the seeds are fixed so the test is too).
    first, second = (_metaschema_in_a_process(seed, tmp_path) for seed in ("1", "2"))
    assert first == second
    assert len(first) >= 20


def _spec_with_errors(tmp_path: Path, count: int) -> Path:
    schemas = {f"S{i:04d}": {"type": "number", "exclusiveMinimum": True} for i in range(count)}
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
           "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
           "components": {"schemas": schemas}}
    path = tmp_path / "many.json"
    path.write_text(json.dumps(doc, indent=1))
    return path


def test_past_the_listing_limit_the_first_errors_by_place_are_listed_and_the_rest_counted(tmp_path):
    found = lint(load_spec(_spec_with_errors(tmp_path, 1005), cache=False), only={"lint.metaschema"})
    errors = [f for f in found if str(f.severity) == "error"]
    assert [f.spec.pointer for f in errors] == [f"/components/schemas/S{i:04d}/exclusiveMinimum" for i in range(1000)]
    [more] = [f for f in found if str(f.severity) == "info"]
    assert "1005 errors, the first 1000 by place listed" in more.message


def test_the_budget_is_cpu_time_so_a_wait_on_a_loaded_machine_is_not_cut(monkeypatch, seed_spec):
    """A check that waits (here: sleeps, as a process does when other processes hold the cores) longer
    than its budget but spends next to no CPU finishes: its findings are those of an idle machine."""
    import time

    import openapi_spec_validator

    import contract.lint as lint_module

    def slow_but_idle(self):
        time.sleep(2.5)
        yield type("E", (), {"message": "late but whole", "path": ["info"], "instance": None})()

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", slow_but_idle)
    monkeypatch.setattr(lint_module, "METASCHEMA_BUDGET", 2.0)  # CPU seconds; wall time may reach 8 s
    found = lint(seed_spec, only={"lint.metaschema"})
    assert [f.message for f in found] == [f"not valid OpenAPI {seed_spec.version}: late but whole"]


def test_a_check_that_spends_its_cpu_budget_is_cut_short_plainly(monkeypatch, seed_spec):
    import openapi_spec_validator

    import contract.lint as lint_module

    def burn(self):
        while True:
            pass
        yield from ()

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", burn)
    monkeypatch.setattr(lint_module, "METASCHEMA_BUDGET", 0.3)
    [finding] = lint(seed_spec, only={"lint.metaschema"})
    assert finding.message.startswith("metaschema check cut short: it did not finish within 0.3 s of CPU time")
    assert finding.details == {"cut_short": True} and str(finding.severity) == "info"
