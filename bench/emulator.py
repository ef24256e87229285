"""The emulator (`contract sandbox --spec`) under the live engine and, optionally, Schemathesis. One command.

    .venv/bin/python bench/emulator.py [--st PATH] [--max-examples N] [--json OUT] SPEC...

For each spec: serve it on 127.0.0.1 (a free port), time the start, run `contract run` against it
and print the operations, the share that got a 2xx, and the error findings (check, operation,
message). With `--st PATH_TO_ST`, Schemathesis runs too, on a fresh emulator, with only the
response-schema, content-type and status-code checks: the independent judge of the emulator.
Schemathesis must live in its own virtualenv (see bench/hier_depth.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.sandbox.generic import Emulator  # noqa: E402

CONTRACT = Path(sys.executable).with_name("contract")
JUDGE_CHECKS = "response_schema_conformance,content_type_conformance,status_code_conformance"


def _headers(emulator: Emulator, flag: str) -> list[str]:
    out: list[str] = []
    for name, value in emulator.headers().items():
        out += [flag, f"{name}: {value}"]
    return out


def live(spec: Path, max_examples: int | None) -> dict[str, Any]:
    started = time.monotonic()
    with Emulator(spec) as emulator, tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic() - started
        extra = ["--max-examples", str(max_examples)] if max_examples else []
        t = time.monotonic()
        proc = subprocess.run([str(CONTRACT), "run", "--spec", str(spec), "--base-url", emulator.url,
                               "--report-dir", tmp, "--progress", "off", *_headers(emulator, "--header"), *extra],
                              capture_output=True, text=True, cwd=tmp)
        seconds = time.monotonic() - t
        path = Path(tmp) / "report.json"
        if not path.exists():
            return {"spec": spec.name, "start": round(start, 2), "crash": proc.stderr.strip().splitlines()[-1:]}
        report = json.loads(path.read_text())
    ops = report["coverage"]["operations"]
    errors = [{"check": f["check"], "operation": f.get("operation"), "message": f["message"][:300]}
              for f in report["findings"] if f["severity"] == "error"]
    return {"spec": spec.name, "start": round(start, 2), "run": round(seconds, 1), "operations": len(ops),
            "reached": sum(1 for v in ops.values() if v.get("reached")), "errors": errors}


def judge(spec: Path, st: str) -> dict[str, Any]:
    st = str(Path(st).resolve()) if Path(st).exists() else st  # it runs in a temporary directory
    with Emulator(spec) as emulator, tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([st, "run", str(spec), "--url", emulator.url, "-c", JUDGE_CHECKS,
                               *_headers(emulator, "-H")], capture_output=True, text=True, cwd=tmp)
    failures = re.findall(r"❌ (ST\d+ [^:]+): (\d+)", proc.stdout)
    generated = re.search(r"(\d+) generated", proc.stdout)
    return {"exit": proc.returncode, "generated": int(generated.group(1)) if generated else 0,
            "failures": {name: int(n) for name, n in failures}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="+", type=Path)
    parser.add_argument("--st", help="path to Schemathesis's `st` (own virtualenv)")
    parser.add_argument("--max-examples", type=int)
    parser.add_argument("--json", type=Path, help="write the rows here too")
    args = parser.parse_args()
    rows = []
    for spec in args.specs:
        row = live(spec, args.max_examples)
        if args.st:
            row["schemathesis"] = judge(spec, args.st)
        rows.append(row)
        share = f"{row['reached']}/{row['operations']}" if "operations" in row else "crash"
        print(f"{row['spec']}: start {row['start']}s, run {row.get('run', '-')}s, 2xx on {share}, "
              f"{len(row.get('errors', []))} error finding(s)"
              + (f", schemathesis {row['schemathesis']['failures'] or 'clean'}" if args.st else ""), flush=True)
        for e in row.get("errors", []) + [{"check": "crash", "operation": "", "message": c}
                                          for c in row.get("crash", [])]:
            print(f"    {e['check']} {e['operation'] or ''}: {e['message']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
