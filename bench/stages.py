"""Where `contract lint` spends time and memory, stage by stage, on one spec.

    .venv/bin/python bench/stages.py SPEC [--tracemalloc] [--cprofile N] [--json]

Stages: parse (text → data), refs (`$ref` check), operations (the `Spec` with its
`Operation`s) — with the cyclic collector paused, as `load_spec` runs them — then the
structures built lazily and shared by the checks, each as its own stage (else its cost
lands on whichever check touches it first): the line index (with the member maps on the
way to the first operation), the schema walk four checks replay; then every lint check
on its own, then the report dict.

Per stage:
- CPU seconds of the process and of any child it waited for (the metaschema check runs in
  a forked child), and wall seconds;
- the cyclic collector's full passes are not any stage's own: `lint` pays the first after
  the load (every object of the spec is walked once; its trigger is a fixed count of
  allocations, not the spec's size, so it lands on a different check at each size) and
  later ones when the survivors grow by a quarter. Their time, measured by a `gc.callbacks`
  hook, is taken out of the stage they interrupted and shown as one row, `(collector:
  full passes)`; young-generation passes stay in the stage that allocated;
- memory, two readings: `+RSS MB`, the growth of the process's peak RSS over its RSS at
  the stage's start (VmHWM reset per stage through /proc/self/clear_refs, and memory freed
  by earlier stages handed back first with malloc_trim, so a stage cannot grow into it
  unseen); with --tracemalloc, `traced MB`, the stage's own peak of Python allocations
  above what was allocated when it started (exact, but slows everything ~2×: times from a
  traced run are not comparable).
With --cprofile N the N most expensive functions (cumulative) of the whole run follow.
Used by bench/scaling.py in a child process per size and run.
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import ctypes.util
import functools
import gc
import json
import os
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
from contract.lint import iter_schemas, lint_checks, run_check, schemas_walked_once  # noqa: E402
from contract.load import spec as spec_mod  # noqa: E402
from contract.load import swagger2  # noqa: E402
from contract.load.refs import RefResolver  # noqa: E402
from contract.load.source import parse_document  # noqa: E402
from contract.report import build_report  # noqa: E402

COLLECTOR = "(collector: full passes)"


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


def _libc_trim() -> Callable[[], object]:
    """glibc's malloc_trim(0): free heap pages back to the system (a no-op elsewhere)."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return functools.partial(trim, 0)


_trim = _libc_trim()


def _cpu() -> float:
    """CPU seconds of this process (high resolution) and of the children it waited for (clock ticks)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


class _FullPasses:
    """CPU seconds the cyclic collector spends in full (oldest-generation) passes, via gc.callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0
        self._start = 0.0
        gc.callbacks.append(self._hook)

    def _hook(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.process_time()
        else:
            self.seconds += time.process_time() - self._start
            self.count += 1


class Stages:
    """Runs named steps, recording CPU and wall seconds, RSS high-water growth and (optionally) traced peak."""

    def __init__(self, traced: bool) -> None:
        self.traced = traced
        self.rows: list[dict[str, Any]] = []
        self.passes = _FullPasses()
        self.collector = {"stage": COLLECTOR, "seconds": 0.0, "cpu": 0.0, "rss_mb": 0.0, "hwm_growth_mb": 0.0,
                          "passes": 0}

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        _trim()
        before = _rss_mb("VmRSS")
        _reset_hwm()
        if self.traced:
            tracemalloc.reset_peak()
            traced_before = tracemalloc.get_traced_memory()[0]
        passes, passes_count = self.passes.seconds, self.passes.count
        start, cpu = time.perf_counter(), _cpu()
        result = fn()
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        collected = self.passes.seconds - passes
        row = {"stage": name, "seconds": seconds - collected, "cpu": cpu - collected, "rss_mb": _rss_mb("VmRSS"),
               "hwm_growth_mb": max(0.0, _rss_mb("VmHWM") - before)}
        if self.traced:
            row["traced_peak_mb"] = (tracemalloc.get_traced_memory()[1] - traced_before) / 2**20
        self.rows.append(row)
        if collected:
            self.collector["seconds"] += collected
            self.collector["cpu"] += collected
            self.collector["passes"] += self.passes.count - passes_count
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
    # Built on the first finding placed (lazily, so a clean lint of a JSON spec never pays it).
    first = next((op.where.pointer for op in spec.operations if op.where and op.where.pointer), "/paths")
    stages.run("line index", lambda: spec.location(first))
    findings: list[Any] = []
    with schemas_walked_once(), gc_paused():  # as lint() runs them: the schema walk is shared by the checks
        stages.run("schema walk", lambda: iter_schemas(spec))
        for name, fn in lint_checks().items():
            findings.extend(stages.run(name.removeprefix("lint."), functools.partial(run_check, name, fn, spec)))
    stages.run("report", lambda: build_report(findings, command="lint", inputs={"spec": shown}))
    stages.rows.append(stages.collector)
    stages.rows.append({"stage": "total", "seconds": sum(r["seconds"] for r in stages.rows),
                        "cpu": sum(r["cpu"] for r in stages.rows),
                        "rss_mb": _rss_mb("VmRSS"), "hwm_growth_mb": _rss_mb("VmHWM"),
                        "operations": len(spec.operations), "findings": len(findings)})
    return stages.rows


def print_rows(rows: list[dict[str, Any]]) -> None:
    traced = any("traced_peak_mb" in r for r in rows)
    print(f"{'stage':28} {'seconds':>8} {'CPU s':>8} {'RSS MB':>8} {'+RSS MB':>9}"
          + (f" {'traced MB':>10}" if traced else ""))
    for r in rows:
        line = f"{r['stage']:28} {r['seconds']:>8.2f} {r['cpu']:>8.2f} {r['rss_mb']:>8.0f} {r['hwm_growth_mb']:>9.0f}"
        if traced and "traced_peak_mb" in r:
            line += f" {r['traced_peak_mb']:>10.1f}"
        print(line)
    total = rows[-1]
    print(f"({total.get('operations')} operations, {total.get('findings')} findings; "
          "+RSS of 'total' is the process's peak RSS, interpreter included)")


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
