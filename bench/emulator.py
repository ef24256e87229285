"""The emulator (`contract sandbox --spec`) under the live engine and, optionally, Schemathesis. One command.

    .venv/bin/python bench/emulator.py [--st PATH [--judge-only]] [--max-examples N] [--json OUT] SPEC...

For each spec: serve it on 127.0.0.1 (a free port), time the start, run `contract run` against it
and print the operations, the share that got a 2xx, and the error findings (check, operation,
message). With `--st PATH_TO_ST`, Schemathesis runs too, on a fresh emulator, with only the
response-schema, content-type and status-code checks: the independent judge of the emulator.
Schemathesis must live in its own virtualenv (see bench/hier_depth.py). Each Schemathesis failure is
listed; an "undocumented status" that is a client error on an operation documenting none is counted
apart, as the issue's own rule (400 for an invalid request when no error status is documented).
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
    generated = re.search(r"(\d+) generated", proc.stdout)
    failures = _failures(proc.stdout)
    real = [f for f in failures if not f["issue_rule"]]
    return {"exit": proc.returncode, "generated": int(generated.group(1)) if generated else 0,
            "failures": failures, "real": len(real), "issue_rule": len(failures) - len(real)}


_BLOCK = re.compile(r"^_{3,} (\w+ \S+) _{3,}$", re.M)
_FAILURE = re.compile(r"^- (ST\d+ [^\n]+)\n(?:\n\s+Received: (\d{3})\n\s+Documented: ([^\n]+))?", re.M)


def _failures(stdout: str) -> list[dict[str, Any]]:
    """Each failure Schemathesis printed: operation, check, status received and statuses documented.

    `issue_rule` marks an ST103 ("undocumented status") that is a client-error status on an
    operation documenting none at all (no 4xx, no `default`): issue #13 asks for exactly that
    answer ("400 when none is" for an invalid request; 401 when security fails; 404 for an
    item that does not exist), so the two acceptance lines conflict there; any other failure
    is the emulator's fault.
    """
    out: list[dict[str, Any]] = []
    section = stdout.split("FAILURES", 1)[-1].split("Stateful tests", 1)[0]
    starts = [(m.start(), m.group(1)) for m in _BLOCK.finditer(section)]
    for i, (start, operation) in enumerate(starts):
        block = section[start:starts[i + 1][0] if i + 1 < len(starts) else len(section)]
        for m in _FAILURE.finditer(block):
            received = m.group(2)
            documented = [d.strip() for d in (m.group(3) or "").split(",") if d.strip()]
            no_errors = not any(d[0] == "4" or d == "default" for d in documented)
            rule = (m.group(1).startswith("ST103") and received is not None and received[0] == "4"
                    and bool(documented) and no_errors)
            out.append({"operation": operation, "check": m.group(1).strip(), "received": received,
                        "documented": documented, "issue_rule": rule})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="+", type=Path)
    parser.add_argument("--st", help="path to Schemathesis's `st` (own virtualenv)")
    parser.add_argument("--max-examples", type=int)
    parser.add_argument("--judge-only", action="store_true", help="only Schemathesis (needs --st)")
    parser.add_argument("--json", type=Path, help="write the rows here too")
    args = parser.parse_args()
    rows = []
    for spec in args.specs:
        row = {"spec": spec.name} if args.judge_only else live(spec, args.max_examples)
        if args.st:
            row["schemathesis"] = judge(spec, args.st)
        rows.append(row)
        share = f"{row['reached']}/{row['operations']}" if "operations" in row else "crash"
        st_text = ""
        if args.st:
            judged = row["schemathesis"]
            st_text = (f"schemathesis: {judged['generated']} generated, {judged['real']} failure(s)"
                       f" + {judged['issue_rule']} ST103 by the issue's own rule")
        if args.judge_only:
            print(f"{row['spec']}: {st_text}", flush=True)
        else:
            print(f"{row['spec']}: start {row['start']}s, run {row.get('run', '-')}s, 2xx on {share}, "
                  f"{len(row.get('errors', []))} error finding(s)" + (f", {st_text}" if st_text else ""), flush=True)
        for f in row.get("schemathesis", {}).get("failures", []):
            print(f"    {f['check']} {f['operation']}: received {f['received']}, documented "
                  f"{', '.join(f['documented']) or '-'}{' (issue rule)' if f['issue_rule'] else ''}")
        for e in row.get("errors", []) + [{"check": "crash", "operation": "", "message": c}
                                          for c in row.get("crash", [])]:
            print(f"    {e['check']} {e['operation'] or ''}: {e['message']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
