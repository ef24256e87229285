"""Python `requests`/`httpx` snippets, read with :mod:`ast` and a literal-only evaluator.

Snippets bind literals to names first (`payload = {...}`, `headers = {...}`) and
pass the names to the call, so assignments are evaluated in source order; only
literals, names bound to literals, f-strings, `+` on strings and `json.dumps`
are understood — anything else is reported, never executed.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Any

from contract.docs.examples.base import HTTP_METHODS, Extraction, Problem, Request, json_body

_VERBS = {m.lower() for m in HTTP_METHODS}


class _Unknown(Exception):
    """An expression that is not a literal we can evaluate."""


class _Dumped(str):
    """A string produced by json.dumps(value): the body is `value`."""

    value: Any

    def __new__(cls, value: Any) -> _Dumped:
        obj = super().__new__(cls, json.dumps(value))
        obj.value = value
        return obj


def _eval(node: ast.AST, env: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Dict):
        out = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:
                spread = _eval(v, env)
                if not isinstance(spread, dict):
                    raise _Unknown("** of a non-dict")
                out.update(spread)
            else:
                out[_eval(k, env)] = _eval(v, env)
        return out
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(e, env) for e in node.elts]
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise _Unknown(f"name {node.id!r} is not bound to a literal")
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                try:
                    parts.append(str(_eval(value.value, env)))
                except _Unknown:
                    parts.append("{" + ast.unparse(value.value) + "}")
            else:
                parts.append(str(_eval(value, env)))
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        raise _Unknown("+ of non-strings")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _eval(node.operand, env)
        if isinstance(value, int | float):
            return -value
    if isinstance(node, ast.Call) and _dotted(node.func) in ("json.dumps", "dumps") and node.args:
        return _Dumped(_eval(node.args[0], env))
    raise _Unknown(f"cannot evaluate {type(node).__name__}")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements in source order, descending into functions, with/try/if blocks and except clauses."""
    for stmt in body:
        yield stmt
        for name in ("body", "orelse", "finalbody", "handlers"):
            for inner in getattr(stmt, name, None) or []:
                if isinstance(inner, ast.stmt):
                    yield from _statements([inner])
                elif isinstance(inner, ast.ExceptHandler):
                    yield from _statements(inner.body)


def _http_call(node: ast.Call) -> tuple[str | None, list[ast.expr]] | None:
    """(method, positional args after the method) for requests.get(...)/httpx.post(...)/requests.request(M, ...)."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    attr = func.attr.lower()
    if attr in _VERBS:
        return attr.upper(), list(node.args)
    if attr == "request":
        if node.args:
            return None, list(node.args)
        return None, []
    return None


def _request(call: ast.Call, env: dict[str, Any], first_line: int, out: Extraction) -> Request | None:
    found = _http_call(call)
    if found is None:
        return None
    method, args = found
    kwargs = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    line = first_line + call.lineno - 1
    req = Request(line=line, method=method)

    def value(node: ast.AST | None, what: str) -> Any:
        if node is None:
            return None
        try:
            return _eval(node, env)
        except (_Unknown, TypeError, ValueError, RecursionError) as exc:
            out.problems.append(Problem(line, f"python {what} cannot be read: {exc}"))
            return None

    if method is None:
        m = value(args.pop(0) if args else kwargs.get("method"), "method")
        req.method = str(m).upper() if m else None
    url = value(args[0] if args else kwargs.get("url"), "url")
    if not isinstance(url, str) or not (url.startswith(("http://", "https://", "/")) or "{" in url):
        return None  # a .get() on something that is not an HTTP client, e.g. dict.get("x")
    req.url = url
    headers = value(kwargs.get("headers"), "headers")
    if isinstance(headers, dict):
        req.headers = {str(k): str(v) for k, v in headers.items()}
    if "json" in kwargs:
        body = value(kwargs["json"], "json body")
        req.body, req.has_body = body, True
    elif "data" in kwargs or "content" in kwargs:
        body = value(kwargs.get("data", kwargs.get("content")), "data body")
        req.has_body = body is not None
        if isinstance(body, _Dumped):
            req.body = body.value
        elif isinstance(body, str):
            req.raw_body = body
            req.body, error = json_body(body, req.headers)
            if error:
                out.problems.append(Problem(line, f"python {error}"))
        else:
            req.body = body
    return req


def extract_python(text: str, first_line: int) -> Extraction:
    """HTTP requests a Python snippet makes; syntax errors and unreadable arguments become problems."""
    out = Extraction()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        lineno = getattr(exc, "lineno", None) or 1
        out.problems.append(Problem(first_line + lineno - 1, f"python snippet does not parse: {exc}"))
        return out
    env: dict[str, Any] = {}
    for stmt in _statements(tree.body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                env[stmt.targets[0].id] = _eval(stmt.value, env)
            except (_Unknown, TypeError, ValueError, RecursionError):
                env.pop(stmt.targets[0].id, None)
        for node in _calls(stmt):
            req = _request(node, env, first_line, out)
            if req is not None:
                out.requests.append(req)
    if not out.requests and not out.problems:
        out.problems.append(Problem(first_line, "no HTTP request found in python snippet"))
    return out


def _calls(stmt: ast.stmt) -> Iterator[ast.Call]:
    """Calls in a statement itself, not in nested function bodies (those are visited as statements)."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.stmt):
                stack.append(child)
