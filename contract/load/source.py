"""Read a spec file into data plus enough position information to cite lines.

A spec arrives as YAML, JSON, or a Markdown/MDX page with the YAML in a fenced
block. Every later finding points at `file:line`, so the parsed document keeps
its composed YAML node tree (or builds one lazily for JSON, where `json.loads`
is much faster than composing).
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from contract.core import pointer as jp
from contract.core.yaml_json import JsonLoader
from contract.errors import InputError
from contract.textio import decode_text

_STR_TAG, _MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(JsonLoader):
    """The JSON-data loader (libyaml where built in; timestamps stay the strings written), with plain
    strings taken straight from their nodes.

    Strings are most of a spec's nodes, and the safe constructor's string is its node's value; going
    through its generic per-node bookkeeping (alias table, recursion guard, constructor lookup) for each
    was 40% of constructing OpenAI's and Stripe's specs. Every other node is constructed as PyYAML does.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)

    def construct_unshared(self, root: yaml.Node, text: str) -> tuple[Any, bool]:
        """`construct_document` for a tree without aliases (no anchor in the text), where every node is
        built once: plain mappings and sequences filled from an explicit stack instead of PyYAML's
        generator per container (half of what remained of constructing a spec). Anything else (merge
        keys, complex keys, other tags) is built by PyYAML; any error, by PyYAML again from the start, so
        that it is PyYAML's error exactly. Also says whether the value is a tree: False when it took
        PyYAML's way after all (more containers than the text has characters: an alias after all)."""
        try:
            data = self._unshared(root, len(text) + 1)
        except Exception:  # PyYAML raises its own error (or builds the same value) below
            self.constructed_objects, self.recursive_objects, self.state_generators = {}, {}, []
            return self.construct_document(root), False
        self.constructed_objects, self.recursive_objects = {}, {}
        return data, True

    def _unshared(self, root: yaml.Node, most: int) -> Any:
        stack: list[tuple[dict[Any, Any] | list[Any], yaml.Node]] = []
        budget = [most]  # each container of a tree is written with one character at least

        def start(node: yaml.Node) -> Any:
            kind = type(node)
            if kind is yaml.MappingNode and node.tag == _MAP_TAG and all(
                    type(k) is yaml.ScalarNode and k.tag != _MERGE_TAG for k, _ in node.value):
                mapping: dict[Any, Any] = {}
                stack.append((mapping, node))
            elif kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
                items: list[Any] = []
                stack.append((items, node))
            else:
                return self.construct_object(node, deep=True)
            budget[0] -= 1
            if budget[0] < 0:  # an alias the scan missed: PyYAML's constructor shares it (or refuses it)
                raise yaml.YAMLError("aliased node")
            return stack[-1][0]

        top = start(root)
        while stack:
            into, node = stack.pop()
            if isinstance(into, dict):
                for key, value in node.value:
                    into[self.construct_object(key)] = start(value)  # a scalar key: hashable
            else:
                into.extend([start(value) for value in node.value])
        return top

MAX_EXPANDED_NODES = 5_000_000  # a YAML bomb expands anchors exponentially when walked; refuse early
# Both parsers stop near 1,000 levels (json: the recursion limit; libyaml >= 0.2.5 as bundled by PyYAML
# 6.0.4: MAX_NESTING_LEVEL). Real specs nest a few dozen levels, so deeper input is refused, not worked round.
_TOO_DEEP = "document is nested more than about 1,000 levels deep (the parser's limit; real specs nest a few dozen)"
_SPEC_KEY = re.compile(r"^(openapi|swagger)\s*:", re.MULTILINE)
# An anchor: `&` at the start or after a space or flow indicator, then a name character. Written from the `&`
# so that the engine skips to each one (a leading class made it test every position: 0.17 s on OpenAI's spec).
_ANCHOR = re.compile(r"&(?:(?<=\A&)|(?<=[\s\[{,:-]&))[^\s,\[\]{}]")


