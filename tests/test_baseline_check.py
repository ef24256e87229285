"""Baseline through `contract check`: a re-run passes; a newly broken target fails on exactly what broke."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from contract.sandbox import DEFAULT_KEYS, Sandbox

KEY_A, KEY_B = list(DEFAULT_KEYS)[:2]


def _check(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contract", "check", "--base-url", url, "--max-examples", "5", "--progress", "off",
         "--header", f"Authorization: Api-Key {KEY_A}", "--alt-header", f"Authorization: Api-Key {KEY_B}",
         "--report-dir", str(out), *extra], capture_output=True, text=True, timeout=300)


def test_baseline_passes_a_rerun_and_names_only_the_new_finding(tmp_path: Path):
    with Sandbox() as box:
        first = _check(box.url, tmp_path / "first")
    assert first.returncode == 1  # the seeds really disagree
    made = subprocess.run([sys.executable, "-m", "contract", "baseline", "--from", str(tmp_path / "first/report.json"),
                           "--output", str(tmp_path / "baseline.json")], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr

    with Sandbox() as box:  # a fresh target: new ids, new timestamps, same behaviour
        again = _check(box.url, tmp_path / "again", "--baseline", str(tmp_path / "baseline.json"))
    assert again.returncode == 0, again.stderr
    report = json.loads((tmp_path / "again/report.json").read_text())
    assert report["baseline"]["new"] == 0 and report["fixed"] == []

    with Sandbox(faults={"drop-field"}) as box:
        broken = _check(box.url, tmp_path / "broken", "--baseline", str(tmp_path / "baseline.json"))
    assert broken.returncode == 1
    report = json.loads((tmp_path / "broken/report.json").read_text())
    new = [f for f in report["findings"] if f["baseline"] == "new"]
    assert new and {f["check"] for f in new} == {"live.response_schema"}
    assert all("segment_hash" in f["message"] for f in new)
    assert "new" in broken.stderr and f"{len(new)} new" in broken.stderr
