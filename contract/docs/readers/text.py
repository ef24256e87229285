"""Rendered text: what a browser's "copy page" or a crawler leaves of a docs page.

There is no markup left, so structure is recovered from layout: short lines
without closing punctuation followed by content are headings (known section
names always are), lines with ``|`` and a ``---|---`` separator are tables, a
line holding only ``{`` or ``[`` opens a JSON block that :mod:`json` delimits,
and ``curl`` commands run until :mod:`shlex` sees them complete. Inline code
rendered on its own line ("Profile_id" / "or customer_user_id" / "must be ...")
is glued back: a line starting in lower case continues the one before.
"""

from __future__ import annotations

import json
import re
import shlex

from contract.docs.blocks import Block, Code, Document, Heading, ListItem, Paragraph, Table, TableRow

_TOP_SECTIONS = {
    "method and endpoint", "endpoint", "endpoints", "parameters", "request", "request parameters",
    "request body", "body parameters", "query parameters", "path parameters", "request headers",
    "example request", "request example", "example requests", "successful response", "response",
    "responses", "errors", "error responses", "see also", "authorization", "placeholders",
}
_SUB_SECTIONS = {
    "header", "headers", "body", "response example", "successful response example", "example",
    "error example", "response body", "response headers", "response header", "request example",
}
_STATUS_HEADING = re.compile(r"^[1-5]\d\d(?:\s*[-–—:]\s*\S.*|\s+[A-Z].*)?$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•●▪◦]|\d{1,2}[.)])\s+(\S.*)$")
_ENDPOINT_LINE = re.compile(r"^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE)\s+\S+$")
_TERMINAL = tuple(".!?;,")
_MAX_HEADING = 80
_MAX_CURL_LINES = 200  # a curl command longer than this never closed its quotes
_LEADING_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()
_JSON_WINDOW = 1 << 16


def _key(line: str) -> str:
    return " ".join(line.strip().rstrip(":").lower().split())


def _split_cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [c.strip() for c in text.split("|")] if text.strip() or "|" in line else []


