"""The one check registry: every finding id of every stage registered, in one style, described."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import pytest

from contract.core import checks
from contract.core.checks import RENAMES, STAGES
from contract.model import Finding, Severity
from contract.pipeline import load_checks
from tests.conftest import ROOT

STYLE = re.compile(r"^(lint|docs|drift|generate|live|docs_live|traffic)\.[a-z][a-z0-9_]*$")
# A string that looks like a check id of some stage (in any of the old styles too).
ID_LIKE = re.compile(r"^(lint|docs|drift|generate|live|docs_live|traffic)\.[A-Za-z0-9_.\-]+$")


@pytest.fixture(scope="module")
def registry() -> dict[str, checks.CheckInfo]:
    return {info.id: info for info in load_checks()}


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from contract.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out + captured.err


# --------------------------------------------------------------------------- the registry itself


def test_every_registered_check_has_a_stage_a_description_and_the_one_id_style(registry):
    assert len(registry) >= 60
    for check_id, info in registry.items():
        assert STYLE.match(check_id), check_id
        assert info.stage in STAGES and check_id.startswith(info.stage + "."), check_id
        assert info.description.strip(), check_id
        assert isinstance(info.severity, Severity)
    assert {info.stage for info in registry.values()} == set(STAGES)


def test_every_stage_lists_its_checks_and_the_functions_are_kept(registry):
    live = checks.by_stage("live")
    assert {i.kind for i in live} == {"exchange", "stateful", "inventory"}
    assert all(i.fn is not None for i in live if i.kind == "exchange")
    lint = checks.by_stage("lint")
    assert all(i.fn is not None for i in lint if i.id != "lint.internal_error")
    assert [i.id for i in checks.all_checks()] == sorted(registry, key=lambda c: (STAGES.index(c.split(".")[0]), c))


def test_renames_lead_from_an_old_id_to_a_registered_one(registry):
    assert RENAMES["lint.no-4xx"] == "lint.no_client_error"
    assert RENAMES["lint.nullable-in-3.1"] == "lint.nullable_in_31"
    assert RENAMES["server_error"] == "live.server_error"
    assert RENAMES["generate.placeholder-credential"] == "generate.placeholder_credential"
    for old, new in RENAMES.items():
        assert new in registry and old not in registry, old
        assert old in registry[new].aliases
    assert checks.get("server_error") is registry["live.server_error"]


def test_registering_an_id_twice_or_out_of_style_is_an_error():
    with pytest.raises(checks.DuplicateCheckError):
        checks.declare("drift.type_mismatch", Severity.ERROR, "again")
    with pytest.raises(checks.DuplicateCheckError):
        checks.check("live.server_error", Severity.ERROR, "again", kind="exchange")(lambda ctx, obs: [])
    for bad in ("server_error", "lint.no-4xx", "nostage.thing", "live.Camel", "live."):
        with pytest.raises(ValueError):
            checks.declare(bad, Severity.INFO, "x")
    with pytest.raises(ValueError):
        checks.declare("live.no_description", Severity.INFO, " ")
    assert not checks.is_registered("live.no_description")


def test_resolve_takes_new_ids_and_old_names_and_refuses_the_rest():
    assert checks.resolve(["server_error", " live.transport ", ""], stage="live") == {
        "live.server_error", "live.transport"}
    with pytest.raises(checks.UnknownCheckError) as info:
        checks.resolve(["server_error", "lint.metaschema", "nonsense"], stage="live")
    assert info.value.unknown == ["lint.metaschema", "nonsense"]
    assert "live.server_error" in str(info.value)


def test_the_core_layer_imports_no_stage():
    tree = ast.parse((ROOT / "contract/core/checks.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in imported if m and m.startswith("contract")} <= {"contract.model"}


# --------------------------------------------------------------------------- every id in use is registered


def test_every_id_written_in_the_code_is_registered(registry):
    """Check ids are string literals where findings are made (or compared): each one must be registered."""
    used: dict[str, set[str]] = {}
    for path in (ROOT / "contract").rglob("*.py"):
        if path.relative_to(ROOT).as_posix() == "contract/core/checks.py":
            continue  # RENAMES names the old ids
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ID_LIKE.match(node.value):
                used.setdefault(node.value, set()).add(path.name)
    assert len(used) >= 50
    unregistered = {k: sorted(v) for k, v in used.items() if k not in registry}
    assert not unregistered, unregistered


def _assert_registered(findings: list[dict[str, Any]], registry: dict[str, checks.CheckInfo]) -> set[str]:
    ids = {f["check"] for f in findings}
    assert ids <= registry.keys(), sorted(ids - registry.keys())
    return ids


def test_the_main_job_reports_only_registered_ids(tmp_path, capsys, monkeypatch, registry):
    """`contract check` on the seeds (offline: lint, page anomalies, drift; live: the run, triangulation,
    the docs' examples replayed) against the embedded sandbox."""
    monkeypatch.chdir(ROOT)
    code, output = run_cli(capsys, "check", "--report-dir", str(tmp_path), "--max-examples", "5",
                           "--progress", "off")
    assert code == 1, output[-2000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    ids = _assert_registered(report["findings"], registry)
    assert {i.split(".")[0] for i in ids} == {"lint", "docs", "drift", "live", "docs_live"}
    assert set(report["checks_run"]) == {i.id for i in checks.by_stage("live")}
    for f in report["findings"]:  # the subject is where it always was: the first key of details
        assert list(f["details"])[:1] == ["subject"], f["check"]


def test_generation_reports_only_registered_ids(seed_spec, registry):
    from contract.generate import generate_cases

    op = seed_spec.operations[0]
    result = generate_cases(seed_spec, op, mode="all", count=2, seed=0)  # no credential: a placeholder
    ids = _assert_registered([f.to_dict() for f in result.findings], registry)
    assert "generate.placeholder_credential" in ids


# --------------------------------------------------------------------------- subject and disagreement


def test_the_subject_is_part_of_the_identity_and_sits_first_in_the_report_details():
    a = Finding("live.server_error", Severity.ERROR, "m", operation="GET /x", subject="500", details={"status": 500})
    b = Finding("live.server_error", Severity.ERROR, "m", operation="GET /x", subject="502", details={"status": 500})
    assert a.signature() != b.signature()
    assert list(a.to_dict()["details"].items()) == [("subject", "500"), ("status", 500)]
    assert Finding("live.server_error", Severity.ERROR, "m").to_dict()["details"] == {}


def test_a_drift_disagreement_is_typed_and_reported_as_before(seed_spec):
    from contract.compare import compare
    from contract.docs import read_docs
    from tests.conftest import SPECS

    drift = compare(seed_spec, [read_docs(SPECS / "003_adc150077d28c6e1.txt")])
    nullable = next(f for f in drift if f.check == "drift.nullable_mismatch" and f.subject == "request:birthday")
    says = nullable.disagreement
    assert says is not None and (says.field, says.docs_value, says.spec_value, says.location) == (
        "birthday", False, True, "/birthday")
    assert nullable.details == {}
    assert nullable.to_dict()["details"] == {"subject": "request:birthday", "field": "birthday",
                                             "docs_value": False, "spec_value": True, "location": "/birthday"}


# --------------------------------------------------------------------------- the command line


def _run_options(*args: str) -> dict[str, Any]:
    from contract.cli.run import command

    return command.make_context("run", ["--spec", "s.yaml", "--base-url", "http://127.0.0.1:9", *args]).params


def test_run_checks_takes_new_ids_and_the_old_bare_names(seed_spec, capsys):
    from contract.cli.run import run_config
    from contract.errors import InputError

    config = run_config(seed_spec, "http://127.0.0.1:9", _run_options("--checks", "server_error,live.transport"))
    assert config.checks == {"live.server_error", "live.transport"}
    with pytest.raises(InputError, match=r"unknown check.*lint\.metaschema"):
        run_config(seed_spec, "http://127.0.0.1:9", _run_options("--checks", "lint.metaschema"))
    code, output = run_cli(capsys, "run", "--help")
    assert code == 0 and "aliases" in output and "live.server_error" in output


def test_checks_command_lists_every_check(capsys, registry):
    code, output = run_cli(capsys, "checks", "--json")
    assert code == 0
    listed = json.loads(output)
    assert [c["id"] for c in listed] == [i.id for i in checks.all_checks()]
    assert {c["id"]: c["aliases"] for c in listed}["live.server_error"] == ["server_error"]
    assert all(c["stage"] and c["severity"] in ("error", "warning", "info") and c["description"] for c in listed)

    code, output = run_cli(capsys, "checks", "--stage", "drift")
    lines = output.splitlines()
    assert code == 0 and lines[0].split() == ["id", "stage", "severity", "description"]
    assert {line.split()[0] for line in lines[1:]} == {i.id for i in checks.by_stage("drift")}
    assert "drift.type_mismatch  " in output and "docs and spec give a field different types" in output
