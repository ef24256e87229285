"""One path-template matcher: which operation a live URL, a concrete path or a docs page's endpoint is.

Used wherever a path meets a list of operations: a response checked by URL
(:func:`contract.assertions.find_operation`), a docs endpoint looked up in the
spec (drift, docs-only operations in replay) and a docs example attached to the
endpoint its page declares.

The rules
---------

*Segments.* A path is split on ``/``; a missing leading ``/`` is supplied, and
a trailing ``/`` is recorded apart from the segments (``/`` itself is the root,
no segments). Hosts, query strings and fragments never take part.

*Templates.* A segment is a template in any of the styles specs and docs pages
write: ``{id}`` (OpenAPI; any name without ``/``, ``{`` or ``}``, so Discord's
``{channel.id}`` too, and it may share a segment with text: ``{name}.json``,
``{name}:cancel``), and, as a whole segment, ``{{id}}`` / ``{{ id }}``
(Postman, Handlebars), ``:id`` (Express), ``<id>`` / ``<USER_ID>`` /
``<int:id>`` (Flask, placeholder prose) and ``[id]`` (Next.js). Every other
segment is a literal. A segment with an empty name (``{}``) is a literal.

*Matching a concrete path* (:meth:`PathTemplate.matches`): a template segment
matches exactly one non-empty segment (never ``/``, never an empty segment) and
captures it as written; a literal segment matches only the same text,
case-sensitively, with no percent-decoding. A segment mixing text and templates
matches when the text parts match around non-empty values. The concrete side is
never parsed for placeholders: ``<ID>`` in an example URL is the value written
there, so a template segment matches it and a literal one does not.

*Comparing two templates* (:func:`same_template`, docs vs spec): a template
segment matches a template segment whatever the two names (``{user.id}`` =
``{user_id}`` = ``:id`` = ``<ID>``); a literal matches only the same literal,
so a docs page's ``/users/me`` is not the spec's ``/users/{id}``; mixed
segments match when their text parts are equal and their templates line up.

*Trailing slash.* Significant in :meth:`PathTemplate.matches` and
:func:`same_template` (``trailing_slash=False`` ignores it). When choosing an
operation, an exact match (slash included) is preferred; only when no
operation matches exactly is the slash ignored, and then only when that leaves
one best path — a spec that lists both ``/x`` and ``/x/`` has two operations
and each is found exactly, while a request to ``/x`` finds a spec's only
``/x/``.

*Server prefixes.* A spec's ``servers`` URLs may carry a base path
(``https://api.example.com/base``; its ``{variables}`` are templates, matching
any one segment). A path is read relative to the server with the longest base
path it starts with — ``/base/v2/users/1`` is ``/v2/users/1`` under that
server, whatever the host — and only if no operation matches there, relative
to the next shorter one, and last as written (a server at the root, no
``servers`` at all, or a test server mounted without the base path). So a
docs page may write an endpoint either way: ``/api/v10/users/{user.id}`` and
``/users/{user.id}`` both find ``/users/{user_id}`` under
``https://discord.com/api/v10``. Only the spec's top-level ``servers`` count.

*Precedence.* Readings are tried in the order above, each first with the
trailing slash significant and then ignored; the first that matches any
operation of the method decides. When several operations match it, the most
literal segments win (``/users/me`` beats ``/users/{id}``); then, scanning left
to right, a literal segment beats a mixed one beats a template at the first
position where they differ (``/a/{x}`` beats ``/{y}/b`` for ``/a/b``); then
the order in which the operations are given. Methods are compared
case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

__all__ = ["Param", "PathTemplate", "Route", "Segment", "match_operation", "operations_on_path", "path_params",
           "same_template", "server_urls"]

# Whole-segment placeholder styles of docs pages: {{id}}, :id, <id>, [id].
_WHOLE = re.compile(r"^(?:\{\{\s*(?P<mustache>[^{}/]+?)\s*\}\}|:(?P<express>\w+)|<(?P<angle>[^<>/]+)>"
                    r"|\[(?P<bracket>[^\[\]/]+)\])$")
_BRACED = re.compile(r"\{\s*([^{}/\s][^{}/]*?)\s*\}")
_LITERAL, _MIXED, _TEMPLATE = 2, 1, 0  # how specific a segment is


@dataclass(frozen=True, slots=True)
class Param:
    """A template piece: the parameter's name as written (``user.id`` for ``{user.id}``)."""

    name: str


