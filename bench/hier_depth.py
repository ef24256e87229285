"""How deep does a live run get into a hierarchical API? One command, counted at the server.

    .venv/bin/python bench/hier_depth.py [--st PATH] [--faults a,b] [--seed 1] [--max-examples 20]
                                         [--max-time S] [--json OUT] [--verbose]

Serves the test target `tests/targets/hier` (collections → segments → records; a record's
vector length must match its collection's dimension), runs `contract run` against it — and
Schemathesis too when `--st PATH_TO_ST` is given, each tool on a fresh server — and prints,
from the server's own request counter: the operations that got at least one 2xx answer (out of
all, and per level), all requests, requests per reached operation, and the findings by check.

Schemathesis must live in its own virtualenv (it would upgrade this project's hypothesis):
`python3 -m venv /tmp/st && /tmp/st/bin/pip install schemathesis==4.32.5`, then `--st /tmp/st/bin/st`.
"""

from __future__ import annotations

import argparse
import glob
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.load import load_spec  # noqa: E402
from tests.targets.hier import DEFAULT_KEY, FAULTS, SPEC, reached, serve, stats  # noqa: E402

CONTRACT = Path(sys.executable).with_name("contract")
LEVELS = ("meta", "collections", "segments", "records")


def level(path: str) -> str:
    """The level of an operation: records under segments under collections (else meta)."""
    for name in reversed(LEVELS[1:]):
        if f"/{name}" in path:
            return name
    return "meta"


@dataclass(slots=True)
class Result:
    tool: str
    seconds: float
    exit_code: int
    operations: int
    reached: dict[str, int]  # "METHOD /template" → 2xx answers
    requests: int  # all requests the server answered
    by_operation: dict[str, dict[str, int]]  # "METHOD /template" → status → count
    findings: dict[str, int] = field(default_factory=dict)  # "check severity" → count
    samples: list[str] = field(default_factory=list)  # a few finding messages


def _by_operation(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(f"{r['method']} {r['path']}", {})[str(r["status"])] = int(r["count"])
    return out


def run_contract(faults: list[str], args: argparse.Namespace, ops: list[str], out: Path) -> Result:
    report = out / "contract"
    cmd = [str(CONTRACT), "run", "--spec", str(SPEC), "--header", f"X-Api-Key: {DEFAULT_KEY}",
           "--report-dir", str(report), "--seed", str(args.seed), "--max-examples", str(args.max_examples),
           "--progress", "off"]
    if args.max_time:
        cmd += ["--max-time", str(args.max_time)]
    with serve(faults=faults) as base_url:
        started = time.monotonic()
        proc = subprocess.run([*cmd, "--base-url", base_url], capture_output=True, text=True, cwd=ROOT)
        seconds = time.monotonic() - started
        rows = stats(base_url)
    findings: Counter[str] = Counter()
    samples: list[str] = []
    try:
        data = json.loads((report / "report.json").read_text())
    except (OSError, ValueError):
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        data = {"findings": []}
    for f in data["findings"]:
        findings[f"{f['check']} {f['severity']}"] += 1
        if len(samples) < 12:
            samples.append(f"{f['check']}: {f['message'][:160]}")
    return Result("contract", round(seconds, 1), proc.returncode, len(ops), reached(rows),
                  sum(int(r["count"]) for r in rows), _by_operation(rows), dict(findings), samples)


def run_schemathesis(st: str, faults: list[str], args: argparse.Namespace, ops: list[str], out: Path) -> Result:
    report = out / "schemathesis"
    cmd = [st, "run", str(SPEC), "-H", f"X-Api-Key: {DEFAULT_KEY}", "--seed", str(args.seed),
           "--max-examples", str(args.max_examples), "--report", "json", "--report-dir", str(report)]
    if args.max_time:
        cmd += ["--max-time", str(int(max(1, args.max_time)))]
    with serve(faults=faults) as base_url:
        started = time.monotonic()
        # cwd: its .schemathesis/ folder goes to the temporary directory, not the repository
        proc = subprocess.run([*cmd, "--url", base_url], capture_output=True, text=True, cwd=out)
        seconds = time.monotonic() - started
        rows = stats(base_url)
    findings: Counter[str] = Counter()
    samples: list[str] = []
    files = sorted(glob.glob(str(report / "json-*.json")))
    if files:
        data = json.loads(Path(files[-1]).read_text())
        for f in data.get("failures", []):
            findings[f"{f['code']} {f['title']}"] += int(f.get("count", 1))
            samples.append(f"{f['code']}: {', '.join(f.get('operations', [])[:3])}")
    else:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
    return Result("schemathesis", round(seconds, 1), proc.returncode, len(ops), reached(rows),
                  sum(int(r["count"]) for r in rows), _by_operation(rows), dict(findings), samples)


def _print(results: list[Result], ops: list[str], verbose: bool) -> None:
    per_level = Counter(level(op.split(" ", 1)[1]) for op in ops)
    head = f"{'tool':<13} {'2xx ops':>8} " + " ".join(f"{lv:>11}" for lv in LEVELS) + \
        f" {'requests':>9} {'req/op':>7} {'time s':>7}"
    print(head)
    for r in results:
        got = Counter(level(op.split(" ", 1)[1]) for op in r.reached)
        cells = " ".join(f"{f'{got[lv]}/{per_level[lv]}':>11}" for lv in LEVELS)
        per_op = r.requests / len(r.reached) if r.reached else float("inf")
        print(f"{r.tool:<13} {f'{len(r.reached)}/{len(ops)}':>8} {cells} {r.requests:>9} {per_op:>7.1f} "
              f"{r.seconds:>7.1f}")
    for r in results:
        print(f"\n{r.tool}: findings by check")
        for name, n in sorted(r.findings.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:>4}  {name}")
        unreached = [op for op in ops if op not in r.reached]
        print(f"{r.tool}: never answered 2xx ({len(unreached)}): " + ("; ".join(unreached) or "-"))
        if verbose:
            for op in ops:
                print(f"    {op}: {json.dumps(r.by_operation.get(op, {}), sort_keys=True)}")
            for s in r.samples:
                print(f"    · {s}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--st", help="path of Schemathesis' `st` (its own virtualenv); omitted: contract only")
    parser.add_argument("--faults", default="", help=f"comma-separated, of: {', '.join(FAULTS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--max-time", type=float, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--verbose", action="store_true", help="status counts per operation, sample findings")
    args = parser.parse_args(argv)
    faults = [f for f in args.faults.split(",") if f]
    ops = [op.key for op in load_spec(SPEC).operations]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="hier-depth-") as tmp:
        results.append(run_contract(faults, args, ops, Path(tmp)))
        if args.st:
            results.append(run_schemathesis(args.st, faults, args, ops, Path(tmp)))
    print(f"hierarchical target, {len(ops)} operations; faults: {', '.join(faults) or 'none'}; "
          f"seed {args.seed}, max-examples {args.max_examples}\n")
    _print(results, ops, args.verbose)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
