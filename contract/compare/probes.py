"""Triangulation probes: one request per spec↔docs disagreement that says who the server follows.

A drift finding says spec and docs disagree; a probe is a request that is valid
under one of them and invalid under the other (`birthday: null`, a 31st custom
attribute, a key with `!`, a boolean attribute value, a create without
`installation_meta`, ...). Every probe starts from one *base* request that both
sources accept, changes exactly the one thing in dispute, and records what each
source expects, so the live answer is a verdict: live follows `spec`, `docs`,
`neither` — or the probe is `inconclusive` and says why.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from contract.core import pointer as jp
from contract.core.schema_facts import local_resolver, resolved
from contract.generate import ExtraConstraint
from contract.load import Spec
from contract.model import Case, Disagreement, Finding, Operation, Verdict

Expect = Literal["accept", "reject", "exists", "absent", "present"]

__all__ = ["Probe", "build_probes", "docs_constraints", "verdict_for"]


@dataclass
class Probe:
    """A request that discriminates between what the spec and the docs say."""

    finding: Finding
    operation: str
    description: str
    spec_expects: Expect
    docs_expects: Expect
    case: Case | None = None  # None: observed on the control exchange (e.g. a response header)
    needs_resource: bool = False  # send after creating the resource it names (docs-only operations)
    header: str | None = None  # for header probes: the response header in dispute
    reason: str | None = None  # why no request can observe it (then the verdict is inconclusive)
    details: dict[str, Any] = field(default_factory=dict)


def _set(body: Any, location: str, value: Any, *, delete: bool = False) -> Any:
    """`body` with the value at `location` replaced (every item for `*`; parents created as needed)."""
    body = copy.deepcopy(body)
    tokens = jp.split(location)

    def go(node: Any, rest: list[str]) -> Any:
        head, tail = rest[0], rest[1:]
        if head == "*":
            items = node if isinstance(node, list) and node else [{"key": "probe", "value": "probe"}]
            return [go(item, tail) if tail else value for item in items]
        node = dict(node) if isinstance(node, dict) else {}
        if not tail:
            if delete:
                node.pop(head, None)
            else:
                node[head] = value
            return node
        node[head] = go(node.get(head, [] if tail[0] == "*" else {}), tail)
        return node

    return go(body, tokens) if tokens else value


def _get(body: Any, location: str) -> Any:
    node = body
    for token in jp.split(location):
        if token == "*":
            node = node[0] if isinstance(node, list) and node else None
        elif isinstance(node, dict):
            node = node.get(token)
        else:
            return None
    return node


def _violating_string(pattern: str, max_len: int | None) -> str | None:
    for candidate in ("bad!key", "with space", "a/b", "ключ", "x" * 5 + "?"):
        if not re.search(pattern, candidate) and (max_len is None or len(candidate) <= max_len):
            return candidate
    return None


def _items(template: Any, n: int) -> list[Any]:
    if isinstance(template, dict) and "key" in template:
        return [{**template, "key": f"probe_{i:02d}"} for i in range(n)]
    return [copy.deepcopy(template) if template is not None else f"item{i}" for i in range(n)]


def _with_body(base: Case, body: Any) -> Case:
    return replace(base, body=body, has_body=True, raw_body=None, mode="conforming", label=None)


def build_probes(spec: Spec, op: Operation, base: Case, drift: list[Finding],
                 docs_examples: dict[str, Case] | None = None) -> list[Probe]:
    """Probes for the drift findings about `op` (and docs-only operations on its path)."""
    body = base.body if base.has_body else {}
    probes = (_probe(f, op, base, body, docs_examples or {}) for f in drift)
    return [p for p in probes if p is not None]


def _probe(f: Finding, op: Operation, base: Case, body: Any, docs_examples: dict[str, Case]) -> Probe | None:
    """The probe for one drift finding; None when there is nothing to probe (or it is about another operation)."""
    if f.check == "drift.operation_missing_in_spec":
        return _operation_probe(f, docs_examples)
    if f.operation != op.key:
        return None
    says = f.disagreement or Disagreement()
    if f.check == "drift.header_missing_in_spec" and says.header:
        return Probe(f, op.key, f"look for response header {says.header}", "absent", "present", header=says.header)
    if not says.location:
        return Probe(f, op.key, f.message, "accept", "accept",
                     reason="no single request observes this (response-side or not located)")
    build = _BODY_PROBES.get(f.check)
    if build is None:
        return Probe(f, op.key, f.message, "accept", "accept", reason="no single request observes this disagreement")
    return build(_Dispute(f, op.key, base, body, says.location, says))


def _operation_probe(f: Finding, docs_examples: dict[str, Case]) -> Probe:
    """An operation only the docs document: send the docs' example request for it, if they give one."""
    operation = f.operation or ""
    example = docs_examples.get(operation)
    if example is not None:
        return Probe(f, operation, f"send the docs' example for {f.operation}", "absent", "exists", case=example,
                     needs_resource=True)
    return Probe(f, operation, f"{f.operation}", "absent", "exists",
                 reason="the docs give no example request for this operation")