Piece = str | Param


@dataclass(frozen=True, slots=True)
class Segment:
    """One path segment: literal text and templates in order (a literal segment is one ``str`` piece)."""

    pieces: tuple[Piece, ...]

    @property
    def rank(self) -> int:
        """2 for a literal, 0 for a whole-segment template, 1 for text and templates mixed."""
        if all(isinstance(p, str) for p in self.pieces):
            return _LITERAL
        return _TEMPLATE if len(self.pieces) == 1 else _MIXED

    @property
    def shape(self) -> tuple[str | None, ...]:
        """The pieces with every template's name erased: equal shapes are the same segment."""
        return tuple(p if isinstance(p, str) else None for p in self.pieces)

    def __str__(self) -> str:
        return "".join(p if isinstance(p, str) else "{" + p.name + "}" for p in self.pieces)


def _parse_segment(text: str) -> Segment:
    m = _WHOLE.match(text)
    if m:
        name = next(v for v in m.groupdict().values() if v is not None).strip()
        if m.group("angle") is not None:
            name = name.rsplit(":", 1)[-1]  # Flask's <int:id>
        return Segment((Param(name),))
    pieces: list[Piece] = []
    pos = 0
    for b in _BRACED.finditer(text):
        if b.start() > pos:
            pieces.append(text[pos:b.start()])
        pieces.append(Param(b.group(1)))
        pos = b.end()
    if pos < len(text) or not pieces:
        pieces.append(text[pos:])
    return Segment(tuple(pieces))


def _split(path: str) -> tuple[list[str], bool]:
    body = path[1:] if path.startswith("/") else path
    if not body:
        return [], False
    trailing = body.endswith("/")
    return (body[:-1] if trailing else body).split("/"), trailing


@lru_cache(maxsize=4096)
def _segment_regex(shape: tuple[str | None, ...]) -> re.Pattern[str]:
    return re.compile("".join(re.escape(p) if p is not None else "(.+?)" for p in shape))


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """A parsed path: its segments and whether it ends in ``/``. See the module docstring for the rules."""

    segments: tuple[Segment, ...]
    trailing_slash: bool = False

    @classmethod
    def parse(cls, path: str) -> PathTemplate:
        """A spec path or a docs page's endpoint path, every placeholder style recognised."""
        return _parse(path)

    @classmethod
    def concrete(cls, path: str) -> PathTemplate:
        """A path as sent (or as written in an example URL): every segment literal, nothing recognised."""
        parts, trailing = _split(path)
        return cls(tuple(Segment((p,)) for p in parts), trailing)

    @property
    def params(self) -> tuple[str, ...]:
        """The templates' names, left to right."""
        return tuple(p.name for s in self.segments for p in s.pieces if isinstance(p, Param))

    @property
    def literal_segments(self) -> int:
        return sum(1 for s in self.segments if s.rank == _LITERAL)

    @property
    def specificity(self) -> tuple[int, tuple[int, ...]]:
        """The precedence key, larger first: literal segments, then segment ranks left to right."""
        return self.literal_segments, tuple(s.rank for s in self.segments)

    @property
    def shape(self) -> tuple[tuple[tuple[str | None, ...], ...], bool]:
        """The template with its parameter names erased: two paths with one shape are one path."""
        return tuple(s.shape for s in self.segments), self.trailing_slash

    def matches(self, path: str, *, trailing_slash: bool = True) -> dict[str, str] | None:
        """The parameters captured from a concrete path (``{}`` for a literal template), or None if it does not
        match. ``trailing_slash=False`` ignores a trailing ``/`` on either side."""
        return _match(self, PathTemplate.concrete(path), templated=False, strict_slash=trailing_slash)

    def __str__(self) -> str:
        text = "/" + "/".join(str(s) for s in self.segments)
        return text + "/" if self.trailing_slash else text


