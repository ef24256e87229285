"""The text to add for a "missing in the spec" or "missing in the docs" edit of the fix list.

An edit that adds something names the line of the parent it belongs under (``responses:``, the schema, the
table's first row); this proposes the text itself, in the file's own syntax and indentation, derived from
what the other document says: a YAML or JSON property, limit, response, header or parameter for the spec
(from the docs row), a table row in the page's own pipe-table format for the docs (from the spec property,
each cell in the notation the table already uses: its type words, its yes/no glyphs). Nothing is proposed
where the place is not a plain block the text can go under (a flow-style mapping, a ``$ref``, an HTML table):
a wrong snippet costs more than none.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import yaml

from contract.docs.conventions import read_name
from contract.docs.tables import column_roles
from contract.docs.vocab import normalise_type, parse_flag

__all__ = ["propose"]

_BLOCK = 400  # lines of a block searched for a child key
_KEY = re.compile(r"""^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>"[^"]*"|'[^']*'|[^\s:#][^:#]*?)\s*:\s*(?:#.*)?$""")
_JSON_OPEN = re.compile(r"""^(?P<indent>\s*)"(?P<key>(?:[^"\\]|\\.)*)"\s*:\s*[{\[]\s*$""")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def propose(finding: Mapping[str, Any], side: str, lines: Sequence[str], line: int,
            file: str) -> dict[str, Any] | None:
    """``{"after": line, "text": ...}``: the lines to insert below `after`, or None when nothing follows."""
    check = str(finding["check"])
    d = finding.get("details") or {}
    if side == "docs":
        row = d.get("spec_row")
        return _table_row(lines, line, row) if check == "drift.field_missing_in_docs" and isinstance(row, dict) \
            else None
    if not check.endswith("_missing_in_spec"):
        return None
    doc = _Doc(lines, file)
    if check == "drift.limit_missing_in_spec" and d.get("keyword"):
        return doc.under(line, {str(d["keyword"]): d.get("docs_value")}, refuse_ref=True)
    if check == "drift.status_missing_in_spec" and d.get("status") is not None:
        key = doc.sibling_key(line, str(d["status"]))
        return doc.under(line, {key: {"description": str(d.get("description") or d["status"])}})
    row = d.get("docs_row")
    if check == "drift.field_missing_in_spec" and isinstance(row, dict) and row.get("name"):
        if row.get("in"):
            return doc.item(line, "parameters", _parameter(row, doc.v31))
        return doc.under_child(line, "properties", {str(row["name"]): _schema(row, doc.v31)})
    if check == "drift.header_missing_in_spec" and d.get("header"):
        name = str(d["header"])
        if str(d.get("subject", "")).startswith("request-header:"):
            return doc.item(line, "parameters", {"name": name, "in": "header", "schema": {"type": "string"}})
        row = row if isinstance(row, dict) else {}
        schema = {k: v for k, v in _schema(row, doc.v31).items() if k != "description"} or {"type": "string"}
        entry = {name: {**({"description": row["description"]} if row.get("description") else {}), "schema": schema}}
        return doc.under_child(line, "headers", entry, create=True)
    return None