class _TextReader:
    def __init__(self, text: str, file: str) -> None:
        self.lines = text.splitlines()
        self.file = file
        self.doc = Document(file=file, format="text")
        self.i = 0
        self._joined: str | None = None  # the page again, for JSON blocks found at a line's offset
        self._starts: list[int] = []

    # -- helpers ------------------------------------------------------------------------
    def _line(self, i: int) -> str:
        return self.lines[i] if 0 <= i < len(self.lines) else ""

    def _next_nonblank(self, i: int) -> int | None:
        while i < len(self.lines):
            if self.lines[i].strip():
                return i
            i += 1
        return None

    def _emit(self, block: Block) -> None:
        self.doc.blocks.append(block)

    # -- block recognisers --------------------------------------------------------------
    def _heading_level(self, i: int, first: bool) -> int | None:
        line = self.lines[i].strip()
        key = _key(line)
        if first and len(line) <= 150:
            return 1
        if key in _TOP_SECTIONS:
            return 2
        if _STATUS_HEADING.match(line):
            return 3
        if _ENDPOINT_LINE.match(line):
            return None
        if key in _SUB_SECTIONS:
            return 4
        if (len(line) > _MAX_HEADING or len(line.split()) > 10 or line.endswith(_TERMINAL)
                or "|" in line or not (line[0].isupper() or line[0].isdigit())):
            return None
        after = self._next_nonblank(i + 1)
        if after is None:
            return 4 if line.endswith(":") else None
        nxt = self.lines[after].lstrip()
        if nxt[:1].islower() or nxt[:1] in ",.;)":
            return None  # the line runs on: rendered inline code, not a heading
        return 4

    def _table(self, i: int) -> int:
        header = _split_cells(self.lines[i])
        table = Table(self.file, i + 1, header=header)
        j = i + 2
        while j < len(self.lines) and "|" in self.lines[j]:
            cells = _split_cells(self.lines[j])
            if table.rows and not any(cells):
                pass  # continuation line of the previous row: nothing to add
            else:
                table.rows.append(TableRow(cells, j + 1))
            j += 1
        self._emit(table)
        return j

    def _json(self, i: int) -> int:
        """A JSON block from line i: json.raw_decode finds its end; unparseable ones become anomalies."""
        # One joined text and an offset, not a fresh join of the rest per attempt: a page of lone "{"
        # lines would otherwise cost O(lines²).
        if self._joined is None:
            self._joined = "\n".join(self.lines)
            self._starts = [0]
            for line in self.lines[:-1]:
                self._starts.append(self._starts[-1] + len(line) + 1)
        text, start = self._joined, self._starts[i]
        first = _LEADING_SPACE.match(text, start).end()  # type: ignore[union-attr]
        try:
            end = first + _decode_end(text, first)
        except json.JSONDecodeError:
            j = i + 1
            while j < len(self.lines) and _looks_like_json(self.lines[j]):
                j += 1
            self._emit(Code(self.file, i + 1, lang="json", text="\n".join(self.lines[i:j]), fenced=False))
            return j
        except RecursionError:
            self.doc.anomaly("example.parse_error", "JSON block nested too deeply to read", i + 1)
            return i + 1
        last = i + text.count("\n", start, end)
        self._emit(Code(self.file, i + 1, lang="json", text="\n".join(self.lines[i:last + 1]), fenced=False))
        return last + 1

    def _curl(self, i: int) -> int:
        """A curl command from line i to where the shell would see it complete."""
        j = i
        stop = min(len(self.lines), i + _MAX_CURL_LINES)  # an unclosed quote must not cost O(lines²)
        while j < stop:
            chunk = "\n".join(self.lines[i:j + 1])
            if not chunk.rstrip().endswith("\\"):
                try:
                    shlex.split(chunk.replace("\\\n", " "))
                    break
                except ValueError:
                    pass
            j += 1
        j = min(j, stop - 1)
        self._emit(Code(self.file, i + 1, lang="bash", text="\n".join(self.lines[i:j + 1]), fenced=False))
        return j + 1

    def _paragraph(self, i: int) -> int:
        parts = [self.lines[i].strip()]
        j = i + 1
        while j < len(self.lines):
            nxt = self.lines[j].strip()
            if not nxt or not (nxt[0].islower() or nxt[0] in ",.;)") or "|" in nxt:
                break
            parts.append(nxt)
            j += 1
        self._emit(Paragraph(self.file, i + 1, " ".join(parts)))
        return j

    # -- driver -------------------------------------------------------------------------
    def read(self) -> Document:
        first = True
        while self.i < len(self.lines):
            line = self.lines[self.i]
            stripped = line.strip()
            if not stripped:
                self.i += 1
                continue
            if "|" in stripped and _SEPARATOR.match(self._line(self.i + 1)) and "-" in self._line(self.i + 1):
                self.i = self._table(self.i)
            elif stripped in ("{", "[") or (stripped[0] in "{[" and stripped[-1:] in "}]" and _parses(stripped)):
                self.i = self._json(self.i)
            elif re.match(r"^(?:\$\s+)?curl\s", stripped):
                self.i = self._curl(self.i)
            elif (level := self._heading_level(self.i, first)) is not None:
                text = stripped.rstrip(":").strip() if level > 1 else stripped
                self._emit(Heading(self.file, self.i + 1, level=level, text=text))
                if level == 1:
                    self.doc.title = text
                self.i += 1
            elif m := _BULLET.match(line):
                self._emit(ListItem(self.file, self.i + 1, m.group(1).strip()))
                self.i += 1
            else:
                self.i = self._paragraph(self.i)
            first = False
        return self.doc


def _decode_end(text: str, first: int) -> int:
    """End (relative to `first`) of the JSON value at `first`; JSONDecodeError if there is none.

    A window is decoded first: the decoder's error path counts lines from the start of its input,
    so failing on the whole rest of a page at every lone "{" would be quadratic again.
    """
    window = text[first:first + _JSON_WINDOW]
    try:
        return _DECODER.raw_decode(window)[1]
    except json.JSONDecodeError as exc:
        ran_out = exc.pos >= len(window) - 1 or exc.msg.startswith("Unterminated string")
        if not ran_out or first + len(window) >= len(text):
            raise
    return _DECODER.raw_decode(text[first:])[1]


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _looks_like_json(line: str) -> bool:
    s = line.strip()
    return bool(s) and (s[0] in '{}[]",' or s[:4] in ("true", "fals", "null") or s[0].isdigit() or s[0] == "-")


def read_text(text: str, file: str) -> Document:
    """Read a rendered-text page into blocks."""
    return _TextReader(text, file).read()
