"""The live engine against the emulator: the corpus walk (precision and reach) and the fault table (recall).

Each spec is served by the emulator on 127.0.0.1 (a free port) and `contract run` runs against it
as a user would (`--spec --base-url --header`). A spec-faithful server must get no error finding
and a 2xx on at least 90% of its operations; each fault switch must be caught by its check.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from contract.load import load_spec
from contract.sandbox.generic import Emulator
from tests.conftest import CORPUS, ROOT

HIER = ROOT / "tests" / "targets" / "hier" / "openapi.yaml"
START_LIMIT = 5.0

# Specs whose walk the live engine cannot pass yet, and why: each reason names what to fix. They still run; one
# that passes passes (a reason that no longer holds is for the next review to drop, not for CI to flap on: several
# of these runs are time-capped). Fixed on the way here (session 4): a run's redactor learnt every generated
# secret-named header (Adyen's Idempotency-Key) and masked its values everywhere; round trip expected values the
# response schema cannot hold; parents no operation creates were never named (Twilio Lookups); anonymous access the
# spec allows was probed as an auth failure (Discord); Box's `#fragment` operations are one request on the wire.
# Session 5 (Twilio v2010 now passes): form arrays read as the spec's `encoding` says (repeated names); own Sids
# unique and valid for the answer's field too; a create answer without the identifier still names it; a PUT on a
# collection path; a create's request field naming the instance renewed per create (Discord stage instances);
# collections of several literals under an item (Twilio's /SIP/CredentialLists.json). Session 6 (Box now passes:
# 293/296, no error, 106 s at load 8): a listed identifier the parameter's schema refuses is not sent (`$scope` as the
# enum `{scope}`); identifier text may come back as the number it spells; a write's own answer is judged on the
# fields it declares; a PUT replaces (an unsent field is not expected back). OpenAI now passes (28 errors triaged:
# required-only answers keep what an allOf sibling requires, `?beta=true` path keys routed by their query, form text
# read as a server reads it, JSON multipart parts, singletons before their create, list rows keyed by `id`); Discord
# and OpenAI together: 8.6 min at load 4-6. The Stripe walks complete (66 requests/s: the meanings walk follows the
# body, converted schemas shared, paths matched once) with no error (form unions with a literal `enum: [""]`
# branch, union creates in their list's shape, path parameters known by place, form creates' own `id` renewed,
# singleton deletes serial): 2023 466/468 in 87 s, 2022 417/417 in 72 s, side by side on an idle machine. Every
# corpus spec now passes; an entry here is for a spec added to the corpus that does not yet.
ENGINE_LIMITS: dict[str, str] = {}
SLOW = {"box-3.0.json", "openai-3.1.yaml", "stripe-2022-3.0.json", "stripe-2023-3.0.yaml", "discord-3.1.json",
        "twilio-api-v2010-3.0.yaml", "adyen-checkout-v71-3.1.json"}


_OPENAPI3 = re.compile(r'^openapi:\s*["\']?3\.|"openapi"\s*:\s*"3\.', re.MULTILINE)


def _openapi3(path: Path) -> bool:
    """An OpenAPI 3.x document, its `openapi` key wherever it is (Twilio's v2010 YAML has it after 6,677 lines of
    `components`: a look at the first few kilobytes left that spec out of the walk)."""
    return _OPENAPI3.search(path.read_text(encoding="utf-8", errors="replace")) is not None


def _corpus() -> list[Any]:
    if not CORPUS.is_dir():
        return []
    out = []
    for path in sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json") and _openapi3(p)):
        marks = [pytest.mark.slow] if path.name in SLOW else []
        out.append(pytest.param(path, id=path.name, marks=marks))
    return out


def live_run(spec: Path, url: str, headers: dict[str, str], report_dir: Path, *extra: str,
             timeout: float = 1800) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    args = [sys.executable, "-m", "contract", "run", "--spec", str(spec), "--base-url", url,
            "--report-dir", str(report_dir), "--progress", "off", *extra]
    for name, value in headers.items():
        args += ["--header", f"{name}: {value}"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    path = report_dir / "report.json"
    return (json.loads(path.read_text()) if path.exists() else {}), proc


def _summary(report: dict[str, Any]) -> tuple[list[str], float]:
    errors = [f"{f['check']} {f.get('operation')}: {f['message'][:200]}" for f in report.get("findings", [])
              if f["severity"] == "error"]
    ops = report.get("coverage", {}).get("operations", {})
    share = sum(1 for v in ops.values() if v.get("reached")) / max(len(ops), 1)
    return errors, share


@pytest.mark.parametrize("spec_path", _corpus())
def test_the_corpus_walk(spec_path: Path, tmp_path: Path) -> None:
    spec = load_spec(spec_path)
    if not spec.operations:
        pytest.skip("no operations")
    started = time.monotonic()
    with Emulator(spec_path) as emulator:
        start = time.monotonic() - started
        if spec_path.name in SLOW and spec_path.name in ENGINE_LIMITS and not os.environ.get("CONTRACT_FULL_WALK"):
            assert start < START_LIMIT, f"started in {start:.1f}s"
            # minutes of sending to confirm a known limit: on demand, not in every CI run
            pytest.skip(f"known engine limit ({ENGINE_LIMITS[spec_path.name]}); CONTRACT_FULL_WALK=1 runs it")
        # The largest specs with fewer cases per operation and a time cap: at 5 cases per operation Stripe-2023
        # sends 15,000 requests (session 6: under 4 min of sending on a loaded 2-core machine).
        # The cap and the read timeout are for a CI machine running the suite beside the walk (two cores, another
        # walk on the other worker): reach is what is judged, so the cap leaves it room (Discord's walk took 213 s
        # with one other process busy, 5 min at load 10), and an emulator's first answer of a deep schema is a
        # one-time build of its generator (OpenAI's `Response`: ~4 CPU s, beyond 10 s wall at load 10).
        extra = ("--max-examples", "5", "--max-time", "900", "--timeout", "30") if spec_path.name in SLOW else ()
        report, proc = live_run(spec_path, emulator.url, emulator.headers(), tmp_path / "reports", *extra)
    assert start < START_LIMIT, f"started in {start:.1f}s"
    passed = bool(report) and proc.returncode in (0, 1)
    errors, share = _summary(report) if passed else ([proc.stderr[-500:]], 0.0)
    ok = passed and not errors and share >= 0.9
    if spec_path.name in ENGINE_LIMITS and not ok:
        pytest.xfail(ENGINE_LIMITS[spec_path.name])
    assert passed, proc.stderr[-2000:]
    assert not errors, errors
    assert share >= 0.9, f"2xx on {share:.0%} of operations"


# --------------------------------------------------------------------------- faults → the check that catches them

A = "hier-a"
B = "hier-b"

FAULT_TABLE = [
    (HIER, "server-error", "live.server_error"),
    (HIER, "drop-field", "live.response_schema"),
    (HIER, "wrong-content-type", "live.content_type"),
    (HIER, "undocumented-status", "live.status_code_documented"),
    (HIER, "no-auth", "live.auth_enforced"),
    (HIER, "no-persist", "live.round_trip"),
    (HIER, "no-delete", "live.delete_effective"),
    (HIER, "accept-invalid", "live.negative_rejection"),
    (HIER, "tenant-leak", "live.tenant_isolation"),
]  # the five corpus specs: tests/sandbox/test_fault_matrix.py (every fault, or why it has nothing to act on)


@pytest.mark.parametrize(("spec_path", "fault", "check"), [
    pytest.param(s, f, c, id=f"{s.name}-{f}") for s, f, c in FAULT_TABLE])
def test_each_fault_is_caught_by_its_check(spec_path: Path, fault: str, check: str, tmp_path: Path) -> None:
    if not spec_path.is_file():
        pytest.skip(f"shared corpus file not found: {spec_path}")
    spec = load_spec(spec_path)
    schemes = sorted({s.key for op in spec.operations for req in op.security for s in req})
    keys = {name: [A, B] for name in schemes}
    with Emulator(spec, keys=keys, faults=(fault,)) as emulator:
        extra = ["--max-examples", "5"]
        if fault == "server-error":
            extra += ["--probe-value", "boom"]
        if fault == "tenant-leak":
            extra += ["--alt-header", "; ".join(f"{k}: {v}" for k, v in emulator.headers(1).items())]
        report, proc = live_run(spec_path, emulator.url, emulator.headers(), tmp_path / "reports", *extra,
                                timeout=600)
    assert report, proc.stderr[-2000:]
    found = {f["check"] for f in report["findings"]}
    assert check in found, sorted(found)


# --------------------------------------------------------------------------- optional credentials

OPTIONAL_AUTH = """
openapi: 3.1.0
info: {title: optional auth, version: "1"}
components:
  securitySchemes:
    BotToken: {type: apiKey, name: Authorization, in: header}
