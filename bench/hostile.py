"""Hostile-input bench: wall time and peak RSS of the CLI on every input of the hostile corpus.

    .venv/bin/python bench/hostile.py [--timeout S] [NAME ...]

Each input (tests/hardening/corpus.py) is written to a temporary folder and run
through `contract lint SPEC` or `contract drift --spec SEED --docs PAGE` in a
child process with a 1.5 GB address-space limit; the table shows exit code,
seconds, peak RSS and the error line (or the findings summary). A traceback,
a timeout or a crash is marked `!!` and makes the exit code 1.

Hostile *targets* (misbehaving servers, tests/hardening/targets.py: `HOSTILE_TARGETS`)
follow: `contract run` against each (`--targets-only [NAME ...]` runs just those).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hardening.corpus import HOSTILE, build_corpus  # noqa: E402
from tests.hardening.runner import TIMEOUT, Outcome, command_for, run_cli  # noqa: E402


def _summary(outcome: Outcome) -> str:
    lines = [ln for ln in outcome.stderr.strip().splitlines() if ln.strip()]
    if outcome.timed_out:
        return f"TIMEOUT after {outcome.seconds:.0f}s"
    text = lines[-1] if lines else ""
    return text.replace("contract: error: ", "error: ")


def _bad(outcome: Outcome) -> bool:
    output = outcome.stdout + outcome.stderr
    return outcome.timed_out or outcome.code not in (0, 1, 2) or "Traceback" in output or "MemoryError" in output


def inputs_section(names: list[str], timeout: float) -> bool:
    chosen = [h for h in HOSTILE if not names or h.name in names]
    worst_time, worst_rss, ok = 0.0, 0.0, True
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        paths = build_corpus(folder, [h.name for h in chosen])
        print(f"{'input':32} {'cmd':5} {'exit':>4} {'seconds':>8} {'RSS MB':>8}  outcome")
        for hostile in chosen:
            path = paths[hostile.name]
            outcome = run_cli(command_for(hostile, path, folder / "report"), timeout=timeout)
            summary = _summary(outcome).replace(str(path.parent) + "/", "")
            mark = "!!" if _bad(outcome) else "  "
            ok = ok and mark == "  "
            cmd = "lint" if hostile.kind == "spec" else "drift"
            print(f"{hostile.name:32} {cmd:5} {outcome.code:>4} {outcome.seconds:>8.2f} {outcome.peak_rss_mb:>8.0f}"
                  f"{mark}{summary[:110]}", flush=True)
            worst_time, worst_rss = max(worst_time, outcome.seconds), max(worst_rss, outcome.peak_rss_mb)
    print(f"\n{len(chosen)} inputs; max time {worst_time:.2f}s; max RSS {worst_rss:.0f} MB; "
          f"{'all bounded, no tracebacks' if ok else 'FAILURES marked !!'}")
    return ok


def targets_section(names: list[str] | None = None, timeout: float = 90.0) -> bool:
    """Misbehaving servers (tests/hardening/targets.py): `contract run` against each, through the CLI.

    Per target: exit code, wall time, peak RSS, findings and the transport error kinds of report.json.
    A traceback, a timeout, RSS over 300 MB or an exit code other than 1 (3 for nothing_listening) is `!!`.
    """
    from tests.hardening.targets import HOSTILE_TARGETS, run_target

    chosen = [n for n in HOSTILE_TARGETS if not names or n in names]
    ok = True
    print(f"\nhostile targets: contract run --max-examples 3 --timeout 2 --total-timeout 3 --no-stateful "
          f"--workers 16 ({len(chosen)} targets)")
    print(f"{'target':18} {'exit':>4} {'seconds':>8} {'RSS MB':>7} {'findings':>8}  transport errors")
    with tempfile.TemporaryDirectory(prefix="hostile-targets-") as tmp:
        for name in chosen:
            run = run_target(name, Path(tmp) / name, timeout=timeout)
            expected = 3 if name == "nothing_listening" else 1
            bad = (run.timed_out or run.code != expected or run.peak_rss_mb > 300
                   or "Traceback" in run.stdout + run.stderr)
            ok = ok and not bad
            kinds = ", ".join(f"{k}×{n}" for k, n in sorted((run.run.get("transport_errors") or {}).items()))
            if run.report is None:
                kinds = (run.stderr.strip().splitlines() or ["(no report)"])[-1][:80]
            print(f"{name:18} {run.code:>4} {run.seconds:>8.2f} {run.peak_rss_mb:>7.0f} {len(run.findings):>8}"
                  f"{'!!' if bad else '  '}{kinds or '-'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="only these inputs (default: all)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT * 4, help="seconds per input")
    parser.add_argument("--targets-only", action="store_true", help="only the hostile-targets section")
    args = parser.parse_args()
    ok = True if args.targets_only else inputs_section(args.names, args.timeout)
    ok = targets_section(args.names if args.targets_only else None) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