@dataclass(frozen=True, slots=True)
class _Dispute:
    """One located disagreement about a request body field, and the base request a probe changes."""

    finding: Finding
    operation: str
    base: Case
    body: Any  # the base request's body
    location: str  # where in the body the field lives
    says: Disagreement

    def send(self, body: Any, what: str, *, spec_ok: bool, docs_ok: bool) -> Probe:
        """A probe sending the base request with `body`; each source expects it accepted if it allows it."""
        return Probe(self.finding, self.operation, what, "accept" if spec_ok else "reject",
                     "accept" if docs_ok else "reject", case=_with_body(self.base, body))


def _nullable(x: _Dispute) -> Probe:
    """The field set to null: accepted by whichever source says it is nullable."""
    return x.send(_set(x.body, x.location, None), f"{x.location.lstrip('/')} = null",
                  spec_ok=bool(x.says.spec_value), docs_ok=bool(x.says.docs_value))


def _required(x: _Dispute) -> Probe:
    """The field left out: accepted by whichever source says it is optional."""
    return x.send(_set(x.body, x.location, None, delete=True), f"omit {x.location.lstrip('/')}",
                  spec_ok=not x.says.spec_value, docs_ok=not x.says.docs_value)


def _type(x: _Dispute) -> Probe:
    """A value of the docs' type (or of the type the docs say is converted), which the spec's type rejects."""
    if x.says.converts:
        source = x.says.converts[0]
        sample = {"boolean": True, "integer": 1, "number": 1.5, "string": "1"}.get(source, True)
        return x.send(_set(x.body, x.location, sample), f"{x.location} = {sample!r} ({source}, converted per the docs)",
                      spec_ok=False, docs_ok=True)
    current = _get(x.body, x.location)
    docs_types = set(x.says.docs_value or [])
    if "object" in docs_types and isinstance(current, list):
        value: Any = {str(i.get("key")): i.get("value") for i in current if isinstance(i, dict)} \
            or {"probe": "probe"}
    elif "array" in docs_types and isinstance(current, dict):
        value = [{"key": k, "value": v} for k, v in current.items()] or ["probe"]
    else:
        # Non-empty containers: an empty one is often refused for its emptiness, not its type.
        sample_by_type = {"string": "probe", "number": 1.5, "integer": 1, "boolean": True,
                          "object": {"probe": "probe"}, "array": ["probe"]}
        value = next((sample_by_type[t] for t in sorted(docs_types) if t in sample_by_type), None)
    return x.send(_set(x.body, x.location, value),
                  f"{x.location.lstrip('/')} as {'/'.join(sorted(docs_types))} (the docs' type)",
                  spec_ok=False, docs_ok=True)


def _limit(x: _Dispute) -> Probe:
    """A value just past the docs' limit (or the spec's, whichever is tighter)."""
    keyword = x.says.keyword
    built = _limit_probe(x.body, x.location, keyword, x.says.docs_value, x.says.spec_value)
    if built is None:
        return Probe(x.finding, x.operation, x.finding.message, "accept", "reject",
                     reason=f"no value separates the two limits ({keyword})")
    body, what, spec_ok, docs_ok = built
    return x.send(body, what, spec_ok=spec_ok, docs_ok=docs_ok)


def _enum(x: _Dispute) -> Probe | None:
    """A value only one of the two lists allows (None when the lists differ only in order or form)."""
    docs_enum, spec_enum = x.says.docs_value or [], x.says.spec_value or []
    only_docs = [v for v in docs_enum if v not in spec_enum]
    only_spec = [v for v in spec_enum if v not in docs_enum]
    if only_docs:
        return x.send(_set(x.body, x.location, only_docs[0]), f"{x.location} = {only_docs[0]!r}",
                      spec_ok=False, docs_ok=True)
    if only_spec:
        return x.send(_set(x.body, x.location, only_spec[0]), f"{x.location} = {only_spec[0]!r}",
                      spec_ok=True, docs_ok=False)
    return None


