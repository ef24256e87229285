"""Warm-start bench: per corpus spec, cold and warm load + lint beside Schemathesis's load, in one run.

    .venv/bin/python bench/warm.py [--corpus DIR] [--cpu] [NAME ...]

Per spec, three fresh child processes, one after the other (imports and first-use costs are not timed:
each child imports, loads a tiny spec, then starts the clock):
  st    — `schemathesis.openapi.from_path(spec)` and its operations listed (`get_all_operations()`);
          Schemathesis is in the `bench` extra (`pip install -e '.[bench]'`); without it the column is empty;
  cold  — `load_spec` (an empty cache folder, so this includes writing the entry) then `lint(reuse=True)`,
          as `contract lint` runs them;
  warm  — the same again in a new process, from the entries the cold run left.
Columns: seconds of each, and the ratios st/ours (above 1.0: ours is faster) for the load alone and
for load + lint. The last column says whether warm findings are exactly the cold ones. Times are wall
seconds on a shared 2-core machine: compare within one run. With --cpu every column is the child's CPU
seconds instead (`time.process_time`, threads included): on a loaded machine a millisecond-long load's
wall time is mostly whether the child was scheduled out meanwhile, its CPU time is not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
_TINY = ROOT / "tests" / "load" / "features-2.0.yaml"  # a small spec of the repository, for the first-use costs

_OURS = """
import json, os, sys, time
from contract.lint import lint
from contract.load import load_spec
clock = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
load_spec(sys.argv[2], cache=False)  # first-use costs are not the load's
start = clock()
spec = load_spec(sys.argv[1])
loaded = clock()
findings = lint(spec, reuse=True)
done = clock()
print(json.dumps({"load": loaded - start, "lint": done - loaded, "operations": len(spec.operations),
                  "findings": [f.to_dict() for f in findings]}))
"""

_SCHEMATHESIS = """
import json, os, sys, time
import schemathesis
clock = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
tiny = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}
sum(1 for _ in schemathesis.openapi.from_dict(tiny).get_all_operations())  # first-use costs are not the load's
start = clock()
schema = schemathesis.openapi.from_path(sys.argv[1])
operations = sum(1 for _ in schema.get_all_operations())
print(json.dumps({"load": clock() - start, "operations": operations}))
"""


def _child(code: str, spec: Path, env: dict[str, str] | None = None) -> dict[str, Any] | None:
    import os

    out = subprocess.run([sys.executable, "-c", code, str(spec), str(_TINY)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, **(env or {})}, timeout=600)
    if out.returncode != 0:
        print(f"  {spec.name}: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}",
              file=sys.stderr)
        return None
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return row


def _have_schemathesis() -> bool:
    return subprocess.run([sys.executable, "-c", "import schemathesis"], capture_output=True).returncode == 0


def _ratio(theirs: float | None, ours: float) -> str:
    return f"{theirs / ours:>6.1f}×" if theirs is not None and ours > 0 else f"{'-':>7}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="only these corpus files (default: every .yaml/.json)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--cpu", action="store_true", help="CPU seconds of each child instead of wall seconds")
    args = parser.parse_args()
    specs = sorted(p for p in args.corpus.iterdir() if p.suffix in (".yaml", ".json")
                   and (not args.names or p.name in args.names))
    st = _have_schemathesis()
    if not st:
        print("schemathesis is not installed (pip install -e '.[bench]'): its column is empty", file=sys.stderr)
    print(f"{'spec':30} {'ops':>5} {'st load':>8} | {'cold ld':>8} {'+lint':>7} | {'warm ld':>8} {'+lint':>7} | "
          f"{'load: cold':>10} {'warm':>7} | {'ld+lint: cold':>13} {'warm':>7} | same")
    worst_cold, ok = float("inf"), True
    with tempfile.TemporaryDirectory(prefix="warm-bench-") as tmp:
        for spec in specs:
            clock = {"BENCH_CLOCK": "cpu" if args.cpu else "wall"}
            env = {"CONTRACT_CACHE_DIR": str(Path(tmp) / spec.name), "CONTRACT_CACHE": "1", **clock}
            theirs = _child(_SCHEMATHESIS, spec, clock) if st else None
            cold = _child(_OURS, spec, env)
            warm = _child(_OURS, spec, env)
            if cold is None or warm is None:
                ok = False
                continue
            st_load = theirs["load"] if theirs else None
            same = cold["findings"] == warm["findings"]
            ok = ok and same
            if st_load is not None:
                worst_cold = min(worst_cold, st_load / cold["load"])
            print(f"{spec.name:30} {cold['operations']:>5} {st_load if st_load is not None else float('nan'):>8.3f} | "
                  f"{cold['load']:>8.3f} {cold['lint']:>7.3f} | {warm['load']:>8.3f} {warm['lint']:>7.3f} | "
                  f"{_ratio(st_load, cold['load']):>10} {_ratio(st_load, warm['load'])} | "
                  f"{_ratio(st_load, cold['load'] + cold['lint']):>13} {_ratio(st_load, warm['load'] + warm['lint'])} | "
                  f"{'yes' if same else 'NO'}", flush=True)
    print(f"({'CPU' if args.cpu else 'wall'} seconds in-process, imports excluded; ratios are Schemathesis's load time over ours: above 1.0× ours "
          "is faster; cold includes writing the cache entry)")
    if worst_cold != float("inf"):
        print(f"lowest cold load ratio: {worst_cold:.2f}×")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
