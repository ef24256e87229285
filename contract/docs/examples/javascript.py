"""JavaScript `fetch`/`axios` snippets, read with esprima (an ECMAScript parser).

Like the Python reader this evaluates literals only: object and array literals,
strings, template literals, `new Headers()` with `.append/.set`, and
`JSON.stringify(...)`, with names bound earlier in the snippet. The object-literal
values are turned into Python values directly from the syntax tree, so unquoted
keys, single quotes and trailing commas need no separate JSON5 parser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import esprima

from contract.docs.examples.base import HTTP_METHODS, Extraction, Problem, Request, json_body

_VERBS = {m.lower() for m in HTTP_METHODS}


class _Unknown(Exception):
    """An expression that is not a literal we can evaluate."""


@dataclass(slots=True)
class _Headers:
    """A `new Headers()` object being filled with `.append(name, value)`."""

    items: dict[str, str] = field(default_factory=dict)


class _Stringified(str):
    """The result of JSON.stringify(value)."""

    value: Any

    def __new__(cls, value: Any) -> _Stringified:
        obj = super().__new__(cls, json.dumps(value))
        obj.value = value
        return obj


def _is_node(value: Any) -> bool:
    return hasattr(value, "type") and isinstance(getattr(value, "type", None), str)


def _children(node: Any) -> Iterator[Any]:
    for value in vars(node).values():
        if _is_node(value):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if _is_node(v))


def _callee_name(node: Any) -> str:
    if node is None:
        return ""
    if node.type == "Identifier":
        return str(node.name)
    if node.type == "MemberExpression" and not node.computed:
        return f"{_callee_name(node.object)}.{node.property.name}"
    return ""


def _key(prop: Any, env: dict[str, Any]) -> str:
    if prop.computed:
        return str(_eval(prop.key, env))
    if prop.key.type == "Identifier":
        return str(prop.key.name)
    return str(prop.key.value)


def _eval(node: Any, env: dict[str, Any]) -> Any:
    kind = node.type
    if kind == "Literal":
        if getattr(node, "regex", None):
            raise _Unknown("regular expression")
        return node.value
    if kind == "ObjectExpression":
        out: dict[str, Any] = {}
        for prop in node.properties:
            if prop.type == "SpreadElement":
                spread = _eval(prop.argument, env)
                if not isinstance(spread, dict):
                    raise _Unknown("spread of a non-object")
                out.update(spread)
            else:
                out[_key(prop, env)] = _eval(prop.value, env)
        return out
    if kind == "ArrayExpression":
        return [_eval(e, env) for e in node.elements if e is not None]
    if kind == "Identifier":
        if node.name in env:
            return env[node.name]
        if node.name == "undefined":
            return None
        raise _Unknown(f"name {node.name!r} is not bound to a literal")
    if kind == "TemplateLiteral":
        parts: list[str] = []
        for n, quasi in enumerate(node.quasis):
            parts.append(quasi.value.cooked or "")
            if n < len(node.expressions):
                try:
                    parts.append(str(_eval(node.expressions[n], env)))
                except _Unknown:
                    parts.append("{" + _callee_name(node.expressions[n]) + "}")
        return "".join(parts)
    if kind == "UnaryExpression" and node.operator in ("-", "+"):
        value = _eval(node.argument, env)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value if node.operator == "-" else value
    if kind == "BinaryExpression" and node.operator == "+":
        left, right = _eval(node.left, env), _eval(node.right, env)
        if isinstance(left, str) or isinstance(right, str):
            return f"{left}{right}"
    if kind == "NewExpression" and _callee_name(node.callee) == "Headers":
        initial = _eval(node.arguments[0], env) if node.arguments else {}
        return _Headers({str(k): str(v) for k, v in (initial.items() if isinstance(initial, dict) else [])})
    if kind == "CallExpression" and _callee_name(node.callee) == "JSON.stringify" and node.arguments:
        return _Stringified(_eval(node.arguments[0], env))
    if kind == "AwaitExpression":
        return _eval(node.argument, env)
    raise _Unknown(f"cannot evaluate {kind}")


def _as_headers(value: Any) -> dict[str, str]:
    if isinstance(value, _Headers):
        return dict(value.items)
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {}


class _Reader:
    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.env: dict[str, Any] = {}
        self.out = Extraction()

    def line(self, node: Any) -> int:
        return self.first_line + int(node.loc.start.line) - 1

    def value(self, node: Any, what: str, line: int) -> Any:
        if node is None:
            return None
        try:
            return _eval(node, self.env)
        except (_Unknown, TypeError, ValueError, AttributeError, RecursionError) as exc:
            self.out.problems.append(Problem(line, f"javascript {what} cannot be read: {exc}"))
            return None

    # -- statements in order: bindings first, then the calls they feed ------------------
    def statements(self, body: list[Any]) -> None:
        for stmt in body:
            if stmt.type == "VariableDeclaration":
                for decl in stmt.declarations:
                    if decl.init is not None:
                        self.calls(decl.init)
                    if decl.id.type == "Identifier" and decl.init is not None:
                        try:
                            self.env[decl.id.name] = _eval(decl.init, self.env)
                        except (_Unknown, TypeError, ValueError, AttributeError, RecursionError):
                            self.env.pop(decl.id.name, None)
            elif stmt.type == "ExpressionStatement":
                self.mutation(stmt.expression)
                self.calls(stmt.expression)
            elif stmt.type in ("FunctionDeclaration",):
                self.statements(stmt.body.body)
            else:
                for child in _children(stmt):
                    if child.type == "BlockStatement":
                        self.statements(child.body)
                    elif child.type.endswith("Statement") or child.type == "VariableDeclaration":
                        self.statements([child])
                    else:
                        self.calls(child)

    def mutation(self, expr: Any) -> None:
        """`headers.append("Name", "value")` / `.set(...)`, and `x = literal` re-bindings."""
        if expr.type == "CallExpression" and expr.callee.type == "MemberExpression" and not expr.callee.computed:
            target = expr.callee.object
            if target.type == "Identifier" and isinstance(self.env.get(target.name), _Headers) \
                    and expr.callee.property.name in ("append", "set") and len(expr.arguments) >= 2:
                name = self.value(expr.arguments[0], "header name", self.line(expr))
                value = self.value(expr.arguments[1], "header value", self.line(expr))
                if name is not None:
                    self.env[target.name].items[str(name)] = "" if value is None else str(value)
        elif expr.type == "AssignmentExpression" and expr.left.type == "Identifier":
            try:
                self.env[expr.left.name] = _eval(expr.right, self.env)
            except (_Unknown, TypeError, ValueError, AttributeError, RecursionError):
                self.env.pop(expr.left.name, None)

    def calls(self, node: Any) -> None:
        """Find fetch/axios calls inside an expression (through .then chains and arrow functions)."""
        stack = [node]
        found: list[Any] = []
        while stack:
            current = stack.pop()
            if current.type == "CallExpression":
                found.append(current)
            if current.type == "BlockStatement":
                self.statements(current.body)
                continue
            if current.type in ("FunctionExpression", "ArrowFunctionExpression") \
                    and current.body.type == "BlockStatement":
                self.statements(current.body.body)
                continue
            stack.extend(_children(current))
        for call in sorted(found, key=lambda c: (c.loc.start.line, c.loc.start.column)):
            req = self.request(call)
            if req is not None:
                self.out.requests.append(req)

    def request(self, call: Any) -> Request | None:
        name = _callee_name(call.callee)
        line = self.line(call)
        args = call.arguments
        if name == "fetch" and args:
            url = self.value(args[0], "url", line)
            options = self.value(args[1], "fetch options", line) if len(args) > 1 else {}
            return self._build(line, url, options if isinstance(options, dict) else {}, "body")
        head, _, verb = name.rpartition(".")
        if head.split(".")[-1:] == ["axios"] or name == "axios" or head == "axios":
            if name in ("axios", "axios.request") and args:
                config = self.value(args[0], "axios config", line)
                config = config if isinstance(config, dict) else {}
                return self._build(line, config.get("url"), config, "data")
            if verb in _VERBS and args:
                url = self.value(args[0], "url", line)
                has_data = verb in ("post", "put", "patch") and len(args) > 1
                config_at = 2 if has_data else 1
                config = self.value(args[config_at], "axios config", line) if len(args) > config_at else {}
                config = dict(config) if isinstance(config, dict) else {}
                config["method"] = verb
                if has_data:
                    config["data"] = self.value(args[1], "axios data", line)
                return self._build(line, url, config, "data")
        return None

    def _build(self, line: int, url: Any, options: dict[str, Any], body_key: str) -> Request:
        req = Request(line=line, url=url if isinstance(url, str) else None)
        method = options.get("method")
        req.method = str(method).upper() if method else ("GET" if body_key == "body" else None)
        req.headers = _as_headers(options.get("headers"))
        if body_key in options and options[body_key] is not None:
            body = options[body_key]
            req.has_body = True
            if isinstance(body, _Stringified):
                req.body = body.value
            elif isinstance(body, str):
                req.raw_body = body
                req.body, error = json_body(body, req.headers)
                if error:
                    self.out.problems.append(Problem(line, f"javascript {error}"))
            else:
                req.body = body
        if req.url is None:
            self.out.problems.append(Problem(line, "javascript request URL cannot be read"))
        return req


def _parse(text: str) -> Any:
    try:
        return esprima.parseScript(text, {"loc": True})
    except Exception:  # esprima raises its own Error (and others on odd input); retry below
        pass
    # Top-level await is common in docs; wrapping on the first line keeps line numbers.
    return esprima.parseScript("(async () => {" + text + "\n})();", {"loc": True})


def extract_javascript(text: str, first_line: int) -> Extraction:
    """HTTP requests a JavaScript snippet makes; syntax errors and unreadable parts become problems."""
    try:
        tree = _parse(text)
    except RecursionError:
        out = Extraction()
        out.problems.append(Problem(first_line, "javascript snippet is nested too deeply to parse"))
        return out
    except Exception as exc:  # esprima.Error and the odd internal error on arbitrary text
        out = Extraction()
        lineno = getattr(exc, "lineNumber", None)
        line = first_line + lineno - 1 if isinstance(lineno, int) and lineno > 0 else first_line
        out.problems.append(Problem(line, f"javascript snippet does not parse: {exc}"))
        return out
    reader = _Reader(first_line)
    try:
        reader.statements(tree.body)
    except RecursionError:
        reader.out.problems.append(Problem(first_line, "javascript snippet is nested too deeply to read"))
    if not reader.out.requests and not reader.out.problems:
        reader.out.problems.append(Problem(first_line, "no fetch/axios request found in javascript snippet"))
    return reader.out


def eval_literal(text: str) -> Any:
    """A JS/JSON5-style literal (comments, trailing commas, unquoted keys) as a Python value.

    Raises ValueError when the text is not one literal expression.
    """
    try:
        tree = esprima.parseScript("(" + text + "\n)", {"loc": False})
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except Exception as exc:  # esprima.Error
        raise ValueError(str(exc)) from None
    body = tree.body
    if len(body) != 1 or body[0].type != "ExpressionStatement":
        raise ValueError("not a single literal")
    try:
        return _eval(body[0].expression, {})
    except (_Unknown, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ValueError(str(exc)) from None