def _one_type(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    return value if isinstance(value, str) and value else None


def _schema(row: Mapping[str, Any], v31: bool) -> dict[str, Any]:
    """A property schema from a docs row: type (with null in 3.1, `nullable` before), format, description."""
    out: dict[str, Any] = {}
    kind = _one_type(row.get("type"))
    if kind:
        out["type"] = [kind, "null"] if row.get("nullable") and v31 else kind
    if row.get("format"):
        out["format"] = row["format"]
    if row.get("nullable") and not v31 and kind:
        out["nullable"] = True
    if row.get("description"):
        out["description"] = row["description"]
    return out


def _parameter(row: Mapping[str, Any], v31: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": row["name"], "in": row["in"]}
    if row.get("required"):
        out["required"] = True
    if row.get("description"):
        out["description"] = row["description"]
    out["schema"] = {k: v for k, v in _schema(row, v31).items() if k != "description"} or {"type": "string"}
    return out


class _Doc:
    """A spec file's lines, read for where a snippet goes and how it must be written (YAML or JSON)."""

    def __init__(self, lines: Sequence[str], file: str) -> None:
        self.lines = lines
        first = next((t.strip() for t in lines if t.strip()), "")
        self.json = file.lower().endswith(".json") or first.startswith("{")
        head = "\n".join(lines[:40])
        self.v31 = bool(re.search(r"""^\s*"?openapi"?\s*:\s*["']?3\.1""", head, re.MULTILINE))
        steps = Counter(b - a for a, b in pairwise(self._indents()) if 0 < b - a <= 8)
        self.step = steps.most_common(1)[0][0] if steps else 2

    def _indents(self) -> list[int]:
        return [len(t) - len(t.lstrip()) for t in self.lines[:2000] if t.strip()]

    @staticmethod
    def _indent(text: str) -> int:
        return len(text) - len(text.lstrip())

    def _opens_block(self, line: int) -> bool:
        """The line opens a block its children go under: `key:` alone (YAML), `"key": {` (JSON)."""
        text = self.lines[line - 1]
        if self.json:
            return text.rstrip().endswith("{")
        m = _KEY.match(text)
        return m is not None and not m.group("dash")

    def _children(self, line: int) -> list[int]:
        """The lines of the block under `line` (deeper indented), in order."""
        top = self._indent(self.lines[line - 1])
        out = []
        for n in range(line + 1, min(len(self.lines), line + _BLOCK) + 1):
            text = self.lines[n - 1]
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            if self._indent(text) <= top and not (text.lstrip().startswith("- ") and self._indent(text) == top):
                break
            out.append(n)
        return out

    def _child_indent(self, line: int) -> int:
        kids = self._children(line)
        return self._indent(self.lines[kids[0] - 1]) if kids else self._indent(self.lines[line - 1]) + self.step

    def _direct(self, line: int) -> list[tuple[int, str]]:
        """(line, key) of the direct children of the block under `line`."""
        kids = self._children(line)
        if not kids:
            return []
        depth = self._indent(self.lines[kids[0] - 1])
        out = []
        for n in kids:
            text = self.lines[n - 1]
            if self._indent(text) != depth:
                continue
            m = (_JSON_OPEN.match(text) or re.match(r'^\s*"(?P<key>(?:[^"\\]|\\.)*)"\s*:', text)) if self.json \
                else re.match(r"""^\s*(?P<key>"[^"]*"|'[^']*'|[^\s:#-][^:#]*?)\s*:""", text)
            if m:
                out.append((n, m.group("key").strip("\"'")))
        return out

    def sibling_key(self, line: int, key: str) -> str:
        """`key` quoted as its siblings are (``"200":`` → ``"404"``); the quotes kept as text, see `_dump`."""
        for n, _ in self._direct(line):
            text = self.lines[n - 1].lstrip()
            if not self.json and text[:1] in "\"'":
                return f"{text[0]}{key}{text[0]}"
        return f'"{key}"' if not self.json else key

    def under(self, line: int, value: Mapping[str, Any], *, refuse_ref: bool = False) -> dict[str, Any] | None:
        """`value`'s members as the first children of the block `line` opens."""
        if not 1 <= line <= len(self.lines) or not self._opens_block(line):
            return None
        if refuse_ref and any(k == "$ref" for _, k in self._direct(line)):
            return None  # beside a $ref a 3.0 reader ignores it: the limit belongs in the referenced schema
        if any(k == str(key).strip("\"'") for _, k in self._direct(line) for key in value):
            return None  # already there (the spec changed since): nothing to add
        return {"after": line, "text": self._dump(value, self._child_indent(line), trailing=self._has_kids(line))}

    def under_child(self, line: int, child: str, value: Mapping[str, Any], *,
                    create: bool = False) -> dict[str, Any] | None:
        """Under the `child` block of the block at `line` (``properties``, ``headers``); with `create`, a new
        `child` block right under `line` when there is none."""
        if not 1 <= line <= len(self.lines) or not self._opens_block(line):
            return None
        found = next((n for n, k in self._direct(line) if k == child), None)
        if found is not None:
            return self.under(found, value)
        if not create:
            return None
        return {"after": line, "text": self._dump({child: dict(value)}, self._child_indent(line),
                                                  trailing=self._has_kids(line))}

    def item(self, line: int, key: str, value: Mapping[str, Any]) -> dict[str, Any] | None:
        """A new list item under `line` when it is the `key` list (``parameters:``)."""
        if not 1 <= line <= len(self.lines):
            return None
        text = self.lines[line - 1]
        if self.json:
            m = _JSON_OPEN.match(text)
            if not m or m.group("key") != key or not text.rstrip().endswith("["):
                return None
            indent = self._child_indent(line)
            body = json.dumps(dict(value), indent=self.step, ensure_ascii=False)
            return {"after": line, "text": _indented(body, indent) + ("," if self._has_kids(line) else "")}
        m = _KEY.match(text)
        if not m or m.group("key").strip("\"'") != key:
            return None
        kids = self._children(line)
        indent = self._indent(self.lines[kids[0] - 1]) if kids else self._indent(text) + self.step
        body = yaml.safe_dump([dict(value)], sort_keys=False, allow_unicode=True, width=10**6,
                              indent=self.step).rstrip("\n")
        return {"after": line, "text": _indented(body, indent)}

    def _has_kids(self, line: int) -> bool:
        return bool(self._children(line))

    def _dump(self, value: Mapping[str, Any], indent: int, *, trailing: bool) -> str:
        if self.json:
            inner = json.dumps(dict(value), indent=self.step, ensure_ascii=False)[1:-1].strip("\n")
            lines = [t[self.step:] if t.startswith(" " * self.step) else t for t in inner.splitlines()]
            return _indented("\n".join(lines), indent) + ("," if trailing else "")
        quoted = {k: v for k, v in value.items() if k[:1] in "\"'"}
        plain = {k.strip("\"'"): v for k, v in value.items()}
        text = yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=10**6, indent=self.step).rstrip("\n")
        for key in quoted:  # a status key written as the spec writes its siblings ('200' / "200")
            bare = key.strip("\"'")
            text = re.sub(rf"""^(['"]?){re.escape(bare)}\1:""", f"{key}:", text, count=1, flags=re.MULTILINE)
        return _indented(text, indent)


def _indented(text: str, indent: int) -> str:
    return "\n".join((" " * indent + t) if t else t for t in text.splitlines())


# ----------------------------------------------------------------------------- docs tables


def _cells(text: str) -> list[str]:
    parts = [c.strip() for c in text.strip().split("|")]
    if text.strip().startswith("|"):
        parts = parts[1:]
    if text.strip().endswith("|"):
        parts = parts[:-1]
    return parts


def _tables(lines: Sequence[str]) -> list[tuple[dict[str, int], list[list[str]]]]:
    """Every pipe table of a page: its column roles and its rows' cells."""
    out = []
    for i in range(1, len(lines)):
        if "|" in lines[i - 1] and _SEPARATOR.match(lines[i]) and "-" in lines[i]:
            header = _cells(lines[i - 1])
            rows = []
            for text in lines[i + 1:]:
                if "|" not in text:
                    break
                cells = _cells(text)
                if len(cells) == len(header):
                    rows.append(cells)
            out.append((column_roles(header), rows))
    return out


def _notation(lines: Sequence[str]) -> tuple[bool, bool]:
    """Whether the page writes `name?` (optional) and `?type` (nullable) in its tables, as the docs reader
    decides it for the whole page: there, a name without the mark is required, a type without it never null."""
    optional = nullable = False
    for roles, rows in _tables(lines):
        for cells in rows:
            if "name" in roles:
                optional |= read_name(cells[roles["name"]].strip("`*")).optional is True
            if "type" in roles:
                nullable |= cells[roles["type"]].lstrip("`*").startswith("?")
    return optional, nullable


def _glyph(column: Sequence[str], flag: bool) -> str:
    """How the column writes `flag`: its most used cell that reads so; an empty cell where the column leaves
    one side blank ("Yes" or nothing); plain yes/no when the column never says."""
    glyphs = Counter(c for c in column if parse_flag(c) is flag)
    if glyphs:
        return glyphs.most_common(1)[0][0]
    if any(not c.strip() for c in column) and any(parse_flag(c) is (not flag) for c in column):
        return ""
    word = "yes" if flag else "no"
    other = next((c.strip() for c in column if c.strip().lower() in ("yes", "no")), "")
    return word.capitalize() if other[:1].isupper() and not other.isupper() else word.upper() if other.isupper() \
        and len(other) > 1 else word


def _table_row(lines: Sequence[str], line: int, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A row for the pipe table `line` is a row of, after its last row, in its own notation."""
    if not 1 <= line <= len(lines) or "|" not in lines[line - 1] or not row.get("name"):
        return None
    start = line
    while start > 1 and "|" in lines[start - 2]:
        start -= 1
    end = line
    while end < len(lines) and "|" in lines[end]:
        end += 1
    if end - start < 2 or not _SEPARATOR.match(lines[start]):
        return None  # not a header, separator, rows table
    header = _cells(lines[start - 1])
    roles = column_roles(header)
    if "name" not in roles:
        return None
    body = [_cells(lines[n - 1]) for n in range(start + 2, end + 1)]
    body = [cells for cells in body if len(cells) == len(header)]
    cells = [""] * len(header)
    name = str(row["name"])
    # the notations the docs reader honours: `name?` marks an optional field, `?type` a nullable one; in a
    # table that writes them, a name without the mark says "required", a type without it "never null"
    marks_optional, marks_null = _notation(lines)
    if marks_optional and row.get("required") is not True:
        name += "?"
    ticks = sum(1 for c in body if c[roles["name"]].startswith("`"))
    cells[roles["name"]] = f"`{name}`" if body and ticks > len(body) / 2 else name
    if "type" in roles and _one_type(row.get("type")):
        wanted = (_one_type(row.get("type")), row.get("format"))
        # a container's word is reused only when bare ("Array", "Dictionary"): "number[]" names its items
        usable = [c[roles["type"]].lstrip("?") for c in body if wanted[0] not in ("array", "object")
                  or re.fullmatch(r"\??[A-Za-z]+", c[roles["type"]])]
        written = [c for c in usable if normalise_type(c) == wanted]
        written = written or [c for c in usable if normalise_type(c) == (wanted[0], None)]  # format unwritten
        word = Counter(written).most_common(1)[0][0] if written else str(wanted[0])
        cells[roles["type"]] = f"?{word}" if marks_null and row.get("nullable") else word
    for role, flag in (("required", row.get("required")), ("nullable", row.get("nullable"))):
        if role in roles and isinstance(flag, bool):
            cells[roles[role]] = _glyph([c[roles[role]] for c in body], flag)
    if "optional" in roles and isinstance(row.get("required"), bool):
        cells[roles["optional"]] = _glyph([c[roles["optional"]] for c in body], not row["required"])
    if "description" in roles and row.get("description"):
        cells[roles["description"]] = " ".join(str(row["description"]).split()).replace("|", "\\|")
    model = lines[start - 1]
    lead = "| " if model.lstrip().startswith("|") else ""
    tail = " |" if model.rstrip().endswith("|") else ""
    indent = model[: len(model) - len(model.lstrip())]
    return {"after": end, "text": f"{indent}{lead}{' | '.join(cells)}{tail}"}
