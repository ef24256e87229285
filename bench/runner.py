"""Live-run benchmark: this runner vs Schemathesis against the same sandbox, in one command.

    .venv/bin/python bench/runner.py [--st PATH] [--max-examples N] [--workers N]

Measures (1) requests per second against the clean sandbox, same spec, same
per-operation example budget, all checks, and (2) wall time to the first
finding on a few sandbox faults. Requests are counted on the server side (the
sandbox's access log), so both tools are measured the same way.

Schemathesis must live in its *own* virtualenv (it would upgrade hypothesis past
this project's pin):

    python3 -m venv /tmp/st-venv && /tmp/st-venv/bin/pip install schemathesis

and is found through `--st`, `$CONTRACT_BENCH_ST`, or /tmp/st-venv/bin/st.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.docs import read_docs  # noqa: E402
from contract.load import load_spec  # noqa: E402
from contract.replay.runner import RunConfig, Runner  # noqa: E402
from contract.sandbox import DEFAULT_KEYS, Sandbox  # noqa: E402

SPEC = ROOT / "specs" / "adapty-api.yaml"
DOCS = [ROOT / "specs" / "003_adc150077d28c6e1.txt", ROOT / "specs" / "000_f29c871810a0beae.txt"]
KEY_A, KEY_B = list(DEFAULT_KEYS)
# fault → (our check, the schemathesis check that can see it)
FAULTS = {
    "drop-field": ("live.response_schema", "response_schema_conformance"),
    "undocumented-status": ("live.status_code_documented", "status_code_conformance"),
    "wrong-content-type": ("live.content_type", "content_type_conformance"),
}


class _Counter(logging.Handler):
    """Counts the sandbox's access-log lines: one per request served."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self.count += 1


def _find_st(explicit: str | None) -> str | None:
    for candidate in (explicit, os.environ.get("CONTRACT_BENCH_ST"), "/tmp/st-venv/bin/st"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("st") if explicit is None and os.environ.get("CONTRACT_BENCH_ST") is None else None


def _ours(url: str, n: int, workers: int, *, stateful: bool = True) -> tuple[float, int, dict]:
    spec = load_spec(SPEC)
    pages = [read_docs(p) for p in DOCS]
    config = RunConfig(url, headers={"Authorization": f"Api-Key {KEY_A}"},
                       alt_headers={"Authorization": f"Api-Key {KEY_B}"}, max_examples=n, workers=workers,
                       progress="off", stateful=stateful)
    started = time.perf_counter()
    result = Runner(spec, config, pages).run()
    return time.perf_counter() - started, len(result.findings), result.meta


def _st(st: str, url: str, n: int, workers: int, *, max_failures: int | None = None,
        checks: str = "all") -> tuple[float, int]:
    cmd = [st, "run", str(SPEC), "--url", url, "--checks", checks, "--max-examples", str(n),
           "--workers", str(workers), "-H", f"Authorization: Api-Key {KEY_A}", "--no-color"]
    if max_failures:
        cmd += ["--max-failures", str(max_failures)]
    else:  # by default it stops an operation at its first failure: the budget would not be spent
        cmd += ["--continue-on-failure"]
    with tempfile.TemporaryDirectory(prefix="contract-bench-st-") as scratch:  # st writes .schemathesis/ in cwd
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=scratch, timeout=600,
                              env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
        return time.perf_counter() - started, proc.returncode


def _rate(label: str, seconds: float, requests: int) -> float:
    rps = requests / seconds if seconds else 0.0
    print(f"  {label:<34} {requests:>6} requests in {seconds:6.2f}s = {rps:7.1f} req/s")
    return rps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--st", default=None, help="path to Schemathesis's `st` (own venv)")
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    st = _find_st(args.st)
    counter = _Counter()
    log = logging.getLogger("contract.sandbox.access")
    log.addHandler(counter)
    log.setLevel(logging.INFO)
    log.propagate = False

    print(f"request rate, clean sandbox, --max-examples {args.max_examples}, {args.workers} workers, all checks")
    with Sandbox() as sandbox:
        counter.count = 0
        secs, found, meta = _ours(sandbox.url, args.max_examples, args.workers)
        ours = _rate("contract run (with sequences)", secs, counter.count)
        print(f"    ({found} findings; client-side count {meta['requests']})")
    theirs = None
    if st is None:
        print("  schemathesis: not found. Install it in its own venv:\n"
              "    python3 -m venv /tmp/st-venv && /tmp/st-venv/bin/pip install schemathesis\n"
              "  then pass --st /tmp/st-venv/bin/st (or set CONTRACT_BENCH_ST).")
    else:
        version = subprocess.run([st, "--version"], capture_output=True, text=True).stdout.strip()
        with Sandbox() as sandbox:
            counter.count = 0
            secs, _ = _st(st, sandbox.url, args.max_examples, args.workers)
            theirs = _rate(f"{version} (process wall time)", secs, counter.count)
        print(f"  ratio contract/schemathesis: {ours / theirs:.2f}x" if theirs else "  ratio: n/a")

    print("\ntime to first finding (wall seconds, from the start of the run)")
    for fault, (ours_check, st_check) in FAULTS.items():
        with Sandbox(faults=[fault]) as sandbox:
            _, _, meta = _ours(sandbox.url, args.max_examples, args.workers, stateful=True)
            first = meta["first_finding_s"].get(ours_check)
            line = f"  {fault:<22} contract: {first:6.2f}s ({ours_check})" if first is not None \
                else f"  {fault:<22} contract: not found"
        if st is not None:
            with Sandbox(faults=[fault]) as sandbox:
                secs, code = _st(st, sandbox.url, args.max_examples, args.workers, max_failures=1, checks=st_check)
            line += f" | schemathesis: {secs:6.2f}s (--max-failures 1, exit {code})"
        print(line)
    print("\nnotes: contract's first-finding time is measured inside the process from Runner start"
          " (spec load excluded, case generation included); schemathesis's is its process wall time until it"
          " stops at the first failure (interpreter start-up and schema loading included).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
