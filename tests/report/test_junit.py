"""junit.xml: one test case per check × operation, in the shape JUnit readers expect.

The structural tests use xml.etree (always there); one test reads the file with
junitparser, a real JUnit reader, when it is installed (add it to the dev extra).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from contract.report import render_junit, write_reports
from contract.report.view import case_class

OP = "POST /api/v2/server-side-api/profile/"


def _cases(text: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(text.encode())  # control characters from a live body would make this raise
    assert root.tag == "testsuites" and all(s.tag == "testsuite" for s in root)
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases)
    assert int(root.get("failures")) == len(root.findall("testsuite/testcase/failure"))
    for suite in root:
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    keyed = {(c.get("classname"), c.get("name")): c for c in cases}
    assert len(keyed) == len(cases), "one case per check × operation"
    return keyed


def test_one_case_per_check_and_operation(check_report):
    cases = _cases(render_junit(check_report))
    expected = defaultdict(list)
    for f in check_report["findings"]:
        expected[(case_class(f), f["check"])].append(f)
    assert set(cases) == set(expected)
    for key, findings in expected.items():
        failure = cases[key].find("failure")
        if any(f["severity"] != "info" for f in findings):
            assert failure is not None
            assert all(f["message"] in failure.text for f in findings if f["severity"] != "info")
        else:  # information only: a passing case that still says what it found
            assert failure is None and findings[0]["message"] in cases[key].find("system-out").text


def test_failures_carry_curl_and_clean_checks_pass(live_report):
    text = render_junit(live_report)
    cases = _cases(text)
    failure = cases[(OP, "live.accepts_invalid")].find("failure")
    assert failure.get("type") == "error" and failure.get("message").startswith("the server accepted")
    assert "curl -X POST 'http://127.0.0.1:8000/api/v2/server-side-api/profile/'" in failure.text
    assert "live follows: docs" in failure.text
    clean = [c for (_, name), c in cases.items() if name == "live.headers_clean"]
    assert len(clean) == 1 and len(clean[0]) == 0  # ran, found nothing: a passing case
    assert len(cases) == len({(case_class(f), f["check"]) for f in live_report["findings"]}) + 1
    assert "\x00" not in text and "\x1b" not in text


def test_a_junit_reader_reads_it(tmp_path, live_report):
    junitparser = pytest.importorskip("junitparser", reason="junitparser not installed (dev extra)")
    xml = junitparser.JUnitXml.fromfile(str(write_reports(tmp_path, live_report, "junit")["junit"]))
    cases = {(c.classname, c.name): c for suite in xml for c in suite}
    assert isinstance(cases[(OP, "live.rejects_valid")].result[0], junitparser.Failure)
    assert cases[(OP, "live.info_only")].is_passed
    assert xml.tests == len(cases) and xml.failures == sum(1 for c in cases.values() if not c.is_passed)
