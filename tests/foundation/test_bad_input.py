"""Unusable input: one line naming the file and the problem, exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_VALID_HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"

CASES: dict[str, tuple[bytes | None, str]] = {
    "missing.yaml": (None, "file not found"),
    "empty.yaml": (b"", "file is empty"),
    "blank.yaml": (b"   \n\n", "file is empty"),
    "binary.yaml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "latin1.yaml": ("openapi: 3.0.3\ninfo: {title: caf\xe9}\n".encode("latin-1"), "not valid UTF-8"),
    "invalid.yaml": (b"openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\npaths: {}\n", "invalid YAML"),
    "invalid.json": (b'{"openapi": "3.0.3",\n  "info": }', "invalid JSON"),
    "badref.yaml": ((_VALID_HEAD + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n"
                     "          $ref: '#/components/responses/Nope'\n").encode(), "unresolvable $ref"),
    "badfileref.yaml": ((_VALID_HEAD + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n"
                         "          $ref: 'other.yaml#/R'\n").encode(), "file other.yaml not found"),
    "remoteref.yaml": ((_VALID_HEAD + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n"
                        "          $ref: 'https://example.com/r.yaml#/R'\n").encode(), "remote $ref"),
    "version.yaml": (b"openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "unsupported openapi version"),
    "noversion.yaml": (b"info: {title: t, version: '1'}\npaths: {}\n", "no `openapi` version field"),
    "swagger.yaml": (b"swagger: '1.2'\ninfo: {title: t, version: '1'}\npaths: {}\n", "Swagger 1.2 is not supported"),
    "swagger2-empty.yaml": (b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "no operations"),
    "nopaths.yaml": (_VALID_HEAD.encode(), "spec has no `paths`"),
    "emptypaths.yaml": ((_VALID_HEAD + "paths: {}\n").encode(), "no operations"),
    "list.yaml": (b"- a\n- b\n", "not a mapping"),
    "nofence.md": (b"# Title\n\nSome text, no spec.\n", "no fenced code block"),
    "bomb.yaml": (b"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                  b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                  b"g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "YAML aliases expand"),
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contract", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_spec_gives_one_line_and_exit_2(tmp_path: Path, name: str):
    content, expected = CASES[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = _run("lint", str(path), "--report-dir", str(tmp_path / "r"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and expected in lines[0], lines[0]


def test_invalid_yaml_names_line_and_column(tmp_path: Path):
    path = tmp_path / "invalid.yaml"
    path.write_bytes(CASES["invalid.yaml"][0] or b"")
    line = _run("lint", str(path)).stderr.strip()
    assert f"{path}:4:" in line  # the line where the parser gave up, and a column after it


def test_unresolvable_ref_names_the_pointer(tmp_path: Path):
    path = tmp_path / "badref.yaml"
    path.write_bytes(CASES["badref.yaml"][0] or b"")
    line = _run("lint", str(path)).stderr.strip()
    assert "/paths/~1a/get/responses/200/$ref" in line and "#/components/responses/Nope" in line


def test_usage_error_exit_2():
    result = _run("lint")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
