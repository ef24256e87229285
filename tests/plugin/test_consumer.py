"""The pytest plugin, through the example consumer project, against the sandbox."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

import contract
from contract.assertions import ContractAssertionError, assert_conforms
from contract.sandbox import DEFAULT_KEYS, Sandbox
from tests.conftest import ROOT, SEED_SPEC

CONSUMER = ROOT / "examples" / "consumer"
KEY = next(iter(DEFAULT_KEYS))


def _pytest(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(CONSUMER), "-p", "no:cacheprovider", "-q", "-rN",
         "--contract-base-url", url, "--contract-header", f"Authorization: Api-Key {KEY}", *extra],
        capture_output=True, text=True, timeout=300, cwd=CONSUMER)


def _outcomes(output: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|error|skipped)", output)}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as box:
        yield box


def test_consumer_passes_serially_and_under_xdist(sandbox):
    serial = _pytest(sandbox.url)
    assert serial.returncode == 0, serial.stdout + serial.stderr
    parallel = _pytest(sandbox.url, "-n", "2")
    assert parallel.returncode == 0, parallel.stdout + parallel.stderr
    assert _outcomes(serial.stdout) == _outcomes(parallel.stdout)
    assert _outcomes(serial.stdout)["passed"] >= 15
    assert KEY not in serial.stdout + parallel.stdout


def test_consumer_fails_with_a_curl_on_a_fault():
    with Sandbox(faults={"drop-field"}) as box:
        result = _pytest(box.url)
    assert result.returncode == 1
    out = result.stdout
    assert '"segment_hash" is a required property' in out
    assert "reproduce with:" in out and "curl -sS -i -X POST" in out
    assert "contract case" in out  # the parametrized failures show the case
    assert "Api-Key ***" in out and KEY not in out


def test_assert_conforms_with_httpx_and_requests(sandbox):
    requests = pytest.importorskip("requests")
    spec = contract.load_spec(SEED_SPEC)
    body = {"installation_meta": {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}
    headers = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": "assert-conforms"}
    url = sandbox.url + "/api/v2/server-side-api/profile/"
    assert_conforms(httpx.post(url, json=body, headers=headers), "createProfile", spec=spec)
    assert_conforms(requests.post(url, json=body, headers=headers, timeout=30), spec=spec)  # found by URL
    # 400 is not documented by the spec for createProfile.
    bad = httpx.post(url, json={"birthday": None}, headers=headers)
    with pytest.raises(ContractAssertionError) as info:
        assert_conforms(bad, "createProfile", spec=spec)
    assert "status 400 is not documented" in str(info.value)
    assert info.value.curl and "Api-Key ***" in info.value.curl and KEY not in str(info.value)


def test_plugin_is_inert_without_a_spec(tmp_path):
    (tmp_path / "test_x.py").write_text("def test_x():\n    assert True\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def _collect(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", str(CONSUMER), "-p", "no:cacheprovider", "-q",
                           "--collect-only", "-k", "documented_rules", *extra],
                          capture_output=True, text=True, timeout=300, cwd=CONSUMER)


def test_docs_pages_in_the_ini_become_violating_cases_labelled_by_their_rule():
    """`contract_docs` in pytest.ini: the docs' own rules (30 attributes, not nullable) are cases of their own."""
    result = _collect()
    assert result.returncode == 0, result.stdout + result.stderr
    labels = set(re.findall(r"test_documented_rules_are_enforced\[violating-\d+-(\w+)\]", result.stdout))
    assert {"maxItems", "type"} <= labels
    # the same pages on the command line, several values after one flag, agree (`-c`: pytest takes the
    # values for test paths when it looks for its ini file, before the plugin's options are known)
    flags = _collect("-c", "pytest.ini", "--contract-docs", str(ROOT / "specs" / "003_adc150077d28c6e1.txt"),
                     str(ROOT / "specs" / "000_f29c871810a0beae.txt"))
    assert re.findall(r"\[violating-\d+-\w+\]", flags.stdout) == re.findall(r"\[violating-\d+-\w+\]", result.stdout)
    # without docs there is no docs-only rule to break
    bare = _collect("-o", "contract_docs=")
    assert "violating-" not in bare.stdout


def test_a_missing_docs_path_is_a_usage_error_naming_it():
    result = _collect("--contract-docs", "no-such-docs/")
    assert result.returncode == 4
    assert "no-such-docs/: docs page not found" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_hypothesis_property_over_generated_cases_shrinks_a_fault_to_the_smallest_profile():
    """`@given(contract.strategies.cases(...))` in the consumer suite: green on the sandbox; with a dropped
    response field it fails, and hypothesis shrinks the request to the profile with only what is required."""
    with Sandbox() as box:
        clean = _pytest(box.url, "-k", "server_accepts")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    with Sandbox(faults={"drop-field"}) as box:
        broken = _pytest(box.url, "-k", "server_accepts")
    assert broken.returncode == 1
    out = broken.stdout
    assert '"segment_hash" is a required property' in out and "Failing test case" in out
    shrunk = re.search(r"body=(\{.*?\}\}), has_body", out)
    assert shrunk is not None, out
    assert shrunk.group(1).startswith("{'installation_meta': {'device_id': ")
    assert shrunk.group(1).count(":") == 2  # one required object with its one required field, nothing else
    assert KEY not in out
