"""Secrets never leave the process; the CLI wires the live run; the small pure pieces behave."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from contract.core.curl import to_curl
from contract.model import Exchange
from contract.redact import Redactor
from contract.replay.operations import link_field, name_candidates
from contract.replay.roundtrip import Rules, State, compare_state
from contract.sandbox import Sandbox
from tests.conftest import CORPUS, ROOT, SEED_SPEC, needs_corpus
from tests.hardening.targets import free_port

from .conftest import DOCS

CONTRACT = [sys.executable, "-m", "contract"]


def test_redactor_keeps_the_scheme_word_and_masks_by_value():
    r = Redactor(["s3cr3t-value"])
    headers = r.headers({"Authorization": "Api-Key abcdef123", "X-Session-Token": "zzzz1234", "Accept": "x"})
    assert headers == {"Authorization": "Api-Key ***", "X-Session-Token": "***", "Accept": "x"}
    assert r.url("http://u:pw@h/p?api_key=abc&q=1") == "http://***@h/p?api_key=***&q=1"
    r.learn_headers({"Authorization": "Bearer tok-9876"})
    assert r.text("echo tok-9876 and s3cr3t-value") == "echo *** and ***"


def test_a_report_is_redacted_as_plain_json():
    quoted = 'tok"en-5678'  # JSON text writes it tok\"en-5678: masking the text missed it
    r = Redactor(["s3cr3t-value", quoted])
    report = {"findings": [{"message": f"echo {quoted} and s3cr3t-value", "details": {"s3cr3t-value": (1, 2)}}],
              "coverage": {"operations": {"POST /p": {"rows": [{"value": ["s3cr3t-value"], "cases": 1}]}}},
              "odd": {1: {"a"}, None: b"x"}}
    out = r.report(report)
    assert out == {"findings": [{"message": "echo *** and ***", "details": {"***": [1, 2]}}],
                   "coverage": {"operations": {"POST /p": {"rows": [{"value": ["***"], "cases": 1}]}}},
                   "odd": {"1": "{'a'}", "null": "b'x'"}}
    assert report["findings"][0]["message"].startswith("echo tok")  # a copy: the input is left alone


def test_a_report_with_no_secret_known_is_the_same_plain_json_copy():
    """No secret (lint, drift) takes a faster copy: it must be the copy a redactor with secrets makes."""
    class Word(str):
        pass

    class Count(int):
        pass

    report = {"findings": [{"message": Word("w"), "n": Count(3), "t": (1, (2.5, None)), "b": True, "x": {1, 2}}],
              Word("k"): {1: "one", 2.5: "x", False: "f", None: "n", "s": Path("a/b")}, "e": [], "d": {}}
    plain = Redactor().report(report)
    assert plain == Redactor(["never-in-this-report"]).report(report)
    assert plain == json.loads(json.dumps(plain))  # plain JSON data through and through
    assert [type(k) for k in plain] == [str, str, str, str] and type(plain["findings"][0]["n"]) is int


def test_findings_are_printed_from_the_redacted_report(tmp_path: Path, capsys):
    from contract.cli._options import finish
    from contract.model import Finding, Location, Severity
    from contract.report import build_report

    secret = f"planted-{uuid.uuid4().hex}"
    found = [Finding("server_error", Severity.ERROR, f"the server said {secret}", operation="GET /p",
                     spec=Location("spec.yaml", 3, "/paths/~1p"), details={"subject": "500", "echo": secret})]
    report = build_report(found, command="run")
    code = finish(found, report, report_dir=str(tmp_path), fail_on="error", baseline=None,
                  redactor=Redactor([secret]), notes=["3 requests in 0.1s"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "spec.yaml:3: error [server_error] the server said ***\n"
    assert err.startswith("3 requests in 0.1s\n1 findings (1 error)") and secret not in err
    assert not [p.name for p in tmp_path.iterdir() if secret in p.read_text(encoding="utf-8")]


def test_curl_line_is_quoted_and_masked():
    ex = Exchange("POST", "http://127.0.0.1:1/p", {"Authorization": "Api-Key k-12345", "X": "it's"}, b'{"a":"b c"}')
    line = to_curl(ex, Redactor())
    assert "k-12345" not in line and "'Authorization: Api-Key ***'" in line
    assert "'X: it'\"'\"'s'" in line and "--data-binary '{\"a\":\"b c\"}'" in line


def test_identifier_names_link_to_response_fields():
    assert name_candidates("adapty-profile-id")[:2] == ["adapty_profile_id", "profile_id"]
    assert link_field("{petId}", ["id", "name"]) == "id"
    assert link_field("{petId}", ["pet_id", "id"]) == "pet_id"
    assert link_field("adapty-customer-user-id", ["customer_user_id"]) == "customer_user_id"
    assert link_field("adapty-platform", ["customer_user_id"]) is None


def test_round_trip_treats_key_value_lists_as_maps_with_documented_rules():
    rules = Rules(converts={"attrs": {("boolean", "number")}}, deletes={"attrs": {"empty", "null"}})
    state = State()
    declared = {"attrs": {}, "name": {}}
    state.apply({"attrs": [{"key": "a", "value": True}, {"key": "b", "value": "long value"}], "name": "x",
                 "not_in_response": 1}, declared, rules)
    state.apply({"attrs": [{"key": "b", "value": ""}]}, declared, rules)  # PATCH merge: documented deletion
    ok = {"attrs": [{"key": "a", "value": 1.0}], "name": "x"}
    assert compare_state(state, ok) == []
    bad = {"attrs": [{"key": "a", "value": 1.0}, {"key": "b", "value": "long"}], "name": "x"}
    assert [(d.field, d.kind) for d in compare_state(state, bad)] == [("attrs[b]", "not-deleted")]
    state.apply({"name": "abcdef"}, declared, rules)
    assert [(d.field, d.kind) for d in compare_state(state, {"attrs": [{"key": "a", "value": 1}], "name": "abc"})] \
        == [("name", "truncated")]


def test_a_run_masks_its_credentials_not_the_values_it_generated():
    """Adyen: every write carries a generated `Idempotency-Key` (a secret-looking name). Learning its values
    masked "value" (an Idempotency-Key drawn that way) in every body, keys included, and a `shopperReference`
    the server echoed; the run's own credential is still masked wherever it shows up."""
    from contract.replay.config import RunConfig
    from contract.replay.sender import Sender

    sender = Sender.for_run(RunConfig("http://127.0.0.1:1", headers={"Authorization": "Basic c2FuZGJveDpr"},
                                      secrets=["s3cr3t-value"]))
    try:
        sent = Exchange("POST", "http://127.0.0.1:1/payments",
                        {"Idempotency-Key": "value", "Authorization": "Basic c2FuZGJveDpr"},
                        b'{"amount": {"value": 42}, "shopperReference": "user_12345"}', status=200,
                        response_body=b'{"value": 42, "shopperReference": "user_12345", "echo": "c2FuZGJveDpr"}')
        recorded, curl = sender.recorded(sent)
        later, _ = sender.recorded(Exchange("GET", "http://127.0.0.1:1/p", {}, status=200,
                                            response_body=b'{"value": "user_12345", "key": "s3cr3t-value"}'))
    finally:
        sender.close()
    assert recorded.request_headers == {"Idempotency-Key": "***", "Authorization": "Basic ***"}  # by name
    assert recorded.request_body == b'{"amount": {"value": 42}, "shopperReference": "user_12345"}'
    assert recorded.response_body == b'{"value": 42, "shopperReference": "user_12345", "echo": "***"}'
    assert later.response_body == b'{"value": "user_12345", "key": "***"}'
    assert "c2FuZGJveDpr" not in curl and "'Idempotency-Key: ***'" in curl
    report = sender.redactor.report({"message": "value user_12345 c2FuZGJveDpr"})
    assert report == {"message": "value user_12345 ***"}


