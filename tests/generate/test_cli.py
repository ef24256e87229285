"""`contract cases`: JSON lines, byte-identical per seed, coverage table, one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from contract.cli import cli, main

from .conftest import SEED_SPEC

ARGS = ["cases", "--spec", str(SEED_SPEC), "--operation", "createProfile", "--count", "25"]


def _run(*extra: str) -> str:
    result = CliRunner().invoke(cli, [*ARGS, *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_same_seed_byte_identical_output() -> None:
    first = _run("--seed", "9", "--header", "Authorization: Api-Key test")
    second = _run("--seed", "9", "--header", "Authorization: Api-Key test")
    assert first == second
    assert first != _run("--seed", "10", "--header", "Authorization: Api-Key test")


def test_one_json_object_per_line() -> None:
    lines = _run("--mode", "all", "--header", "Authorization: Api-Key test").splitlines()
    objects = [json.loads(line) for line in lines]
    assert all(set(o) == {"operation", "method", "path", "headers", "query", "body", "mode", "label"}
               for o in objects)
    conforming = [o for o in objects if o["mode"] == "conforming"]
    violating = [o for o in objects if o["mode"] == "violating"]
    assert len(conforming) == 25 and len(violating) >= 25
    assert all(o["label"] is None for o in conforming)
    assert all({"pointer", "keyword", "value", "description", "source"} <= set(o["label"]) for o in violating)
    assert all(o["headers"]["Authorization"] == "Api-Key test" for o in conforming)
    assert objects[0]["method"] == "POST" and objects[0]["path"] == "/api/v2/server-side-api/profile/"


def test_mode_filters() -> None:
    modes = {json.loads(line)["mode"] for line in _run("--mode", "violating").splitlines()}
    assert modes == {"violating"}


def test_coverage_table_plain_text() -> None:
    text = _run("--coverage")
    assert "/custom_attributes/*/key" in text and "maxLength" in text and "prose" in text
    assert "constraints with a violating case" in text.splitlines()[0]


@pytest.mark.parametrize("argv, message", [
    (["--operation", "nope"], "no operation 'nope'"),
    (["--header", "no colon"], "expected 'Name: value'"),
    (["--count", "-1"], "--count must be >= 0"),
])
def test_bad_input_is_one_line_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["cases", "--spec", str(SEED_SPEC), *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
