"""Lint: the spec's own defects, as findings with stable ids and real line numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from contract.lint import lint, lint_checks
from contract.load import load_spec
from tests.conftest import SEED_SPEC, SEED_WRAPPED


def _by_check(findings):
    out: dict[str, list] = {}
    for f in findings:
        out.setdefault(f.check, []).append(f)
    return out


def test_seed_lint_acceptance(seed_spec):
    found = _by_check(lint(seed_spec))
    lines = SEED_SPEC.read_text(encoding="utf-8").splitlines()

    [meta] = found["lint.metaschema"]
    assert "default" in meta.message and str(meta.severity) == "error"
    assert lines[meta.spec.line - 1].strip().startswith("default: Api-Key")

    nullable = found["lint.nullable_in_31"]
    assert len(nullable) >= 40
    assert all(lines[f.spec.line - 1].strip() == "nullable: true" for f in nullable)

    prose = {(f.details["keyword"], f.spec.pointer) for f in found["lint.prose_constraint"]}
    assert ("maxItems", "/components/schemas/ProfileRequest/properties/custom_attributes/description") in prose
    assert ("pattern", "/components/schemas/CustomAttribute/properties/key/description") in prose
    assert ("maxLength", "/components/schemas/CustomAttribute/properties/value/description") in prose
    # The key's 30-character limit *is* in the schema: no finding for it.
    assert ("maxLength", "/components/schemas/CustomAttribute/properties/key/description") not in prose
    for f in found["lint.prose_constraint"]:
        assert "description:" in lines[f.spec.line - 1]

    [either] = found["lint.prose_either_required"]
    assert "adapty-customer-user-id" in either.message and "adapty-profile-id" in either.message
    assert "Either `adapty-customer-user-id`" in lines[either.spec.line - 1]

    [no4xx] = found["lint.no_client_error"]
    assert "200, 401, 500" in no4xx.message
    assert lines[no4xx.spec.line - 1].strip() == "responses:"

    assert any("response 500" in f.message for f in found["lint.response_no_schema"])


def test_wrapped_seed_gives_the_same_findings():
    plain = lint(load_spec(SEED_SPEC))
    wrapped = lint(load_spec(SEED_WRAPPED))
    assert [(f.check, f.message, f.spec.pointer) for f in plain] == [
        (f.check, f.message, f.spec.pointer) for f in wrapped]
    assert {w.spec.line - p.spec.line for p, w in zip(plain, wrapped, strict=True)} == {8}


def test_lint_cli_writes_report_and_exits_1(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "contract", "lint", str(SEED_SPEC), "--report-dir",
                             str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    report = json.loads((tmp_path / "report.json").read_text())
    checks = {f["check"] for f in report["findings"]}
    assert {"lint.metaschema", "lint.nullable_in_31", "lint.prose_constraint", "lint.prose_either_required",
            "lint.no_client_error"} <= checks
    assert all(f["spec"]["line"] for f in report["findings"])
    assert "adapty-api.yaml:" in result.stdout


def test_clean_spec_has_no_error_findings_and_exits_0(tmp_path: Path):
    spec = tmp_path / "clean.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items/{id}:\n    get:\n"
        "      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {type: object}\n"
        "        '404':\n          description: nope\n          content:\n"
        "            application/json:\n              schema: {type: object}\n")
    assert lint(load_spec(spec)) == []
    result = subprocess.run([sys.executable, "-m", "contract", "lint", str(spec), "--report-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_examples_that_violate_their_schema(tmp_path: Path):
    spec = tmp_path / "ex.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n"
        "      requestBody:\n        content:\n          application/json:\n"
        "            schema: {type: object, properties: {n: {type: integer, maximum: 5}}}\n"
        "            example: {n: 7}\n"
        "      responses:\n        '400': {description: bad}\n")
    [finding] = [f for f in lint(load_spec(spec)) if f.check == "lint.example_invalid"]
    assert "/n" in finding.message and finding.spec.line == 10


def test_every_check_is_registered_with_a_stable_id():
    assert all(name.startswith("lint.") for name in lint_checks())
    assert len(lint_checks()) >= 8


def test_a_metaschema_check_that_does_not_finish_becomes_a_finding(monkeypatch, seed_spec):
    import threading

    import openapi_spec_validator

    import contract.lint as lint_module

    release = threading.Event()

    def never(self):
        release.wait(30)
        yield from ()

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", never)
    monkeypatch.setattr(lint_module, "METASCHEMA_BUDGET", 0.05)
    try:
        [finding] = [f for f in lint(seed_spec) if f.check == "lint.metaschema"]
    finally:
        release.set()
    assert str(finding.severity) == "info" and "did not finish within 0.05 s" in finding.message
    assert finding.message.startswith("metaschema check cut short") and finding.details == {"cut_short": True}


def test_a_metaschema_check_given_up_on_leaves_nothing_running(monkeypatch, seed_spec):
    import multiprocessing
    import threading
    import time

    import openapi_spec_validator

    import contract.lint as lint_module

    def forever(self):
        while True:
            time.sleep(0.01)
        yield from ()

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", forever)
    monkeypatch.setattr(lint_module, "METASCHEMA_BUDGET", 0.2)
    [finding] = [f for f in lint(seed_spec, only={"lint.metaschema"})]
    assert "did not finish within 0.2 s" in finding.message
    assert [t for t in threading.enumerate() if t.name == "contract-metaschema"] == []
    assert [p for p in multiprocessing.active_children() if p.name == "contract-metaschema"] == []


def test_a_metaschema_check_certain_to_exceed_its_budget_is_not_started(monkeypatch, seed_spec):
    import openapi_spec_validator

    import contract.lint as lint_module

    def fail(self):
        raise AssertionError("started")

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", fail)
    monkeypatch.setattr(lint_module, "METASCHEMA_BUDGET", 0.001 * len(seed_spec.operations))
    monkeypatch.setattr(lint_module, "_METASCHEMA_FLOOR_PER_OPERATION", 0.002)
    [finding] = [f for f in lint(seed_spec, only={"lint.metaschema"})]
    assert str(finding.severity) == "info" and f"{len(seed_spec.operations)} operations take longer" in finding.message


def test_a_metaschema_crash_keeps_its_errors_and_its_exception_name(monkeypatch, seed_spec):
    import openapi_spec_validator

    def crash(self):
        yield type("E", (), {"message": "first\nsecond", "path": ["paths"], "instance": None})()
        raise RecursionError("too deep")

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", crash)
    found = lint(seed_spec, only={"lint.metaschema"})
    assert [f.message for f in found if f.check == "lint.metaschema"] == [f"not valid OpenAPI {seed_spec.version}: first"]
    assert [f.message for f in found if f.check == "lint.internal_error"] == [
        "lint check lint.metaschema failed: RecursionError: too deep"]