paths:
  /gateway:
    get:
      security: [{}, {BotToken: []}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {url: {type: string}}}}}}
  /users/@me:
    get:
      security: [{BotToken: []}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}
        "401": {description: no credential}
"""


@pytest.mark.parametrize(("faults", "flagged"), [((), set()), (("no-auth",), {"GET /users/@me"})])
def test_anonymous_access_the_spec_allows_is_not_an_auth_finding(tmp_path: Path, faults: tuple[str, ...],
                                                                 flagged: set[str]) -> None:
    """Discord's `security: [{}, {BotToken: []}]` (GET /gateway and 15 more): anonymous access is documented, so a
    2xx without a credential is right; an operation that requires one is still probed."""
    from contract.replay.runner import RunConfig, Runner

    spec_path = tmp_path / "optional.yaml"
    spec_path.write_text(OPTIONAL_AUTH)
    spec = load_spec(spec_path)
    with Emulator(spec, faults=faults) as emulator:
        config = RunConfig(emulator.url, headers=emulator.headers(), max_examples=2, progress="off",
                           checks=frozenset({"live.auth_enforced"}))
        result = Runner(spec, config).run()
    found = {op for f in result.findings if f.check == "live.auth_enforced"
             for op in ([f.operation] if f.operation else f.details.get("operations", []))}
    assert found == flagged, [f.message for f in result.findings]
