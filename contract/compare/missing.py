"""Spec operations that no given docs page documents: one finding per missing page, not one per operation.

A docs set is often given in part (17 of a site's pages), so most undocumented operations share one cause:
their page is not in the set, or a page leaves a whole resource out. Each operation is grouped by what is
missing, spec-agnostically:

1. the spec's own grouping, its first tag (tags are how generators and writers split the reference into
   pages: Box, OpenAI, Twilio and Adyen tag every operation);
2. else the resource: the first literal path segment that no documented operation's path has
   (`/applications/{id}/commands` and `/applications/{id}/guilds/{gid}/commands` are the commands page,
   `/guilds/{id}/emojis` and `/applications/{id}/emojis` the emoji page — Discord and Stripe tag nothing
   and nest one resource under several parents so);
3. else the path itself (every segment is documented elsewhere, only these methods are not).

Every operation stays a finding of its own, marked with the group as its cause (``details["cause"]``),
so :func:`contract.core.grouping.collapse` merges them in the report with every operation and its spec line
kept as a place; ``details["cause_message"]`` is the merged finding's wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from contract.core import checks
from contract.core import pointer as jp
from contract.docs.model import DocsPage
from contract.load import Spec
from contract.model import Finding, Location, Operation

__all__ = ["missing_in_docs"]


@dataclass(slots=True)
class _Group:
    key: str  # the cause: "tag:Users", "resource:templates", "path:/gateway/bot"
    label: str  # what the message says they are: "tagged “Users”", "under /guilds/templates and …"
    ops: list[Operation] = field(default_factory=list)
    hint: str = ""


def _literals(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s and not s.startswith("{")]


def _shared(a: str, b: str) -> int:
    """How many leading segments two paths share."""
    n = 0
    for x, y in zip(a.strip("/").split("/"), b.strip("/").split("/"), strict=False):
        if x != y and not (x.startswith("{") and y.startswith("{")):
            break
        n += 1
    return n


def _tag(spec: Spec, op: Operation) -> str | None:
    raw = jp.resolve(spec.data, op.where.pointer, None) if op.where and op.where.pointer else None
    tags = raw.get("tags") if isinstance(raw, dict) else None
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0].strip():
        return tags[0]
    return None


def _prefix(path: str, word: str) -> str:
    """The path up to and including the first segment `word`."""
    segments = path.strip("/").split("/")
    return "/" + "/".join(segments[:segments.index(word) + 1])


def _groups(spec: Spec, documented: Mapping[str, str]) -> list[_Group]:
    known = [op for op in spec.operations if op.key in documented]
    words = {w for op in known for w in _literals(op.path)}
    tagged: dict[str, list[str]] = {}  # tag → the pages documenting operations of it
    for op in known:
        tag = _tag(spec, op)
        if tag is not None:
            tagged.setdefault(tag, []).append(documented[op.key])
    groups: dict[str, _Group] = {}
    for op in spec.operations:
        if op.key in documented:
            continue
        tag = _tag(spec, op)
        if tag is not None:
            key, label = f"tag:{tag}", f"tagged “{tag}”"
            others = tagged.get(tag, [])
            hint = (f"the other {len(others)} tagged so {'is' if len(others) == 1 else 'are'} on "
                    f"{_listing(sorted({_name(p) for p in others}))}" if others else "")
        else:
            literals = _literals(op.path)
            new = next((w for w in literals if w not in words), None)
            if new is not None:
                key, label, hint = f"resource:{new}", "", f"no page given documents a path with /{new}"
            else:
                key, label, hint = f"path:{op.path}", f"on {op.path}", ""
                if known:
                    near = max(known, key=lambda k: (_shared(k.path, op.path), -len(k.path)))
                    hint = f"the nearest documented path, {near.path}, is on {_name(documented[near.key])}"
        group = groups.setdefault(key, _Group(key, label, hint=hint))
        group.ops.append(op)
    for group in groups.values():
        if group.key.startswith("resource:"):
            word = group.key.rsplit(":", 1)[1]
            prefixes = list(dict.fromkeys(_prefix(op.path, word) for op in group.ops))
            group.label = "under " + _listing(prefixes)
    return list(groups.values())


def _listing(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _where(spec: Spec, op: Operation) -> Location | None:
    if op.where is None or op.where.pointer is None:
        return op.where
    return spec.location(op.where.pointer)


def _line(spec: Spec, op: Operation) -> str:
    where = _where(spec, op)
    return f"{op.key} (spec line {where.line})" if where and where.line else op.key


def _name(file: str) -> str:
    return file.replace("\\", "/").rsplit("/", 1)[-1]


def _pages(pages: Sequence[DocsPage]) -> str:
    if len(pages) == 1:
        return f"not on {_name(pages[0].file)}, the one docs page given"
    return f"on none of the {len(pages)} docs pages given"


def missing_in_docs(spec: Spec, pages: Sequence[DocsPage], documented: Mapping[str, str]) -> list[Finding]:
    """One finding per spec operation no page documents, grouped (``details["cause"]``) by what is missing;
    `documented` maps each documented operation's key to the page that documents it."""
    if not pages:
        return []
    severity = checks.get("drift.operation_missing_in_docs").severity
    docs_at = Location(pages[0].file) if len(pages) == 1 else None
    out: list[Finding] = []
    for group in _groups(spec, documented):
        n = len(group.ops)
        are = "is" if n == 1 else "are"
        listed = "; ".join(_line(spec, op) for op in group.ops)
        hint = f" ({group.hint})" if group.hint else ""
        tagged = f", {group.label}," if group.key.startswith("tag:") else ""
        summary = (f"{n} operations {group.label} {are} {_pages(pages)}{hint}: {listed}" if n > 1
                   else f"{_line(spec, group.ops[0])}{tagged} is {_pages(pages)}{hint}")
        for op in group.ops:
            message = summary if n == 1 else f"{_line(spec, op)} is {_pages(pages)}"
            out.append(Finding("drift.operation_missing_in_docs", severity, message, operation=op.key,
                               spec=_where(spec, op), docs=docs_at, source="docs", subject=op.key,
                               details={"cause": group.key, "cause_message": summary, "group": group.label}))
    return out