# Drift check → the probe for a located request body disagreement of that kind.
_BODY_PROBES: dict[str, Callable[[_Dispute], Probe | None]] = {
    "drift.nullable_mismatch": _nullable,
    "drift.required_mismatch": _required,
    "drift.type_mismatch": _type,
    "drift.limit_missing_in_spec": _limit,
    "drift.limit_mismatch": _limit,
    "drift.enum_mismatch": _enum,
}


def _limit_probe(body: Any, loc: str, keyword: str | None, limit: Any,
                 spec_limit: Any) -> tuple[Any, str, bool, bool] | None:
    if keyword == "maxItems" and isinstance(limit, int):
        n = limit + 1 if spec_limit is None or spec_limit > limit else spec_limit + 1
        current = _get(body, loc)
        template = current[0] if isinstance(current, list) and current else {"key": "probe", "value": "probe"}
        docs_ok = n <= limit
        return _set(body, loc, _items(template, n)), f"{n} items in {loc.lstrip('/')}", \
            spec_limit is None or n <= spec_limit, docs_ok
    if keyword == "minItems" and isinstance(limit, int) and limit > 0:
        return _set(body, loc, []), f"empty {loc.lstrip('/')}", spec_limit is None or spec_limit == 0, False
    if keyword == "maxLength" and isinstance(limit, int):
        n = limit + 1 if spec_limit is None or spec_limit > limit else spec_limit + 1
        return _set(body, loc, "x" * n), f"{n}-character {loc}", spec_limit is None or n <= spec_limit, n <= limit
    if keyword == "minLength" and isinstance(limit, int) and limit > 0:
        return _set(body, loc, ""), f"empty string at {loc}", True, False
    if keyword == "pattern" and isinstance(limit, str):
        value = _violating_string(limit, spec_limit if isinstance(spec_limit, int) else 30)
        if value is None:
            return None
        return _set(body, loc, value), f"{loc} = {value!r} (outside the docs' characters)", True, False
    return None


def verdict_for(probe: Probe, status: int | None, headers: dict[str, str] | None = None) -> tuple[Verdict, str]:
    """(verdict, how it was decided) from what the target answered."""
    if probe.header is not None:
        present = any(k.lower() == probe.header.lower() for k in (headers or {}))
        return ("docs", f"{probe.header} is present") if present else ("spec", f"{probe.header} is absent")
    if status is None:
        return "inconclusive", "no answer"
    if probe.spec_expects in ("absent", "exists"):
        live = "absent" if status in (404, 405, 501) else "exists"
    elif 200 <= status < 300:
        live = "accept"
    elif status in (401, 403, 407, 429):
        return "inconclusive", f"{status}: not about the payload"
    elif 400 <= status < 500:
        live = "reject"
    else:
        return "neither", f"{status}: the server failed instead of deciding"
    spec_ok, docs_ok = probe.spec_expects == live, probe.docs_expects == live
    how = f"{status} ({live}); spec expects {probe.spec_expects}, docs expect {probe.docs_expects}"
    if spec_ok and docs_ok:
        return "both", how
    return ("spec" if spec_ok else "docs" if docs_ok else "neither"), how


def docs_constraints(spec: Spec, op: Operation, drift: list[Finding]) -> list[ExtraConstraint]:
    """Constraints the docs add to the spec's request schema, for generation (source="docs")."""
    out: list[ExtraConstraint] = []
    for f in drift:
        says = f.disagreement
        if f.operation != op.key or says is None or not says.location:
            continue
        loc = says.location
        if f.check in ("drift.limit_missing_in_spec", "drift.limit_mismatch") and says.keyword:
            out.append(ExtraConstraint(op.key, "body", loc, says.keyword, says.docs_value, "docs",
                                       f"{says.keyword} {says.docs_value} (docs)", f.docs))
        elif f.check == "drift.nullable_mismatch" and says.docs_value is False:
            types = _spec_types(spec, op, loc)
            if types:
                out.append(ExtraConstraint(op.key, "body", loc, "type", types if len(types) > 1 else types[0],
                                           "docs", "not nullable (docs)", f.docs))
    return out


def _spec_types(spec: Spec, op: Operation, location: str) -> list[str]:
    media = next(iter(op.request_body.content.values()), None) if op.request_body else None
    if media is None or media.schema is None:
        return []
    schema = spec.json_schema(media.schema, "request")
    resolve = local_resolver(schema)
    node: Any = schema
    for token in [*jp.split(location), None]:
        node = resolved(node, resolve)
        if token is None:
            break
        node = (node.get("items") if token == "*" else (node.get("properties") or {}).get(token)) \
            if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return []
    t = node.get("type")
    types = [t] if isinstance(t, str) else list(t or [])
    return [x for x in types if x != "null"]
