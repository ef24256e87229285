"""Validation speed: this project's validators against openapi-core, and spec load + build times.

    .venv/bin/python bench/validation.py [--bodies N] [--repeat R] [--corpus DIR] [--st-python PATH]

Part 1 validates the same mixed corpus of request and response bodies for the seed
operation (createProfile) with openapi-core (`OpenAPI.validate_request` /
`validate_response`, spec validation off, objects reused — its fastest documented
use) and with `contract.validate` (full request: parameters, security, content
type, body), checks that every verdict agrees, and prints the rates and ratios.

Part 2 loads every corpus spec in a fresh process and builds request and response
validators for all its operations; with `--st-python` (a Python that has
schemathesis installed, kept out of this venv because it needs a newer hypothesis)
it prints Schemathesis's load time for the same spec beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.load import load_spec  # noqa: E402
from contract.validate import Validators  # noqa: E402
from tests.support.mutants import mixed_corpus  # noqa: E402
from tests.support.openapi_core_ref import Reference  # noqa: E402

SEED = ROOT / "specs" / "adapty-api.yaml"
PATH = "/api/v2/server-side-api/profile/"
HEADERS = {"Authorization": "Api-Key bench", "Content-Type": "application/json", "adapty-customer-user-id": "u"}


def _rate(fn, items, repeat: int) -> tuple[float, list[bool]]:
    verdicts: list[bool] = []
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        verdicts = [fn(item) for item in items]
        best = min(best, time.perf_counter() - start)
    return len(items) / best, verdicts


def part1(n: int, repeat: int) -> bool:
    # Policy "version": openapi-core ignores `nullable` in 3.1 documents, so compare like with like.
    spec = load_spec(SEED, nullable="version")
    op = spec.operation("createProfile")
    request_bases = [op.request_body.content["application/json"].example,
                     spec.data["components"]["schemas"]["ProfileRequest"]["example"]]
    response_bases = [op.responses["200"].content["application/json"].example]
    requests = mixed_corpus(request_bases, n, seed=1)
    responses = [json.dumps(b).encode() for b in mixed_corpus(response_bases, n, seed=2)]

    ref = Reference(spec.data)
    ours = Validators(spec)
    req_v, resp_v = ours.request(op), ours.response(op)
    core_requests = [ref.request("post", PATH, body, HEADERS) for body in requests]
    from openapi_core.testing import MockResponse

    core_pairs = [(core_requests[0], MockResponse(b, status_code=200, content_type="application/json"))
                  for b in responses]

    def core_req(r) -> bool:
        try:
            ref.app.validate_request(r)
        except Exception:
            return False
        return True

    def core_resp(pair) -> bool:
        try:
            ref.app.validate_response(*pair)
        except Exception:
            return False
        return True

    def our_req(body) -> bool:
        return not req_v.validate(headers=HEADERS, body=body, content_type="application/json")

    def our_resp(body: bytes) -> bool:
        return not resp_v.validate(200, {"Content-Type": "application/json"}, body)

    core_req_rate, core_req_v = _rate(core_req, core_requests, repeat)
    our_req_rate, our_req_v = _rate(our_req, requests, repeat)
    core_resp_rate, core_resp_v = _rate(core_resp, core_pairs, repeat)
    our_resp_rate, our_resp_v = _rate(our_resp, responses, repeat)

    same_req = core_req_v == our_req_v
    same_resp = core_resp_v == our_resp_v
    print(f"Seed operation createProfile: {len(requests)} request bodies ({sum(our_req_v)} valid), "
          f"{len(responses)} response bodies ({sum(our_resp_v)} valid); best of {repeat}")
    print(f"{'':28s}{'openapi-core /s':>16s}{'contract /s':>14s}{'ratio':>9s}  verdicts")
    print(f"{'requests (full)':28s}{core_req_rate:16,.0f}{our_req_rate:14,.0f}{our_req_rate / core_req_rate:8.1f}x"
          f"  {'identical' if same_req else 'DIFFER'}")
    print(f"{'responses (full)':28s}{core_resp_rate:16,.0f}{our_resp_rate:14,.0f}"
          f"{our_resp_rate / core_resp_rate:8.1f}x  {'identical' if same_resp else 'DIFFER'}")
    body_schema = req_v.body_schema()
    body_rate, _ = _rate(body_schema.is_valid, requests, repeat)
    print(f"{'request bodies (fast path)':28s}{core_req_rate:16,.0f}{body_rate:14,.0f}"
          f"{body_rate / core_req_rate:8.1f}x")
    print(f"goal: contract >= 50x openapi-core on request bodies -> "
          f"{'met' if our_req_rate / core_req_rate >= 50 else 'NOT met'} ({our_req_rate / core_req_rate:.1f}x)")
    return same_req and same_resp


_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from contract.load import load_spec
from contract.validate import Validators
t1 = time.perf_counter()
spec = load_spec(sys.argv[1])
t2 = time.perf_counter()
v = Validators(spec)
for op in spec.operations:
    v.request(op); v.response(op)
t3 = time.perf_counter()
print(json.dumps({"ops": len(spec.operations), "import": t1 - t0, "load": t2 - t1, "build": t3 - t2,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_ST_CHILD = """
import sys, time
import schemathesis
t = time.perf_counter()
schema = schemathesis.openapi.from_path(sys.argv[1])
ops = [r for r in schema.get_all_operations()]
print(time.perf_counter() - t)
"""


def part2(corpus: Path, st_python: str | None) -> None:
    print()
    print(f"Corpus: load + build validators for every operation, fresh process per spec ({corpus})")
    header = f"{'spec':34s}{'size':>9s}{'ops':>6s}{'load s':>8s}{'build s':>9s}{'total s':>9s}{'RSS MB':>8s}"
    print(header + (f"{'st load s':>11s}{'ratio':>8s}" if st_python else ""))
    for path in sorted(p for p in corpus.iterdir() if p.suffix in (".yaml", ".json")):
        size = f"{path.stat().st_size / 1e6:.2f}MB" if path.stat().st_size > 1e5 else \
            f"{path.stat().st_size / 1e3:.0f}KB"
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                              timeout=600, cwd=ROOT)
        if proc.returncode != 0:
            reason = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"{path.name:34s}{size:>9s}  refused: {reason[:70]}")
            continue
        r = json.loads(proc.stdout)
        total = r["load"] + r["build"]
        line = (f"{path.name:34s}{size:>9s}{r['ops']:6d}{r['load']:8.2f}{r['build']:9.2f}{total:9.2f}"
                f"{r['rss']:8.0f}")
        if st_python:
            st = subprocess.run([st_python, "-c", _ST_CHILD, str(path)], capture_output=True, text=True,
                                timeout=600)
            if st.returncode == 0:
                st_s = float(st.stdout.strip().splitlines()[-1])
                line += f"{st_s:11.2f}{st_s / total:7.1f}x"
            else:
                line += f"{'error':>11s}"
        print(line)
    print("(ratio = Schemathesis load time / contract load+build time; > 1 means contract is faster)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--st-python", default=None, help="a python with schemathesis installed")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    ok = part1(args.bodies, args.repeat)
    if not args.skip_corpus and args.corpus.is_dir():
        part2(args.corpus, args.st_python)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
