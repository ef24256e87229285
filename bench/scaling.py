"""Scaling bench: `contract lint`'s stages on 1k, 10k and 100k synthetic operations, with the growth ratios.

    .venv/bin/python bench/scaling.py [--sizes 1000,10000,100000] [--minified]

Each size is a pretty-printed JSON spec (or one line with --minified) of path items with
a path parameter, a query parameter, a JSON request body on writes and a JSON response
with a `$ref`'d schema; each runs through bench/stages.py in a fresh child process.
Per stage: seconds and the growth of peak RSS; then the ratio of each size to the
previous one. Linear cost shows as ratios near the size ratio (10×); the issue asks for
100k/10k within 12× for time and memory. Times are CPU seconds of the child (wall seconds on a
shared machine measure the neighbours too): compare ratios within one run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


def synthetic_spec(n: int) -> dict[str, Any]:
    """`n` operations over n/4 path items; a shared component schema referenced from every operation."""
    paths: dict[str, Any] = {}
    for i in range(n):
        method = ("get", "put", "post", "delete")[i % 4]
        item = paths.setdefault(f"/r{i // 4}/{{id}}", {})
        op: dict[str, Any] = {
            "operationId": f"op{i}",
            "summary": f"operation {i}",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}},
        }
        if method in ("put", "post"):
            op["requestBody"] = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
        item[method] = op
    thing = {"type": "object", "required": ["id"],
             "properties": {"id": {"type": "string"}, "name": {"type": "string", "maxLength": 80}}}
    return {"openapi": "3.0.3", "info": {"title": "scaling", "version": "1"}, "paths": paths,
            "components": {"schemas": {"Thing": thing}}}


def _measure(spec: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, str(ROOT / "stages.py"), str(spec), "--json"], capture_output=True,
                         text=True, check=True)
    rows: list[dict[str, Any]] = json.loads(out.stdout.strip().splitlines()[-1])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--minified", action="store_true", help="one-line JSON instead of pretty-printed")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="scaling-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"ops{n}.json"
            path.write_text(json.dumps(synthetic_spec(n), indent=None if args.minified else 1))
            results[n] = {row["stage"]: row for row in _measure(path)}
            path.unlink()
    stages = [s for s in results[sizes[0]] if any(results[n][s]["cpu"] >= 0.01 for n in sizes) or s == "total"]
    head = f"{'stage':26}" + "".join(f" {f'{n // 1000}k s':>8} {f'{n // 1000}k MB':>8}" for n in sizes)
    head += "".join(f" {f'{b // 1000}k/{a // 1000}k t':>11} {'mem':>5}" for a, b in itertools.pairwise(sizes))
    print(head)
    for stage in stages:
        line = f"{stage:26}"
        for n in sizes:
            row = results[n][stage]
            line += f" {row['cpu']:>8.2f} {row['hwm_growth_mb']:>8.0f}"
        for a, b in itertools.pairwise(sizes):
            ta, tb = results[a][stage]["cpu"], results[b][stage]["cpu"]
            ma, mb = results[a][stage]["hwm_growth_mb"], results[b][stage]["hwm_growth_mb"]
            line += f" {tb / ta if ta >= 0.005 else float('nan'):>10.1f}× {mb / ma if ma >= 1 else float('nan'):>4.1f}×"
        print(line)
    print("(MB: growth of peak RSS in the stage; for 'total', the process's peak RSS, interpreter included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