@lru_cache(maxsize=4096)
def _parse(path: str) -> PathTemplate:
    parts, trailing = _split(path)
    return PathTemplate(tuple(_parse_segment(p) for p in parts), trailing)


def _match(pattern: PathTemplate, subject: PathTemplate, *, templated: bool,
           strict_slash: bool) -> dict[str, str] | None:
    """`subject` against `pattern`: concrete (`templated=False`, subject segments are all literal) or both
    templates. The captured values (concrete) or the subject's names for the pattern's (templates)."""
    if len(pattern.segments) != len(subject.segments):
        return None
    if strict_slash and pattern.trailing_slash != subject.trailing_slash:
        return None
    captured: dict[str, str] = {}
    for want, got in zip(pattern.segments, subject.segments, strict=True):
        if templated:
            if want.shape != got.shape:
                return None
            for a, b in zip(want.pieces, got.pieces, strict=True):
                if isinstance(a, Param) and isinstance(b, Param):
                    captured.setdefault(a.name, b.name)
            continue
        text = str(got.pieces[0])  # a concrete segment is one piece of text
        rank = want.rank
        if rank == _LITERAL:
            if want.shape[0] != text:
                return None
        elif rank == _TEMPLATE:
            if not text:
                return None
            captured.setdefault(_name(want.pieces[0]), text)
        else:
            m = _segment_regex(want.shape).fullmatch(text)
            if m is None:
                return None
            names = [p.name for p in want.pieces if isinstance(p, Param)]
            for name, value in zip(names, m.groups(), strict=True):
                captured.setdefault(name, value)
    return captured


def _name(piece: Piece) -> str:
    return piece.name if isinstance(piece, Param) else piece


def same_template(a: str, b: str, *, trailing_slash: bool = True) -> bool:
    """Whether two templated paths (a docs page's and the spec's) are one path: templates match templates
    whatever their names and style, literals only the same literal."""
    return _match(_parse(a), _parse(b), templated=True, strict_slash=trailing_slash) is not None


# --------------------------------------------------------------------------- choosing an operation


class Route(Protocol):
    """Anything with a method and a path: an `Operation`, a docs `Endpoint`."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...


R = TypeVar("R", bound=Route)


def server_urls(document: Mapping[str, Any]) -> list[str]:
    """The ``servers[*].url`` of an OpenAPI document (the raw mapping), in order."""
    servers = document.get("servers")
    if not isinstance(servers, list):
        return []
    return [s["url"] for s in servers if isinstance(s, dict) and isinstance(s.get("url"), str)]


def _server_path(url: str) -> str:
    url = url.strip()
    if "://" in url or url.startswith("//"):
        rest = url.split("//", 1)[1]
        slash = rest.find("/")
        url = rest[slash:] if slash >= 0 else "/"
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    return url[1:] if url.startswith("./") else ("" if url == "." else url)


def _path_of(path_or_url: str) -> str:
    text = path_or_url.strip()
    if "://" in text or text.startswith("//"):
        try:
            return urlsplit(text).path or "/"
        except ValueError:
            pass
    return re.split(r"[?#]", text, maxsplit=1)[0]


def _strip(base: PathTemplate, subject: PathTemplate) -> PathTemplate | None:
    """`subject` relative to a server's base path, or None if it does not start with it. Server variables
    match any one segment, also a docs placeholder."""
    n = len(base.segments)
    if n == 0:
        return subject
    if len(subject.segments) < n:
        return None
    if _match(base, _as_concrete(PathTemplate(subject.segments[:n])), templated=False, strict_slash=False) is None:
        return None
    rest = subject.segments[n:]
    return PathTemplate(rest, subject.trailing_slash and bool(rest))


def _as_concrete(template: PathTemplate) -> PathTemplate:
    """A template's segments as literal text (``{id}`` is the text ``{id}``)."""
    return PathTemplate(tuple(Segment((str(s),)) for s in template.segments), template.trailing_slash)


