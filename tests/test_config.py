"""Options from contract.toml / [tool.contract]; the command line wins."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED_SPEC


def _lint(cwd: Path, *args: str, spec: str = str(SEED_SPEC)) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contract", "lint", spec, *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


WARNINGS_ONLY = (
    "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n"
    "        - {name: q, in: query, schema: {type: string, nullable: true}}\n      responses:\n"
    "        '200': {description: ok, content: {application/json: {schema: {type: object}}}}\n"
    "        '400': {description: bad, content: {application/json: {schema: {type: object}}}}\n")


def test_pyproject_table_sets_defaults_and_cli_wins(tmp_path: Path):
    (tmp_path / "api.yaml").write_text(WARNINGS_ONLY)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.contract]\nreport-dir = "out"\n\n[tool.contract.lint]\n'
        'fail-on = "warning"\nnullable = "strict"\n')
    first = _lint(tmp_path, spec="api.yaml")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["inputs"]["nullable"] == "strict"
    assert first.returncode == 1  # the nullable-in-3.1 warning fails at --fail-on warning (from the config)
    second = _lint(tmp_path, "--fail-on", "error", "--report-dir", "cli", spec="api.yaml")
    assert second.returncode == 0, second.stdout
    assert (tmp_path / "cli" / "report.json").is_file()


def test_contract_toml_with_unknown_option_is_a_clear_error(tmp_path: Path):
    (tmp_path / "contract.toml").write_text('[lint]\nworkers = 3\n')
    result = _lint(tmp_path)
    assert result.returncode == 2
    assert "config [lint]: unknown option 'workers'" in result.stderr and "Traceback" not in result.stderr


def test_invalid_toml_is_a_one_line_error(tmp_path: Path):
    (tmp_path / "contract.toml").write_text("fail-on = \n")
    result = _lint(tmp_path)
    assert result.returncode == 2 and "contract.toml" in result.stderr and "invalid TOML" in result.stderr
