"""Constraint coverage: every constraint of a request and how many violating cases break it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contract.generate.sites import Site

__all__ = ["CoverageRow", "coverage_rows", "render_plain"]


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One constraint: where (schema-level, `*` = any array item), what, and its violating cases."""

    part: str  # body | header | query | path | cookie | request
    pointer: str
    keyword: str
    value: Any
    source: str  # spec | prose | docs
    cases: int
    note: str = ""  # why there is no case, when there is none

    def to_dict(self) -> dict[str, Any]:
        return {"part": self.part, "pointer": self.pointer, "keyword": self.keyword, "value": self.value,
                "source": self.source, "cases": self.cases, "note": self.note}


def coverage_rows(sites: list[Site]) -> list[CoverageRow]:
    return [CoverageRow(s.part, _pointer(s), s.keyword, s.value, s.source, s.cases,
                        s.note if not s.cases else "") for s in sites]


def _pointer(site: Site) -> str:
    if site.extra is not None:
        e = site.extra
        return e.pointer() if e.keyword == "either" else (e.location if e.part == "body" else f"{e.part}/{e.location}")
    return site.template() or "/"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def render_plain(operation: str, rows: list[CoverageRow]) -> str:
    """A fixed-width table (for pipes and files; the CLI uses rich on a terminal)."""
    header = ("pointer", "keyword", "value", "source", "cases", "note")
    body = [(r.pointer, r.keyword, _value(r.value), r.source, str(r.cases), r.note) for r in rows]
    widths = [max(len(h), *(len(row[i]) for row in body)) if body else len(h) for i, h in enumerate(header)]
    lines = [f"{operation}: {sum(1 for r in rows if r.cases)}/{len(rows)} constraints with a violating case"]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in body:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
