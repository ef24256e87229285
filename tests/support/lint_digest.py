"""`contract lint` on the shared corpus, as a reviewable digest, and the recorded expectation of it.

The digest of one spec's lint: the exit code, the count per (check, severity), and a SHA-256 over the
sorted (check, severity, pointer) triples — messages left out, so rewording a message is no change;
a finding added, lost or moved is. The expectation lives in `corpus_lint_digest.json` beside this
file. Regenerate it deliberately, only when a change of findings is intended, and review the diff
(counts per check are there to be read):

    .venv/bin/python -m tests.support.lint_digest --write          # every corpus spec
    .venv/bin/python -m tests.support.lint_digest --write NAME...  # only these
    .venv/bin/python -m tests.support.lint_digest --show NAME      # the triples behind one digest

Each lint runs as its own `contract lint --no-cache` process, as a user runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

EXPECTED = Path(__file__).with_name("corpus_lint_digest.json")
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def run_lint(spec: Path, report_dir: Path, *extra: str, env: dict[str, str] | None = None,
             timeout: float = 600) -> int:
    """`contract lint SPEC` in a fresh interpreter (its own hash seed unless `env` sets one); the exit code."""
    command = [sys.executable, "-c", "from contract.cli import main; main()", "lint", str(spec),
               "--report-dir", str(report_dir), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)
    if done.returncode not in (0, 1):
        raise AssertionError(f"contract lint {spec.name} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.returncode


def triples(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(check, severity, pointer) of every finding, sorted."""
    return sorted((f["check"], f["severity"], (f.get("spec") or {}).get("pointer") or "")
                  for f in report["findings"])


def digest(code: int, report: dict[str, Any]) -> dict[str, Any]:
    found = triples(report)
    counts = Counter(f"{check} {severity}" for check, severity, _ in found)
    return {"exit": code, "findings": len(found), "counts": dict(sorted(counts.items())),
            "sha256": hashlib.sha256(json.dumps(found).encode()).hexdigest()}


def lint_digest(spec: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        code = run_lint(spec, Path(out), "--no-cache")
        return digest(code, json.loads((Path(out) / "report.json").read_text()))


def _specs(names: list[str]) -> list[Path]:
    if names:
        return [CORPUS / n for n in names]
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="record the digests of NAMES (default: all)")
    parser.add_argument("--show", action="store_true", help="print the triples of NAMES")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    if args.show:
        for spec in _specs(args.names):
            with tempfile.TemporaryDirectory() as out:
                run_lint(spec, Path(out), "--no-cache")
                for triple in triples(json.loads((Path(out) / "report.json").read_text())):
                    print(spec.name, *triple, sep="\t")
        return
    recorded = json.loads(EXPECTED.read_text()) if EXPECTED.is_file() else {}
    for spec in _specs(args.names):
        recorded[spec.name] = lint_digest(spec)
        print(spec.name, recorded[spec.name]["findings"], recorded[spec.name]["sha256"][:12], flush=True)
    if args.write:
        EXPECTED.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n")


if __name__ == "__main__":
    main()
