"""`--operation` patterns (contract.core.selection), on corpus operations the project did not write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from contract.core.selection import select, selects, unmatched
from contract.load import load_spec
from contract.sandbox.generic import Emulator
from tests.conftest import CORPUS, needs_corpus

PETSTORE = CORPUS / "petstore-expanded-3.0.yaml"


@needs_corpus("petstore-expanded-3.0.yaml")
@pytest.mark.parametrize(("pattern", "keys"), [
    ("addPet", {"POST /pets"}),
    ("post /pets", {"POST /pets"}),  # the method in any case
    ("GET /pets/{id}", {"GET /pets/{id}"}),
    ("/pets/{id}", {"GET /pets/{id}", "DELETE /pets/{id}"}),  # a path: every method on it
    ("/pets*", {"GET /pets", "POST /pets", "GET /pets/{id}", "DELETE /pets/{id}"}),
    ("DELETE *", {"DELETE /pets/{id}"}),
    ("find*", {"GET /pets", "GET /pets/{id}"}),  # operationIds findPets, find pet by id
])
def test_a_pattern_names_operations_by_id_key_or_path(pattern: str, keys: set[str]) -> None:
    ops = load_spec(PETSTORE).operations
    assert {op.key for op in select(ops, [pattern])} == keys
    assert all(selects(op, pattern) for op in select(ops, [pattern]))


@needs_corpus("petstore-expanded-3.0.yaml")
def test_no_pattern_selects_everything_and_a_pattern_naming_nothing_is_said() -> None:
    ops = load_spec(PETSTORE).operations
    assert select(ops, []) == ops
    assert unmatched(ops, ["addPet", "updatePet", "PATCH *"]) == ["updatePet", "PATCH *"]


@needs_corpus("petstore-expanded-3.0.yaml")
def test_run_sends_only_the_selected_operations(tmp_path: Path) -> None:
    with Emulator(PETSTORE) as emulator:
        proc = subprocess.run([sys.executable, "-m", "contract", "run", "--spec", str(PETSTORE), "--base-url",
                               emulator.url, "--report-dir", str(tmp_path), "--progress", "off", "--max-examples",
                               "2", "--operation", "/pets/{id}", "--operation", "addPet"],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads((tmp_path / "report.json").read_text())
        assert set(report["coverage"]["operations"]) == {"POST /pets", "GET /pets/{id}", "DELETE /pets/{id}"}
        bad = subprocess.run([sys.executable, "-m", "contract", "run", "--spec", str(PETSTORE), "--base-url",
                              emulator.url, "--report-dir", str(tmp_path / "bad"), "--progress", "off",
                              "--operation", "updatePet"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    line, = bad.stderr.strip().splitlines()
    assert "updatePet" in line and "names no operation" in line and "petstore-expanded" in line
