"""Where `contract lint` spends time and memory, stage by stage, on one spec.

    .venv/bin/python bench/stages.py SPEC [--tracemalloc] [--cprofile N]

Stages: parse (text → data), refs (`$ref` check), operations (the `Spec` with its
`Operation`s) — with the cyclic collector paused, as `load_spec` runs them — then every
lint check on its own, then the report dict. Per stage:
wall seconds and the growth of peak RSS (VmHWM, reset per stage through
/proc/self/clear_refs where the kernel allows it); with --tracemalloc also the
stage's peak of Python allocations (slower: times are then inflated ~2x). With
--cprofile N the N most expensive functions (cumulative) of the whole run follow.
Used by bench/scaling.py in a child process per size.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import pstats
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.core.memory import gc_paused  # noqa: E402
from contract.lint import lint_checks, run_check, schemas_walked_once  # noqa: E402
from contract.load import spec as spec_mod  # noqa: E402
from contract.load import swagger2  # noqa: E402
from contract.load.refs import RefResolver  # noqa: E402
from contract.load.source import parse_document  # noqa: E402
from contract.report import build_report  # noqa: E402


def _rss_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_hwm() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


class Stages:
    """Runs named steps, recording seconds, RSS high-water growth and (optionally) traced peak."""

    def __init__(self, traced: bool) -> None:
        self.traced = traced
        self.rows: list[dict[str, Any]] = []

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        before = _rss_mb("VmRSS")
        _reset_hwm()
        if self.traced:
            tracemalloc.reset_peak()
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        seconds = time.perf_counter() - start
        row = {"stage": name, "seconds": seconds, "cpu": time.process_time() - cpu, "rss_mb": _rss_mb("VmRSS"),
               "hwm_growth_mb": max(0.0, _rss_mb("VmHWM") - before)}
        if self.traced:
            row["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        self.rows.append(row)
        return result


def profile(path: Path, traced: bool) -> list[dict[str, Any]]:
    if traced:
        tracemalloc.start()
    stages = Stages(traced)
    shown = str(path)
    with gc_paused():  # as `load_spec` runs these stages
        document = stages.run("parse", lambda: parse_document(path, shown))
        if swagger2.is_swagger2(document.data):
            document = stages.run("swagger2 → 3.0", lambda: swagger2.convert(document))
        resolver = RefResolver(document, path)
        stages.run("$ref check", resolver.check_all)
        version = str(document.data.get("openapi"))
        spec = stages.run("operations", lambda: spec_mod.Spec(shown, document, resolver, version))
        # The line index is built on the first finding placed (lazily, so a clean lint of a JSON spec never pays
        # it); measured here as its own stage, else its cost lands on whichever check reports first.
        stages.run("line index", lambda: document.line_of("/paths"))
    findings: list[Any] = []
    with schemas_walked_once():  # as lint() runs them: the schema walk is shared by the checks
        for name, fn in lint_checks().items():
            findings.extend(stages.run(name.removeprefix("lint."), functools.partial(run_check, name, fn, spec)))
    stages.run("report", lambda: build_report(findings, command="lint", inputs={"spec": shown}))
    stages.rows.append({"stage": "total", "seconds": sum(r["seconds"] for r in stages.rows),
                        "cpu": sum(r["cpu"] for r in stages.rows),
                        "rss_mb": _rss_mb("VmRSS"), "hwm_growth_mb": _rss_mb("VmHWM"),
                        "operations": len(spec.operations), "findings": len(findings)})
    return stages.rows


def print_rows(rows: list[dict[str, Any]]) -> None:
    traced = any("traced_peak_mb" in r for r in rows)
    print(f"{'stage':28} {'seconds':>8} {'CPU s':>8} {'RSS MB':>8} {'+peak MB':>9}"
          + (f" {'traced MB':>10}" if traced else ""))
    for r in rows:
        line = f"{r['stage']:28} {r['seconds']:>8.2f} {r['cpu']:>8.2f} {r['rss_mb']:>8.0f} {r['hwm_growth_mb']:>9.0f}"
        if traced and "traced_peak_mb" in r:
            line += f" {r['traced_peak_mb']:>10.0f}"
        print(line)
    total = rows[-1]
    print(f"({total.get('operations')} operations, {total.get('findings')} findings; "
          "total RSS column of 'total' is the process's peak)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec", type=Path)
    parser.add_argument("--tracemalloc", action="store_true", help="also each stage's traced allocation peak")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON (for bench/scaling.py)")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    rows = profile(args.spec, args.tracemalloc)
    if profiler:
        profiler.disable()
    if args.json:
        print(json.dumps(rows))
    else:
        print_rows(rows)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