@needs_corpus('adyen-checkout-v71-3.1.json')
def test_round_trip_does_not_expect_what_the_response_schema_cannot_hold():
    """Adyen's POST /sessions: `dateOfBirth` is a date when sent and a date-time when shown, and
    `shopperReference` may be "" when sent but has minLength 3 when shown: no faithful server echoes them."""
    from contract.load import load_spec
    from contract.replay.graph import build_graph
    from contract.replay.operations import LiveOperation
    from contract.replay.roundtrip import ResponseFit

    spec = load_spec(CORPUS / "adyen-checkout-v71-3.1.json")
    graph = build_graph(spec, [LiveOperation(o) for o in spec.operations])
    sessions = graph.members["POST /sessions"]
    fits = ResponseFit(sessions.view)
    assert not fits("dateOfBirth", "1940-08-23") and fits("dateOfBirth", "1940-08-23T00:00:00Z")
    state = State()
    state.apply({"dateOfBirth": "1940-08-23", "shopperReference": "", "shopperLocale": "de-DE"},
                sessions.view.properties, Rules(), fits=fits)
    shown = {"dateOfBirth": "1940-08-23T00:00:00+00:00", "shopperReference": "abc", "shopperLocale": "de-DE"}
    assert compare_state(state, shown) == []
    assert [(d.field, d.kind) for d in compare_state(state, {**shown, "shopperLocale": "fr-FR"})] \
        == [("shopperLocale", "changed")]  # a value the response can hold is still judged
    state.apply({"dateOfBirth": "1940-08-23T00:00:00Z"}, sessions.view.properties, Rules(), fits=fits)
    assert [(d.field, d.kind) for d in compare_state(state, shown)] == [("dateOfBirth", "changed")]


