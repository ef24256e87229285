"""`contract_traffic`: a consumer's own httpx and requests calls judged in process, against the sandbox's ASGI app."""

from __future__ import annotations

import json
import re

import pytest

from contract.sandbox import DEFAULT_KEYS
from tests.conftest import ROOT, SEED_SPEC

pytest_plugins = ["pytester"]
KEY = next(iter(DEFAULT_KEYS))
DOCS = ROOT / "specs" / "003_adc150077d28c6e1.txt"

CONSUMER = '''
import pytest
from contract.sandbox import DEFAULT_KEYS, create_app

PATH = "/api/v2/server-side-api/profile/"
KEY = next(iter(DEFAULT_KEYS))
FAULTS = {faults!r}
BODY = {{"installation_meta": {{"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}}}


@pytest.fixture
def app(tmp_path):
    app = create_app(tmp_path / "sandbox.sqlite", DEFAULT_KEYS, FAULTS)
    yield app
    app.close()


def _headers(user):
    return {{"Authorization": "Api-Key " + KEY, "adapty-customer-user-id": user}}


def test_create_with_httpx(contract_traffic, app):
    client = contract_traffic.client(app=app)
    response = client.post(PATH, json=BODY, headers=_headers("httpx-user"))
    assert response.status_code == 200


def test_create_then_read_with_requests(contract_traffic, app):
    session = contract_traffic.session(app=app)
    assert session.post("http://testserver" + PATH, json=BODY, headers=_headers("requests-user")).status_code == 200
    assert session.get("http://testserver" + PATH, headers=_headers("requests-user")).status_code == 200


def test_a_client_bug_the_target_refuses(contract_traffic, app):
    client = contract_traffic.client(app=app)
    assert client.post(PATH, json={{"birthday": 12}}, headers=_headers("bad-user")).status_code >= 400


@pytest.mark.contract_traffic(fail_on="never")
def test_report_only(contract_traffic, app):
    client = contract_traffic.client(app=app)
    client.post(PATH, json=BODY, headers=_headers("report-only"))
'''


def _run(pytester: pytest.Pytester, faults: tuple[str, ...], *extra: str, ini: str = "") -> pytest.RunResult:
    """The consumer's suite in a subprocess, its own ini file (the spec's path would make this repo its root)."""
    pytester.makepyfile(test_consumer=CONSUMER.format(faults=tuple(faults)))
    config = pytester.makeini("[pytest]\naddopts = --strict-markers\n" + ini)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-c", str(config), "--rootdir", str(pytester.path),
                                         "--contract-spec", str(SEED_SPEC),
                                         "--contract-docs", str(DOCS), "--contract-report-dir", "out", *extra)


def _report(pytester: pytest.Pytester) -> dict:
    return json.loads((pytester.path / "out" / "report.json").read_text())


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_no_fault_passes_and_writes_traffic_coverage(pytester, workers):
    result = _run(pytester, (), *workers)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=4)
    report = _report(pytester)
    assert report["command"] == "pytest"
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    # the seed spec documents createProfile only: the GET is served but matches no operation
    assert report["traffic"]["exchanges"] == 5 and report["traffic"]["matched"] == 4
    assert report["traffic"]["unmatched"] == [{"method": "GET", "path": "/api/v2/server-side-api/profile/",
                                               "statuses": {"200": 1}, "requests": 1}]
    create = report["coverage"]["operations"]["POST /api/v2/server-side-api/profile/"]
    assert create["reached"] and create["statuses"] == {"200": 3, "400": 1}
    assert "data.segment_hash" not in create["fields_unseen"]["200"]
    assert "data.subscriptions[]" in create["fields_unseen"]["200"]  # new profiles have none: untested
    assert {f["check"] for f in report["findings"] if f["severity"] == "warning"} == {
        "live.status_code_documented", "traffic.undocumented_operation"}
    # the refused request is a finding of its own, info: the target caught the client's bug
    invalid = [f for f in report["findings"] if f["check"] == "traffic.request_invalid"]
    assert invalid and {f["severity"] for f in invalid} == {"info"}
    assert KEY not in (pytester.path / "out" / "report.json").read_text()
    assert "contract traffic: 5 exchanges judged" in result.stdout.str()


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_fault_fails_the_tests_whose_exchanges_show_it(pytester, workers):
    result = _run(pytester, ("drop-field",), *workers)
    assert result.ret == 1
    result.assert_outcomes(passed=2, failed=2)  # the refusal and the report-only test pass
    out = result.stdout.str()
    assert re.search(r"FAILED \S*test_consumer.py::test_create_with_httpx", out)
    assert re.search(r"FAILED \S*test_consumer.py::test_create_then_read_with_requests", out)
    assert "live.response_schema" in out and "'segment_hash' is a required property" in out.replace('"', "'")
    assert "reproduce with: curl" in out and "Api-Key ***" in out and KEY not in out
    report = _report(pytester)
    schema = [f for f in report["findings"] if f["check"] == "live.response_schema"]
    assert schema and schema[0]["severity"] == "error"
    create = report["coverage"]["operations"]["POST /api/v2/server-side-api/profile/"]
    assert "data.segment_hash" in create["fields_unseen"]["200"]  # the dropped field: never carried, per worker too


def test_fail_on_warning_in_the_ini_fails_the_warned_test_only(pytester):
    """The refused request's undocumented 400 is a warning: at `warning` it fails its test; the others pass
    (the GET of a path the spec lacks is a warning too, and the report-only marker still wins)."""
    result = _run(pytester, (), ini="contract_traffic_fail_on = warning\n")
    assert result.ret == 1
    result.assert_outcomes(passed=2, failed=2)
    out = result.stdout.str()
    assert re.search(r"FAILED \S*test_consumer.py::test_a_client_bug_the_target_refuses", out)
    assert re.search(r"FAILED \S*test_consumer.py::test_create_then_read_with_requests", out)
    assert "live.status_code_documented" in out and "traffic.undocumented_operation" in out


def test_a_bad_fail_on_value_is_a_usage_error(pytester):
    result = _run(pytester, (), ini="contract_traffic_fail_on = sometimes\n")
    assert result.ret == 4
    assert "contract_traffic_fail_on 'sometimes'" in result.stderr.str()
    assert "Traceback" not in result.stderr.str()
