"""Parameter tables: which column means what, and repair of damaged rows.

Rendered pages lose cells: a row whose first cell held only a link or code span
comes out as ``String | ➖ | ➕ | Your end user's email. | |`` — every cell one
column to the left. Matching the type column against known type words finds
such rows; they are repaired (name left empty for the caller to recover) and
reported, because a table a reader cannot trust is itself a docs defect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contract.docs.blocks import Link, Table
from contract.docs.vocab import is_flag, is_type_word

Role = str  # "name" | "type" | "required" | "nullable" | "description" | "example" | "default" | "optional"

_ROLE_WORDS: list[tuple[Role, tuple[str, ...]]] = [
    ("nullable", ("nullable", "null")),
    ("optional", ("optional",)),
    ("required", ("required", "mandatory")),
    ("type", ("type", "data type", "format")),
    ("description", ("description", "details", "notes", "meaning", "comment")),
    ("example", ("example", "sample")),
    ("default", ("default",)),
    ("name", ("parameter", "name", "field", "key", "attribute", "property", "header", "param")),
]


def column_roles(header: list[str]) -> dict[Role, int]:
    """Map roles to column indexes; the first column is the name when nothing says otherwise."""
    roles: dict[Role, int] = {}
    for index, text in enumerate(header):
        words = " ".join(text.lower().replace("*", "").replace("`", "").split())
        for role, keys in _ROLE_WORDS:
            if role not in roles and any(k in words for k in keys):
                roles[role] = index
                break
    if "name" not in roles and header and 0 not in roles.values():
        roles["name"] = 0
    return roles


@dataclass(slots=True)
class Row:
    """One table row as role → cell text, plus how it had to be repaired."""

    cells: dict[Role, str]
    raw: dict[str, str]
    line: int
    shifted: bool = False  # a leading cell was lost; "name" is empty
    padded: int = 0  # how many missing trailing cells were treated as empty
    notes: list[str] = field(default_factory=list)
    links: dict[Role, list[Link]] = field(default_factory=dict)  # the links in each role's cell


def _is_continuation(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def normalise(table: Table) -> list[Row]:
    """Rows of a table aligned to its header, damaged rows repaired and marked."""
    roles = column_roles(table.header)
    width = len(table.header)
    type_at, name_at = roles.get("type"), roles.get("name")
    out: list[Row] = []
    for row in table.rows:
        cells = [c.strip() for c in row.cells]
        links = [list(x) for x in row.links] + [[] for _ in range(max(0, len(cells) - len(row.links)))]
        if _is_continuation(cells):
            continue  # a lone "|" line: the rest of the previous row, which had nothing more
        while len(cells) > width and not cells[-1]:
            cells.pop()
        shifted = False
        if (type_at is not None and name_at is not None and name_at < type_at and type_at < len(cells)
                and not is_type_word(cells[type_at]) and is_type_word(cells[type_at - 1])
                and _flags_fit(cells, roles, shift=1)):
            cells.insert(name_at, "")
            links.insert(name_at, [])
            shifted = True
            while len(cells) > width and not cells[-1]:
                cells.pop()
        padded = max(0, width - len(cells))
        cells += [""] * padded
        by_role = {role: cells[i] for role, i in roles.items() if i < len(cells)}
        raw = {table.header[i] if i < width else f"#{i}": c for i, c in enumerate(cells)}
        by_role_links = {role: links[i] for role, i in roles.items() if i < len(links) and links[i]}
        out.append(Row(by_role, raw, row.line, shifted=shifted, padded=padded, links=by_role_links))
    return out


def _flags_fit(cells: list[str], roles: dict[Role, int], *, shift: int) -> bool:
    """After shifting right by `shift`, do the flag columns hold flags? Guards against false repairs."""
    for role in ("required", "nullable", "optional"):
        at = roles.get(role)
        if at is not None and 0 <= at - shift < len(cells) and not is_flag(cells[at - shift]):
            return False
    return True
