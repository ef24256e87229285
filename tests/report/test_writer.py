"""`write_reports`, the one entry point the commands call, and the CLI's colour rules."""

from __future__ import annotations

import io

import pytest

from contract.cli.report import use_color
from contract.errors import InputError
from contract.report import FILENAMES, FORMATS, load_report, parse_formats, write_reports


def test_writes_every_format_under_its_name(tmp_path, live_report):
    written = write_reports(tmp_path, live_report)
    assert list(written) == list(FORMATS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILENAMES.values())
    assert all(written[f] == tmp_path / FILENAMES[f] and written[f].stat().st_size > 0 for f in FORMATS)
    assert load_report(written["json"])["summary"] == live_report["summary"]


def test_format_lists():
    assert parse_formats("md, html") == ("md", "html")
    assert parse_formats(["sarif", "json"]) == ("json", "sarif")
    assert parse_formats("all") == FORMATS
    with pytest.raises(InputError, match="unknown report format xml"):
        parse_formats("json,xml")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_Tty())