@dataclass
class Document:
    """One parsed file (a spec, or a file a relative `$ref` points into)."""

    path: str  # as given / relative, used in messages and locations
    data: Any
    text: str
    line_offset: int = 0  # lines before the parsed text in the file (Markdown wrapper)
    kind: str = "yaml"  # yaml | json | markdown
    _root: yaml.Node | None = field(default=None, repr=False)
    _composed: bool = field(default=False, repr=False)
    _index: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict, repr=False)
    _json: JsonLines | None = field(default=None, repr=False)
    _lines: _LineTree | None = field(default=None, repr=False)  # the node tree's lines, once pickled
    # Every container of `data` reachable once (parsed JSON, YAML without anchors): a walk needs no
    # table of the containers it has seen (three million ints on 100,000 operations).
    tree: bool = field(default=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """For the warm-start cache: the YAML node tree (a Python object and two marks per value) is
        replaced by its lines alone, and the per-mapping key index (keyed by node ids) is dropped."""
        state = dict(self.__dict__)
        if self._lines is None and self.kind != "json":
            root = self._node()
            state["_lines"] = None if root is None else line_tree(root)
        if state["_lines"] is not None:
            state["text"] = ""  # only line lookups read it, and they have the tree
        state["_root"], state["_composed"], state["_index"] = None, True, {}
        return state

    def line_of(self, pointer: str) -> int | None:
        """1-based line in the file of the node at `pointer` (nearest existing ancestor)."""
        try:
            tokens = jp.split(pointer)
        except ValueError:  # not a pointer: the document's first line
            tokens = []
        if self.kind == "json":
            if self._json is None:
                self._json = JsonLines(self.text)
            line = self._json.line_of(tokens)
            return None if line is None else line + self.line_offset
        if self._lines is not None:
            return _tree_line(self._lines, tokens) + 1 + self.line_offset
        node = self._node()
        if node is None:
            return None
        line = node.start_mark.line
        for token in tokens:
            child = None
            if isinstance(node, yaml.MappingNode):
                entry = self._keys(node).get(token)
                if entry is not None:
                    child, line = entry[1], entry[0].start_mark.line
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
                child = node.value[int(token)]
                line = child.start_mark.line
            if child is None:
                break
            node = child
        return line + 1 + self.line_offset

    def _keys(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Key → (key node, value node), built once per mapping: specs have maps of hundreds of paths."""
        keys = self._index.get(id(node))
        if keys is None:
            keys = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    keys.setdefault(key.value, (key, value))
            self._index[id(node)] = keys
        return keys

    def _node(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            if self._root is None:
                try:
                    self._root = yaml.compose(self.text, Loader=_Loader)
                except yaml.YAMLError:
                    self._root = None
        return self._root


# A YAML node's lines without the node: a scalar is its 0-based line; a mapping is (line, {key: (key's
# line, value)}) with the first of duplicate keys kept; a sequence is (line, [items]).
_LineTree = int | tuple[int, dict[str, tuple[int, Any]]] | tuple[int, list[Any]]


def line_tree(root: yaml.Node) -> _LineTree:
    """The lines `Document.line_of` reads from a node tree, as plain ints, dicts and lists (no recursion:
    a document may nest as deep as the parser allows)."""
    def leaf(node: yaml.Node) -> tuple[_LineTree, list[Any] | dict[str, Any] | None]:
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, Any] = {}
            return (node.start_mark.line, keys), keys
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            return (node.start_mark.line, items), items
        return node.start_mark.line, None

    made: dict[int, _LineTree] = {}  # an alias is the anchored node itself: one entry, shared as in the data

    def visit(node: yaml.Node) -> _LineTree:
        if type(node) is yaml.ScalarNode:  # most nodes: a line, the same however often it is aliased
            return node.start_mark.line
        entry = made.get(id(node))
        if entry is None:
            entry, child = leaf(node)
            made[id(node)] = entry
            if child is not None:
                stack.append((node, child))
        return entry

    stack: list[tuple[yaml.Node, Any]] = []
    top = visit(root)
    while stack:
        node, into = stack.pop()
        if isinstance(into, dict):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value not in into:
                    into[key.value] = (key.start_mark.line, visit(value))
        else:
            into.extend(visit(value) for value in node.value)
    return top


def _tree_line(tree: _LineTree, tokens: list[str]) -> int:
    """0-based line of the value `tokens` lead to in a line tree (the nearest existing ancestor's)."""
    node: Any = tree
    line = node if isinstance(node, int) else node[0]
    for token in tokens:
        if isinstance(node, int):
            break
        members = node[1]
        if isinstance(members, dict):
            entry = members.get(token)
            if entry is None:
                break
            line, node = entry
        elif token.isdigit() and int(token) < len(members):
            node = members[int(token)]
            line = node if isinstance(node, int) else node[0]
        else:
            break
    return int(line)


def read_text(path: Path, shown: str) -> str:
    """The file's text, or an InputError for missing, empty, binary or undecodable files."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "file not found") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read file ({exc.strerror})") from None
    if not raw.strip():
        raise InputError(shown, "file is empty")
    return decode_text(raw, shown, kind="a YAML/JSON/Markdown document")


def parse_document(path: Path, shown: str, *, markdown_ok: bool = True) -> Document:
    """Parse a YAML, JSON or Markdown-wrapped spec file."""
    text = read_text(path, shown)
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    # A .yaml/.yml/.json file is what its name says, even when it opens with a `# comment` line.
    wrapped = suffix in {".md", ".mdx", ".markdown", ".txt"} or (
        suffix not in {".yaml", ".yml", ".json"} and _looks_like_markdown(stripped))
    if markdown_ok and wrapped and not (stripped.startswith("{") or _SPEC_KEY.match(stripped)):
        return _parse_markdown(text, shown)
    if stripped.startswith(("{", "[")) and suffix != ".yaml" and suffix != ".yml":
        try:
            return Document(shown, json.loads(text), text, kind="json", tree=True)
        except RecursionError:
            raise _too_deep(text, shown) from None
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                raise InputError(shown, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
            # Might still be YAML flow style; fall through to the YAML parser.
    return _parse_yaml(text, shown)


def _looks_like_markdown(text: str) -> bool:
    return bool(re.search(r"^(#{1,6} |```|~~~)", text, re.MULTILINE)) and not _SPEC_KEY.match(text)


def _parse_yaml(text: str, shown: str, line_offset: int = 0) -> Document:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise InputError(shown, "document is empty", line=line_offset + 1)
        tree = not _ANCHOR.search(text)  # no anchor, no alias: no walk over every node, no node built twice
        if tree:
            data, tree = loader.construct_unshared(root, text)
        else:
            check_aliases(root, shown, line_offset)
            data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "nesting depth" in problem:
            raise InputError(shown, _TOO_DEEP, line=mark.line + 1 + line_offset if mark else None,
                             column=mark.column + 1 if mark else None) from None
        if mark is not None:
            raise InputError(shown, f"invalid YAML: {problem}", line=mark.line + 1 + line_offset,
                             column=mark.column + 1) from None
        raise InputError(shown, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:  # e.g. ReaderError (control characters): its str() spans lines
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 + line_offset if isinstance(position, int) else None
        raise InputError(shown, f"invalid YAML: {str(exc).splitlines()[0]}", line=line) from None
    except RecursionError:
        raise InputError(shown, _TOO_DEEP) from None
    finally:
        loader.dispose()
    return Document(shown, data, text, line_offset, kind="yaml" if not line_offset else "markdown",
                    _root=root, _composed=True, tree=tree)


def _too_deep(text: str, shown: str) -> InputError:
    """The error for JSON deeper than `json` recurses, placed where libyaml (which does not recurse) stops."""
    try:
        yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None and "nesting depth" in (exc.problem or ""):
            return InputError(shown, _TOO_DEEP, line=mark.line + 1, column=mark.column + 1)
    except (yaml.YAMLError, RecursionError):
        pass
    return InputError(shown, _TOO_DEEP)


def check_aliases(root: yaml.Node, shown: str, line_offset: int) -> None:
    """Refuse documents whose aliases expand into a 'billion laughs' tree.

    PyYAML shares aliased objects, so parsing is cheap, but every later walk of the
    data sees the expanded tree. The expanded size is computed bottom-up, memoised.
    """
    size: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack = [root]
    while stack:  # post-order without recursion: deep documents must not overflow the stack
        node = stack.pop()
        if id(node) in size:
            continue
        size[id(node)] = -1
        order.append(node)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    for node in reversed(order):
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size[id(k)] + size[id(v)] for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size[id(v)] for v in node.value)
        if total > MAX_EXPANDED_NODES:
            raise InputError(shown, f"YAML aliases expand the document beyond {MAX_EXPANDED_NODES:,} nodes "
                             "(anchor bomb?)", line=node.start_mark.line + 1 + line_offset)
        size[id(node)] = total


def _parse_markdown(text: str, shown: str) -> Document:
    """Find the fenced block holding an `openapi:`/`swagger:` document and parse it.

    Lines before the first key (such as a `/api-specs/x.yaml post /path` pointer
    line) are not YAML and are skipped; line numbers stay those of the page.
    """
    tokens = MarkdownIt("commonmark").parse(text)
    candidates = [(t, t.map) for t in tokens if t.type == "fence" and t.map]
    for token, span in candidates:
        content = token.content
        match = _SPEC_KEY.search(content)
        if match is None:
            stripped = content.lstrip()
            if stripped.startswith("{") and re.search(r'"(openapi|swagger)"\s*:', content):
                start_line = span[0] + 1 + content[: len(content) - len(stripped)].count("\n")
                try:
                    return Document(shown, json.loads(stripped), stripped, start_line, kind="markdown", tree=True)
                except json.JSONDecodeError as exc:
                    raise InputError(shown, f"invalid JSON in fenced block: {exc.msg}",
                                     line=start_line + exc.lineno, column=exc.colno) from None
                except RecursionError:
                    raise InputError(shown, _TOO_DEEP, line=start_line + 1) from None
            continue
        skipped = content[: match.start()].count("\n")
        body = content[match.start():]
        start_line = span[0] + 1 + skipped  # the fence line itself, then skipped lines
        return _parse_yaml(body, shown, start_line)
    raise InputError(shown, "no fenced code block with an `openapi:` or `swagger:` document found")


# A JSON string (unrolled, possessive: no backtracking on an 18 MB document) and the structural characters.
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_JSON_BRACKETS = re.compile(r'(?:"[^"\\]*+(?:\\.[^"\\]*+)*+"|[^"\[\]{}]++)*+([\[\]{}])', re.DOTALL)
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_SCALAR = re.compile(r"[^,\]}\s]*")
_NON_SPACE = re.compile(r"\S")
# A container of more than _SCANNED members (a spec's paths, its schemas, a long enum) keeps its map; of the
# shorter ones only the last _RECENT objects read do (findings come operation by operation), and an array item
# below _SCANNED is found by scanning to it.
_SCANNED = 16
_RECENT = 256


class JsonLines:
    """Line numbers for pointers into a JSON text, without a node per value.

    Composing JSON as YAML to learn its lines costs a Python node and two marks per
    value (1 GB and a minute for 100,000 operations). Here one pass records where
    every line starts and every object/array opens and closes (integer arrays, 4 bytes
    an entry below 2 GB of text); a pointer walks down from the root, skipping nested
    values by their recorded end. Only long containers keep a map (key → key offset, or
    the item offsets), and a bounded number of the short objects read last: a dict for
    every small object on the way (an operation, its responses) cost 180 MB on 100,000
    operations.
    The lines are those the YAML node tree gave: a member's is its key's, an array
    item's its value's; with duplicate keys the first counts.
    """

    __slots__ = ("_closes", "_items", "_keys", "_newlines", "_opens", "_recent", "_root", "_text", "_type")

    def __init__(self, text: str) -> None:
        self._text = text
        self._type = "i" if len(text) < 2**31 else "q"
        self._newlines = array(self._type, (m.start() for m in re.finditer("\n", text)))
        opens, closes, stack = array(self._type), array(self._type), []
        # Minified JSON is one line: every pointer is on it, no structure needed.
        one_line = not self._newlines or _NON_SPACE.search(text, self._newlines[0]) is None
        for match in () if one_line else _JSON_BRACKETS.finditer(text):
            at = match.start(1)
            if text[at] in "{[":
                stack.append(len(opens))
                opens.append(at)
                closes.append(-1)
            elif stack:
                closes[stack.pop()] = at
        self._opens, self._closes = opens, closes
        self._root = _JSON_SPACE.match(text).end()  # type: ignore[union-attr]  # matches the empty string
        self._keys: dict[int, dict[str, int]] = {}  # of the long objects, by their opening offset
        self._items: dict[int, array[int]] = {}  # of the long arrays
        self._recent: dict[int, dict[str, int]] = {}  # of the short objects read last, oldest first

    def line_of(self, tokens: list[str]) -> int:
        """1-based line of the value `tokens` lead to (the nearest existing ancestor's)."""
        at = self._root
        line = self._line(at)
        for token in tokens if self._opens else ():
            opener = self._text[at]
            if opener == "{":
                key_at = self._key(at, token)
                if key_at is None:
                    break
                line, at = self._line(key_at), self._after_key(key_at)
            elif opener == "[" and token.isdigit():
                item = self._item(at, int(token))
                if item is None:
                    break
                at = item
                line = self._line(at)
            else:
                break
        return line + 1

    def _line(self, at: int) -> int:
        return bisect_left(self._newlines, at)

    def _close(self, at: int) -> int:
        return self._closes[bisect_right(self._opens, at) - 1]

    def _key(self, start: int, token: str) -> int | None:
        """The offset of the first key `token` in the object opening at `start`."""
        known = self._keys.get(start) or self._recent.get(start)
        if known is None:
            known = self._key_map(start)
            if len(known) > _SCANNED:
                self._keys[start] = known
            else:
                self._recent[start] = known
                if len(self._recent) > _RECENT:
                    del self._recent[next(iter(self._recent))]
        return known.get(token)

    def _item(self, start: int, index: int) -> int | None:
        """The offset of item `index` of the array opening at `start`."""
        known = self._items.get(start)
        if known is None:
            if index < _SCANNED:
                return next((value_at for i, (_, value_at) in enumerate(self._members(start)) if i == index), None)
            known = self._items[start] = array(self._type, (value_at for _, value_at in self._members(start)))
        return known[index] if index < len(known) else None

    def _key_map(self, start: int) -> dict[str, int]:
        keys: dict[str, int] = {}
        for key_at, _ in self._members(start):
            keys.setdefault(self._key_text(key_at), key_at)
        return keys

    def _key_text(self, key_at: int) -> str:
        raw = _JSON_STRING.match(self._text, key_at).group()  # type: ignore[union-attr]  # the text parsed as JSON
        return json.loads(raw) if "\\" in raw else raw[1:-1]

    def _after_key(self, key_at: int) -> int:
        """The offset of the value of the member whose key starts at `key_at`."""
        text = self._text
        at = _JSON_STRING.match(text, key_at).end()  # type: ignore[union-attr]
        at = _JSON_SPACE.match(text, at).end() + 1  # type: ignore[union-attr]  # the colon
        return _JSON_SPACE.match(text, at).end()  # type: ignore[union-attr]

    def _members(self, start: int) -> Iterator[tuple[int, int]]:
        """(key offset, value offset) of each member of the object or array opening at `start`, in order
        (an array item's key offset is its value's)."""
        text, end = self._text, self._close(start)
        is_object = text[start] == "{"
        at = start + 1
        while True:
            at = _JSON_SPACE.match(text, at).end()  # type: ignore[union-attr]
            if at >= end:
                return
            key_at = at
            if is_object:
                at = self._after_key(key_at)
            value_at, first = at, text[at]
            if first in "{[":
                at = self._close(at) + 1
            else:
                at = (_JSON_STRING if first == '"' else _JSON_SCALAR).match(text, at).end()  # type: ignore[union-attr]
            yield key_at, value_at
            at = _JSON_SPACE.match(text, at).end() + 1  # type: ignore[union-attr]  # past the comma