def _run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1", **env_extra}
    return subprocess.run([*CONTRACT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_no_report_or_log_line_contains_the_key(tmp_path: Path):
    key_a, key_b = f"planted-{uuid.uuid4().hex}", f"planted-{uuid.uuid4().hex}"
    keys = {key_a: str(uuid.uuid4()), key_b: str(uuid.uuid4())}
    docs = [a for d in DOCS for a in ("--docs", str(d))]
    with Sandbox(keys=keys) as sandbox:
        run = _run(["run", "--spec", str(SEED_SPEC), "--base-url", sandbox.url, *docs, "--max-examples", "3",
                    "--alt-header", f"Authorization: Api-Key {key_b}", "--progress", "plain",
                    "--report-dir", str(tmp_path / "run")], {"CONTRACT_API_KEY": key_a})
        check = _run(["check", "--base-url", sandbox.url, "--max-examples", "3", "--header",
                      f"Authorization: Api-Key {key_a}", "--alt-header", f"Authorization: Api-Key {key_b}",
                      "--report-dir", str(tmp_path / "check")], {})
    for proc in (run, check):
        assert proc.returncode == 1, proc.stderr  # the seeds really disagree with the live API
        for key in (key_a, key_b):
            assert key not in proc.stdout and key not in proc.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} == {"report.json", "junit.xml", "report.md", "report.html", "report.sarif",
                                       "annotations.txt"}
    for p in files:  # every format, not just JSON
        text = p.read_text(encoding="utf-8")
        assert key_a not in text and key_b not in text, p.name
    for p in [f for f in files if f.name == "report.json"]:
        report = json.loads(p.read_text(encoding="utf-8"))
        assert report["run"]["requests"] > 0 and report["run"]["seed"] == 0
        assert any(f["curl"] and "Api-Key ***" in f["curl"] for f in report["findings"])


def test_run_exits_3_when_nothing_answers(tmp_path: Path):
    proc = _run(["run", "--spec", str(SEED_SPEC), "--base-url", f"http://127.0.0.1:{free_port()}",
                 "--max-examples", "2", "--timeout", "1", "--report-dir", str(tmp_path)], {})
    assert proc.returncode == 3, proc.stderr
    assert "connection_refused" in proc.stderr
