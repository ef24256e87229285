"""Minimal failing cases: drop what the failure does not need, with a bounded number of requests.

Greedy and deterministic: candidates are tried in a fixed order (optional body
properties, then array items, then optional headers), each first checked
*offline* — it must stay as conforming/violating as the original (no new spec
violation, every extra constraint still honoured, the labelled constraint
untouched) — and only then sent. A candidate is kept when the same check still
fails with the same signature; the loop restarts from the smaller case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from contract.core import pointer as jp
from contract.generate.extra import ExtraCheck, ExtraConstraint
from contract.model import Case, Exchange, Operation, ParamIn
from contract.redact import is_secret_name
from contract.validate import RequestValidator

__all__ = ["ShrinkResult", "shrink"]

_KEEP_HEADERS = {"content-type", "accept"}


@dataclass(slots=True)
class ShrinkResult:
    case: Case
    exchange: Exchange | None  # the last failing exchange of the smallest case (None: nothing removed)
    removed: list[str]
    requests: int


def _label_path(case: Case) -> list[str] | None:
    """The labelled body location as tokens (its subtree is never touched); None when not in the body."""
    if case.label is None:
        return None
    pointer = case.label.pointer
    if pointer == "" or pointer.startswith("/"):
        return jp.split(pointer)
    return None


def _label_headers(case: Case) -> set[str]:
    if case.label is None or not case.label.pointer.startswith("header/"):
        return set()
    return {n.lower() for n in case.label.pointer[len("header/"):].split("|")}


def _body_candidates(body: Any, protect: list[str] | None, prefix: str = "",
                     depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(what, smaller body) pairs, one removal each, outermost first; `protect` is the label path."""
    if protect == [] or depth > 4:
        return
    if isinstance(body, dict):
        for key in list(body):
            if not (protect and protect[0] == key):
                yield f"{prefix}/{key}", {k: v for k, v in body.items() if k != key}
        for key in list(body):
            sub = protect[1:] if protect and protect[0] == key else None
            for what, inner in _body_candidates(body[key], sub, f"{prefix}/{key}", depth + 1):
                yield what, {**body, key: inner}
    elif isinstance(body, list):
        keep = int(protect[0]) if protect and protect[0].isdigit() else None
        for i in reversed(range(len(body))):
            if keep is None or i > keep:  # removing an earlier item would shift the labelled one
                yield f"{prefix}/{i}", body[:i] + body[i + 1:]
        for i, item in enumerate(body):
            sub = protect[1:] if keep == i and protect else None
            for what, inner in _body_candidates(item, sub, f"{prefix}/{i}", depth + 1):
                yield what, [*body[:i], inner, *body[i + 1:]]


def _header_candidates(case: Case, op: Operation) -> Iterator[tuple[str, dict[str, str]]]:
    protected = _label_headers(case)
    for name in list(case.headers):
        low = name.lower()
        param = op.parameter("header", name)
        if low in _KEEP_HEADERS or is_secret_name(name) or low in protected or (param and param.required):
            continue
        yield f"header {name}", {k: v for k, v in case.headers.items() if k != name}


def shrink(case: Case, op: Operation, validator: RequestValidator, extras: Sequence[ExtraConstraint],
           still_fails: Callable[[Case], tuple[bool, Exchange]], budget: int) -> ShrinkResult:
    """The smallest case (by greedy removal) for which `still_fails` holds; at most `budget` requests."""
    checks = [ExtraCheck(e, _param_schema(op, e.part, e.location) if e.part != "body" else None)
              for e in extras if e.operation == op.key]
    baseline = {(v.part, v.pointer, v.keyword) for v in validator.validate_case(case)}
    honoured = [c.holds(case) for c in checks]
    protect = _label_path(case)

    def admissible(candidate: Case) -> bool:
        now = {(v.part, v.pointer, v.keyword) for v in validator.validate_case(candidate)}
        if not now <= baseline:
            return False
        return all(c.holds(candidate) or not was for c, was in zip(checks, honoured, strict=True))

    current, removed, used, last = case, [], 0, None
    progress = True
    while progress and used < budget:
        progress = False
        options: list[tuple[str, Case]] = []
        if current.has_body and current.raw_body is None:
            options += [(w, replace(current, body=b)) for w, b in _body_candidates(current.body, protect)]
        options += [(w, replace(current, headers=h)) for w, h in _header_candidates(current, op)]
        for what, candidate in options:
            if used >= budget:
                break
            candidate = copy.deepcopy(candidate)
            if not admissible(candidate):
                continue
            used += 1
            ok, exchange = still_fails(candidate)
            if ok:
                current, last = candidate, exchange
                removed.append(what)
                progress = True
                break
    return ShrinkResult(current, last, removed, used)


def _param_schema(op: Operation, part: str, name: str) -> dict[str, Any] | None:
    """The schema of the parameter an extra constraint is about ({} when it has none); None when absent."""
    param = op.parameter(cast(ParamIn, part), name)
    if param is None:
        return None
    return param.schema if isinstance(param.schema, dict) else {}
