"""How long does offline drift take over a real documentation set? One command, timed in one run.

    .venv/bin/python bench/docs_drift.py [--set discord|listmonk|all] [--docs DIR --spec FILE] [--repeat 3] [--budget 5]

`--set listmonk` times listmonk's 8 vendored pages and its spec (`tests/docs/vendor/listmonk/`). The default,
`--set discord`, is Discord's 17 reference pages and its 242-operation spec from the shared corpus
(`../shared/corpus/docs/discord/`, `../shared/corpus/discord-3.1.json`), falling back to the
three pages vendored under `tests/docs/vendor/discord/`. Prints, best of `--repeat` runs:

- the baseline measured in the same run: reading the pages only (readers + conventions, no spec);
- loading the spec;
- `compare` alone (spec ↔ docs drift on the already read inputs);
- all of `contract drift` in-process (read + load + page anomalies + drift + report dict);
- `contract drift` as a subprocess (interpreter start-up and report files included),

and exits 1 when the in-process total exceeds `--budget` seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.compare import compare  # noqa: E402
from contract.docs import read_docs  # noqa: E402
from contract.load import load_spec  # noqa: E402
from contract.pipeline import offline  # noqa: E402
from contract.report import build_report  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
VENDOR = ROOT / "tests" / "docs" / "vendor" / "discord"
LISTMONK = ROOT / "tests" / "docs" / "vendor" / "listmonk"
# One line per documentation set: name → (pages directory, spec); `--set all` times each in turn.
SETS = {
    "discord": (CORPUS / "docs" / "discord", CORPUS / "discord-3.1.json") if (CORPUS / "docs" / "discord").is_dir()
    else (VENDOR, VENDOR / "spec.json"),
    "listmonk": (LISTMONK, LISTMONK / "spec.yaml"),
}


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="discord", help="a documentation set of SETS")
    parser.add_argument("--docs", type=Path, help="a directory of pages (instead of --set)")
    parser.add_argument("--spec", type=Path, help="the spec of --docs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=5.0)
    args = parser.parse_args()
    if args.docs is not None or args.spec is not None:
        if args.docs is None or args.spec is None:
            print("--docs and --spec go together", file=sys.stderr)
            return 2
        return run(args.docs, args.spec, args.repeat, args.budget)
    names = list(SETS) if args.set == "all" else [args.set]
    return max(run(*SETS[name], args.repeat, args.budget) for name in names)


def run(docs: Path, spec_file: Path, repeat: int, budget: float) -> int:
    """Time one documentation set; 1 when the in-process total exceeds `budget` seconds."""
    args = argparse.Namespace(docs=docs, spec=spec_file, repeat=repeat, budget=budget)
    pages_paths = sorted(str(p) for p in args.docs.iterdir() if p.suffix in (".md", ".mdx") and not p.name.startswith("SOURCES"))
    if not pages_paths:
        print(f"no pages under {args.docs}", file=sys.stderr)
        return 2

    t_read, pages = best(args.repeat, lambda: [read_docs(p) for p in pages_paths])
    t_spec, spec = best(args.repeat, lambda: load_spec(str(args.spec)))
    t_compare, drift = best(args.repeat, lambda: compare(spec, pages))

    def whole() -> dict[str, Any]:
        s = load_spec(str(args.spec))
        ps = [read_docs(p) for p in pages_paths]
        found = offline(s, ps, lint_spec=False)
        return build_report(found, command="drift", inputs={"spec": str(args.spec), "docs": pages_paths})

    t_total, report = best(args.repeat, whole)
    with tempfile.TemporaryDirectory() as out:
        cli = [str(Path(sys.executable).with_name("contract")), "drift", "--spec", str(args.spec),
               *[x for p in pages_paths for x in ("--docs", p)], "--report-dir", out, "--fail-on", "error"]
        start = time.perf_counter()
        subprocess.run(cli, capture_output=True, check=False)
        t_cli = time.perf_counter() - start

    operations = len(spec.operations)
    routes = sum(len(p.endpoints) for p in pages)
    print(f"docs drift: {len(pages_paths)} pages ({routes} endpoints) vs {args.spec.name} ({operations} operations), "
          f"best of {args.repeat}")
    print(f"  baseline: read the pages only      {t_read:6.2f} s")
    print(f"  load the spec                      {t_spec:6.2f} s")
    print(f"  compare (drift on read inputs)     {t_compare:6.2f} s  ({len(drift)} drift findings)")
    print(f"  contract drift, in-process         {t_total:6.2f} s  ({len(report['findings'])} findings)")
    print(f"  contract drift, subprocess         {t_cli:6.2f} s  (start-up and report files included)")
    ok = t_total <= args.budget
    print(f"  budget {args.budget:.1f} s: {'ok' if ok else 'EXCEEDED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
