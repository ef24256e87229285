"""Real specs: `contract run`'s generated traffic, through the proxy, to the emulator of the same spec.

The emulator is spec-faithful (it validates requests with the spec and answers from its schemas), so the
proxy must judge nothing an error: no response finding, and no request the emulator accepted held
invalid — a `traffic.request_invalid` error there would be the proxy's request-side judgement disagreeing
with the spec. The run's violating cases are refused: each may be an info finding, never more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.load import load_spec
from contract.model import Severity
from contract.proxy import Proxy, SessionOptions
from contract.sandbox.generic import Emulator
from tests.conftest import CORPUS
from tests.sandbox.test_emulator_live import live_run

SPECS = ["petstore-expanded-3.0.yaml", "link-example-3.0.yaml", "adyen-binlookup-v54-3.1.yaml", "uspto-3.0.json",
         "petstore-2.0.json"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not there")
@pytest.mark.parametrize("name", SPECS)
def test_generated_traffic_to_a_faithful_server_is_judged_without_errors(name: str, tmp_path: Path) -> None:
    path = CORPUS / name
    spec = load_spec(path)
    with Emulator(path) as emulator, Proxy(spec, [], SessionOptions(target=emulator.url)) as proxy:
        report, proc = live_run(path, proxy.url, emulator.headers(), tmp_path, "--max-examples", "5",
                                timeout=600)
        judge = proxy.session.judge
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        sent = sum(report["run"]["requests_by_purpose"].values())
        assert judge.wait_for(sent, timeout=60), (judge.exchanges, sent)
    findings = judge.findings()
    errors = [f"{f.check} {f.operation}: {f.message[:300]}" for f in findings if f.severity == Severity.ERROR]
    assert errors == []
    refused = [f for f in findings if f.check == "traffic.request_invalid"]
    assert refused and {str(f.severity) for f in refused} == {"info"}  # the run's violating cases, refused
    # what matched no operation is the run probing for undocumented ones (DELETE/PATCH on a path): refused
    unmatched = judge.traffic()["unmatched"]
    assert all(set(u["statuses"]) <= {"404", "405"} for u in unmatched), unmatched
    assert judge.matched + sum(u["requests"] for u in unmatched) == judge.exchanges
