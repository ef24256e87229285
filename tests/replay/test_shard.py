"""--shard K/N: CI machines split a spec; the merged shard reports equal the unsharded run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from contract.replay.runner import shard_of
from contract.sandbox import DEFAULT_KEYS, Sandbox
from tests.conftest import SEED_SPEC

KEY = next(iter(DEFAULT_KEYS))


def _spec(tmp_path: Path) -> Path:
    """The seed's profile path (served by the sandbox) plus paths the sandbox does not know (404s)."""
    text = SEED_SPEC.read_text(encoding="utf-8")
    extra = ("  /owners:\n    get:\n      operationId: listOwners\n      responses:\n"
             "        '200': {description: ok, content: {application/json: {schema: {type: array}}}}\n"
             "  /stores:\n    get:\n      operationId: listStores\n      parameters:\n"
             "        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10}}\n"
             "      responses:\n        '200': {description: ok}\n")
    path = tmp_path / "api.yaml"
    path.write_text(text.replace("\ncomponents:\n", "\n" + extra + "components:\n", 1), encoding="utf-8")
    return path


def _run(spec: Path, url: str, out: Path, *extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "contract", "run", "--spec", str(spec), "--base-url", url, "--max-examples", "4",
         "--header", f"Authorization: Api-Key {KEY}", "--progress", "off", "--report-dir", str(out), *extra],
        capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _identity(report: dict) -> list[tuple[str, str, str]]:
    return sorted((f["fingerprint"], f["check"], f["operation"] or "") for f in report["findings"])


def test_two_shards_merged_equal_the_whole_run(tmp_path: Path):
    spec = _spec(tmp_path)
    assert {shard_of(p, 2) for p in ("/api/v2/server-side-api/profile/", "/owners", "/stores")} == {0, 1}
    with Sandbox() as box:
        whole = _run(spec, box.url, tmp_path / "whole")
        one = _run(spec, box.url, tmp_path / "s1", "--shard", "1/2")
        two = _run(spec, box.url, tmp_path / "s2", "--shard", "2/2")
    assert one["run"]["shard"] == "1/2" and two["run"]["shard"] == "2/2"
    ops_one, ops_two = set(one["run"]["operations"]), set(two["run"]["operations"])
    assert ops_one and ops_two and not ops_one & ops_two  # every operation in exactly one shard
    assert ops_one | ops_two == set(whole["run"]["operations"])  # live-discovered ones go with their path
    merged_dir = tmp_path / "merged"
    merge = subprocess.run([sys.executable, "-m", "contract", "report", "--merge", str(tmp_path / "s1/report.json"),
                            str(tmp_path / "s2/report.json"), "--report-dir", str(merged_dir)],
                           capture_output=True, text=True, timeout=120)
    assert merge.returncode == 0, merge.stderr
    merged = json.loads((merged_dir / "report.json").read_text(encoding="utf-8"))
    assert _identity(merged) == _identity(whole)
    assert merged["summary"]["by_check"] == whole["summary"]["by_check"]


def test_bad_shard_is_a_usage_error(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "contract", "run", "--spec", str(SEED_SPEC), "--base-url",
                             "http://127.0.0.1:9", "--shard", "3/2"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--shard '3/2'" in result.stderr and "Traceback" not in result.stderr