def _readings(path_or_url: str, servers: Sequence[str], templated: bool) -> list[list[PathTemplate]]:
    """The subject relative to the declared servers, longest base path first, and last as written."""
    raw = _path_of(path_or_url)
    subject = _parse(raw) if templated else PathTemplate.concrete(raw)
    by_length: dict[int, list[PathTemplate]] = {}
    for base in sorted({_parse(_server_path(u)) for u in servers}, key=lambda b: -len(b.segments)):
        reading = _strip(base, subject) if base.segments else None
        if reading is not None and reading not in by_length.setdefault(len(base.segments), []):
            by_length[len(base.segments)].append(reading)
    return [tier for _, tier in sorted(by_length.items(), reverse=True) if tier] + [[subject]]


def _best(routes: Sequence[R], path_or_url: str, servers: Sequence[str], templated: bool) -> R | None:
    parsed = [(route, _parse(route.path)) for route in routes]
    for tier in _readings(path_or_url, servers, templated):
        lengths = {len(s.segments) for s in tier}  # `_match` needs as many segments: the rest are never hits
        same = [(i, route, t) for i, (route, t) in enumerate(parsed) if len(t.segments) in lengths]
        for strict in (True, False):
            hits = [(t.specificity, i, route, t) for i, route, t in same
                    if any(_match(t, s, templated=templated, strict_slash=strict) is not None for s in tier)]
            if not hits:
                continue
            top = max(h[0] for h in hits)
            best = [h for h in hits if h[0] == top]
            if not strict and len({h[3].shape for h in best}) > 1:
                return None  # the slash ignored leaves more than one path: ambiguous, no match
            return min(best, key=lambda h: h[1])[2]
    return None


def match_operation(operations: Iterable[R], method: str, path_or_url: str, *, servers: Sequence[str] = (),
                    templated: bool = False) -> R | None:
    """The operation `method path_or_url` is, by the module's rules, or None.

    `path_or_url` is a concrete path or a full URL (host ignored); with `templated=True` it is itself a
    template (a docs page's endpoint) and is compared as :func:`same_template` does. `servers` are the
    spec's server URLs (:func:`server_urls`), whose base paths a path may carry.
    """
    wanted = method.upper()
    return _best([op for op in operations if op.method.upper() == wanted], path_or_url, servers, templated)


def operations_on_path(operations: Iterable[R], path_or_url: str, *, servers: Sequence[str] = (),
                       templated: bool = False) -> list[R]:
    """Every operation, whatever its method, on the path `path_or_url` matches best (in the order given)."""
    routes = list(operations)
    best = _best(routes, path_or_url, servers, templated)
    if best is None:
        return []
    shape = _parse(best.path).shape
    return [r for r in routes if _parse(r.path).shape == shape]


def path_params(route_path: str, path_or_url: str, *, servers: Sequence[str] = ()) -> dict[str, str]:
    """The values the template `route_path` captures from a concrete path, read as :func:`match_operation`
    reads it (server base paths, then the trailing slash ignored); still percent-encoded, as sent. {} when
    it does not match (or captures nothing)."""
    template = _parse(route_path)
    for tier in _readings(path_or_url, servers, False):
        for strict in (True, False):
            for subject in tier:
                found = _match(template, subject, templated=False, strict_slash=strict)
                if found is not None:
                    return found
    return {}
