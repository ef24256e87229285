"""Cases for one operation: conforming ones, and violating ones site by site.

Everything that costs (schema inlining, pools, compiled validators, sites) is
built once per operation; each case then costs microseconds plus one pass
through the gate. Every case draws from its own `random.Random`, seeded from
(seed, operation, mode, index), so output is reproducible and a larger
`--count` extends a smaller one instead of reshuffling it.

A violating case is one violation placed in a *strict* base, so that a rejection can
only be about the labelled constraint. Strict: every other value is drawn from the
spec schema with every extra constraint (prose, docs) merged in — the strictest
reading, minus any extra no value can honour together with the spec (left out with
a coverage note) — and is plain (`Plan.plain`: no null, empty or boundary value,
array items distinct). The violating value itself must keep every other constraint
known at its location. Parameters carry what travels: wire strings, never a null,
an object or an empty value dressed as something else. The gate then checks the
case as sent (exactly its label broken) and undone (the site back at the value the
violation was made from: everything honoured).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from contract.core.http import is_form
from contract.generate.draw import derive_seed
from contract.generate.extra import (
    ExtraCheck,
    ExtraConstraint,
    extra_schema,
    merge_into,
    merged_node,
    split_location,
)
from contract.generate.formats import custom_formats, wire_legal
from contract.generate.gate import Branch, Expect, Gate
from contract.generate.normalise import Unsatisfiable, formats_in, inline
from contract.generate.sites import (
    EXTRA_PROPERTY,
    Site,
    Step,
    body_sites,
    escape,
    instance_pointer,
    param_sites,
)
from contract.generate.strategies import (
    RANDOM,
    STRICT,
    BudgetExceeded,
    Compiler,
    Gen,
    Plan,
    Pools,
    canonical,
    distinct_items,
    wire,
)
from contract.generate.violations import MISSING, candidates, describe, implies, wire_candidates, without
from contract.load import Spec
from contract.model import (
    Case,
    Constraint,
    Finding,
    MediaType,
    Operation,
    Parameter,
    SecurityScheme,
    Severity,
)
from contract.validate import CompiledSchema, Validators, coerce, is_json_media, match_media

__all__ = ["OperationGenerator"]

_WRONG_MEDIA = ("text/plain", "application/x-unknown-type")
_PARAM_PARTS = frozenset({"header", "query", "path", "cookie"})


class _NoCandidate(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Credential:
    """What a security scheme puts on a request: `value` in header/query/cookie `name`."""

    where: str  # header | query | cookie
    name: str
    value: str


@dataclass(slots=True)
class _Draft:
    params: dict[tuple[str, str], Any] = field(default_factory=dict)
    body: Any = MISSING
    media_type: str | None = None
    raw_body: bytes | None = None
    drop_security: bool = False
    dropped_headers: set[str] = field(default_factory=set)  # lower-cased: user headers the case must not carry


@dataclass(slots=True)
class _Param:
    param: Parameter
    tree: Any  # normalised spec schema
    gen_tree: Any  # with extra constraints merged
    gen: Gen | None


FORM_TEXT = "a form field travels as text: a value of another type cannot be sent"
FORM_OBJECT = "a form body is a set of fields: a body of another type cannot be sent"
HUGE_LENGTH = 1_000_000  # characters: a longer violating string is megabytes on the wire, and checking it takes seconds
HUGE = "breaking this maxLength takes a string of over a million characters: not sent"
BYTES_TEXT = "a body that is not JSON travels as bytes, and any bytes are a string: another type cannot be sent"


class OperationGenerator:
    """Builds once, then produces conforming and violating cases of one operation."""

    def __init__(self, spec: Spec, operation: Operation, *, seed: int, headers: Mapping[str, str] | None,
                 extra: Sequence[ExtraConstraint], budget: float, validators: Validators | None = None,
                 pools: Pools | None = None) -> None:
        self.spec, self.op, self.seed = spec, operation, seed
        self.findings: list[Finding] = []
        self.discarded: dict[str, int] = {}
        self.deadline = time.monotonic() + budget
        self.user_headers = {k: v for k, v in (headers or {}).items()}
        self._user_lower = {k.lower(): v for k, v in self.user_headers.items()}
        self.validator = (validators or Validators(spec)).request(operation)
        self.extras = [e for e in extra if e.operation == operation.key]

        self.media: MediaType | None = _pick_media(operation)
        self.body_tree: Any = None
        if self.media is not None and self.media.schema is not None:
            self.body_tree = inline(spec.json_schema(self.media.schema, "request"))
        self.params: list[_Param] = []
        for p in operation.parameters:
            tree = inline(spec.json_schema(p.schema, "request")) if p.schema is not None else {"type": "string"}
            self.params.append(_Param(p, tree, tree, None))

        # The strict view: spec ∩ every extra constraint, merged into the trees values are drawn from.
        self.contradictory: dict[int, str] = {}  # id(extra) → why it is left out of the strict view
        self.gen_map: dict[int, tuple[Any, Any]] = {}
        self._merge(self.extras)
        formats = formats_in(self.body_gen_tree) if self.body_gen_tree is not None else set()
        for prm in self.params:
            formats |= formats_in(prm.gen_tree)
        fmt_strategies, unknown = custom_formats(formats)
        for name in unknown:
            # One cause however many operations use the format (Discord: `snowflake` on 222 of 242).
            self.findings.append(Finding(
                "generate.unknown_format", Severity.INFO,
                f"{operation.key}: format {name!r} is unknown: generated as a plain string", operation=operation.key,
                details={"cause": f"unknown_format:{name}",
                         "cause_message": f"format {name!r} is unknown to the generator: its values are drawn as "
                                          "plain strings (from the schema's pattern where there is one)"}))
        self.compiler = Compiler(seed=seed, formats=fmt_strategies, deadline=self.deadline, pools=pools)
        self._strictest_consistent()

        self.body_gen: Gen | None = None
        if self.body_gen_tree is not None:
            self.body_gen = self.compiler.gen(self.body_gen_tree)
        for prm in self.params:
            try:
                prm.gen = self.compiler.gen(prm.gen_tree, name=prm.param.name, context=prm.param.location)
            except Unsatisfiable as exc:
                if prm.param.required:
                    raise Unsatisfiable(f"{prm.param.location} parameter {prm.param.name!r}: {exc}") from None
                self._finding("generate.parameter_skipped", Severity.INFO,
                              f"{operation.key}: optional {prm.param.location} parameter {prm.param.name!r} is "
                              f"never sent: {exc}")

        self.credentials = self._credentials()
        checks = [ExtraCheck(e, self._param_tree(e)) for e in self.extras]
        self.extra_checks = checks
        # Contradictory extras are out of the strict view: no value honours them and the spec both.
        self.gate = Gate(self.validator, [c for c in checks if id(c.extra) not in self.contradictory],
                         cookies=any(p.param.location == "cookie" for p in self.params)
                         or any(c.where == "cookie" for c in self.credentials))
        self.sites = self._sites()
        if self.media is not None and is_form(self.media.media_type):
            for site in self.sites:  # every form value is text on the wire (Box's /oauth2/token, Stripe, Twilio)
                if site.part != "body" or site.keyword != "type" or site.note:
                    continue
                if not site.steps:  # a form is fields: a null (or any non-object) body is an empty form on the wire
                    site.note = FORM_OBJECT
                elif site.value == "string" or (isinstance(site.value, list) and "string" in site.value):
                    site.note = FORM_TEXT
        elif self.media is not None and not is_json_media(self.media.media_type):
            for site in self.sites:  # Box's chunk upload (application/octet-stream): `null` is four bytes of a chunk
                if site.part == "body" and not site.steps and site.keyword == "type" and not site.note and (
                        site.value == "string" or (isinstance(site.value, list) and "string" in site.value)):
                    site.note = BYTES_TEXT
        for site in self.sites:  # OpenAI's image URLs (20 MiB) and file contents: no megabyte request per case
            if site.keyword == "maxLength" and isinstance(site.value, int) and site.value >= HUGE_LENGTH \
                    and not site.note:
                site.note = HUGE
        self._implied = {site.ident: self._implied_checks(site) for site in self.sites}
        compiled = self.validator.body_schema(self.media.media_type) if self.media is not None else None
        broken = getattr(compiled, "broken", None)
        if broken:
            self._finding("generate.validator_unusable", Severity.WARNING,
                          f"{operation.key}: the validator cannot check the request body ({broken}); "
                          "body constraints get no violating cases")
            for site in self.sites:
                if site.part == "body" and not site.note:
                    site.note = "the validator cannot check this body"
        self._acceptors: dict[int, Any] = {}
        self._items_rnd = Random(derive_seed(seed, operation.key, "items"))

    # -- the strict view -------------------------------------------------------------------

    def _merge(self, extras: Sequence[ExtraConstraint]) -> None:
        """The generation trees: each spec tree with `extras` merged in (the strictest reading of each value)."""
        self.gen_map = {}
        self.body_gen_tree = self.body_tree
        for e in extras:
            if e.part == "body" and e.keyword != "either" and self.body_gen_tree is not None:
                self.body_gen_tree = merge_into(self.body_gen_tree, e, self.gen_map)
        for prm in self.params:
            prm.gen_tree = prm.tree
            for e in extras:
                if e.part == prm.param.location and e.keyword != "either" and \
                        _same_name(e.location, prm.param.name, e.part):
                    prm.gen_tree = merge_into(prm.gen_tree, e, self.gen_map)

    def _extra_nodes(self, e: ExtraConstraint) -> tuple[Any, Any, str] | None:
        """(spec node, merged node, context) at an extra constraint's location; None when it has none."""
        if e.keyword == "either":
            return None
        if e.part == "body":
            if self.body_tree is None:
                return None
            steps = _steps_for(self.body_tree, split_location(e.location))
            if steps is None:
                return None
            node = _node_at(self.body_tree, steps)
            return node, merged_node(node, self.gen_map), "body"
        prm = next((x for x in self.params if x.param.location == e.part and
                    _same_name(e.location, x.param.name, e.part)), None)
        return None if prm is None else (prm.tree, prm.gen_tree, e.part)

    def _satisfiable(self, node: Any, context: str) -> bool:
        try:
            self.compiler.gen(node, context=context)  # type: ignore[arg-type]
        except Unsatisfiable:
            return False
        return True

    def _strictest_consistent(self) -> None:
        """Leave out of the strict view each extra constraint no value can honour together with the spec.

        Usually every location is satisfiable with all extras merged (one check each, whose pools
        generation then reuses). Otherwise extras are added back one by one, docs before prose, each
        kept only if its location stays satisfiable: the strictest consistent reading. What is left
        out gets a coverage note and is not checked by the gate (no case could honour it).
        """
        bad = []
        for e in self.extras:
            nodes = self._extra_nodes(e)
            if nodes is not None and not self._satisfiable(nodes[1], nodes[2]) and \
                    self._satisfiable(nodes[0], nodes[2]):
                bad.append(e)
        if not bad:
            return
        kept: list[ExtraConstraint] = []
        order = sorted(self.extras, key=lambda x: (x.source != "docs", self.extras.index(x)))
        for e in order:
            self._merge([*kept, e])
            nodes = self._extra_nodes(e)
            if nodes is None or self._satisfiable(nodes[1], nodes[2]) or not self._satisfiable(nodes[0], nodes[2]):
                kept.append(e)
            else:
                others = [f"{x.source} {x.keyword} {x.value!r}" for x in kept if x.part == e.part and
                          x.location == e.location]
                self.contradictory[id(e)] = (
                    f"contradicts the spec{' and ' + ', '.join(others) if others else ''} at "
                    f"{e.location or e.part}: no value honours both, so the strictest consistent reading "
                    "leaves it out")
        self._merge([e for e in self.extras if id(e) not in self.contradictory])

    # -- public ---------------------------------------------------------------------------

    def conforming(self, count: int) -> list[Case]:
        out: list[Case] = []
        sweeps = min(self.compiler.max_edges, 24)
        i = 0
        limit = 5 * count + 50
        while len(out) < count and i < limit:
            if time.monotonic() > self.deadline:
                self._budget_finding("conforming", len(out), count)
                break
            rnd = Random(derive_seed(self.seed, self.op.key, "conforming", i))
            plan = (Plan(realistic=True, optional="all") if i == 0 else Plan(realistic=True, optional="none")
                    if i == 1 else Plan(sweep=i - 2, optional="all") if i < 2 + sweeps else RANDOM)
            i += 1
            try:
                case = self._finish(self._base(rnd, plan), "conforming", None)
            except (Unsatisfiable, _NoCandidate):
                continue
            except BudgetExceeded:
                self._budget_finding("conforming", len(out), count)
                break
            reason = self.gate.conforming(case)
            if reason is None:
                out.append(case)
            else:
                self._discard(reason)
        if not out and count > 0 and not any(f.check == "generate.budget" for f in self.findings):
            reason = next(iter(self.discarded), "no attempt produced a case")
            self._finding("generate.unsatisfiable", Severity.WARNING,
                          f"cannot generate for {self.op.key}: {reason}")
        return out

    def violating(self, count: int) -> list[Case]:
        """At least `count` cases and at least one per constraint that can be broken alone."""
        out: list[Case] = []
        live = [s for s in self.sites if not s.note]
        rnd_round = 0
        while live:
            progress = False
            for site in list(live):
                if time.monotonic() > self.deadline:
                    self._budget_finding("violating", len(out), count)
                    return out
                case = self._violate(site, rnd_round)
                if case is None:
                    if site.cases == 0:
                        live.remove(site)
                    continue
                site.cases += 1
                progress = True
                out.append(case)
                if len(out) >= count and all(s.cases for s in live):
                    return out
            rnd_round += 1
            if not progress or rnd_round > 10 * count + 10:
                break
        return out

    def one_conforming(self, rnd: Random) -> Case | None:
        """One conforming case whose every choice comes from `rnd`, or None when the gate refuses it.

        For callers that own the randomness (:mod:`contract.strategies` passes a hypothesis-driven
        `Random`, so hypothesis shrinks the choices).
        """
        try:
            case = self._finish(self._base(rnd, RANDOM), "conforming", None)
        except (Unsatisfiable, _NoCandidate):
            return None
        return case if self.gate.conforming(case) is None else None

    @property
    def breakable(self) -> list[Site]:
        """The constraints a violating case can break alone (the rest say why not in `note`)."""
        return [s for s in self.sites if not s.note]

    def one_violating(self, site: Site, rnd: Random) -> Case | None:
        """One case breaking `site` and nothing else, choices from `rnd`; None when the gate refuses it."""
        try:
            case, check = self._build_violation(site, rnd, 0)
        except (_NoCandidate, Unsatisfiable):
            return None
        return case if check(case) is None else None

    # -- building requests --------------------------------------------------------------

    def _base(self, rnd: Random, plan: Plan) -> _Draft:
        draft = _Draft()
        for prm in self.params:
            p = prm.param
            user = self._user_lower.get(p.name.lower()) if p.location == "header" else None
            if user is not None:
                draft.params[(p.location, p.name)] = user
                continue
            if prm.gen is None:
                continue
            if p.required or plan.optional == "all" or (plan.optional == "random" and rnd.random() < 0.5):
                value = prm.gen.generate(rnd, plan)
                if plan.plain and not p.required and _structured(value):
                    continue  # an object has no wire form the validator reads back: a strict base leaves it out
                draft.params[(p.location, p.name)] = value
        for e in self.extras:
            if e.keyword == "either" and not any(self._present(draft, e.part, n) for n in e.value):
                name = e.value[rnd.randrange(len(e.value))]
                prm_ = next((x for x in self.params if x.param.location == e.part and
                             _same_name(name, x.param.name, e.part)), None)
                value = prm_.gen.generate(rnd, plan) if prm_ and prm_.gen else "example"
                draft.params[(e.part, prm_.param.name if prm_ else name)] = value
        if self.media is not None:
            draft.media_type = self.media.media_type
            required = self.validator.body_required
            if required or plan.optional == "all" or plan.realistic or rnd.random() < 0.9:
                draft.body = self.body_gen.generate(rnd, plan) if self.body_gen is not None else {}
        return draft

    def _present(self, draft: _Draft, part: str, name: str) -> bool:
        if part == "header" and name.lower() in self._user_lower:
            return True
        return any(loc == part and _same_name(n, name, part) for loc, n in draft.params)

    def _finish(self, draft: _Draft, mode: str, label: Constraint | None) -> Case:
        headers: dict[str, str] = {}
        query: dict[str, str] = {}
        path: dict[str, str] = {}
        cookies: list[str] = []
        for (loc, name), value in draft.params.items():
            text = wire(value)
            if loc == "header":
                headers[name] = text
            elif loc == "query":
                query[name] = text
            elif loc == "path":
                path[name] = text
            else:
                cookies.append(f"{name}={text}")
        if not draft.drop_security:
            for cred in self.credentials:
                if cred.where == "header":
                    headers.setdefault(cred.name, cred.value)
                elif cred.where == "query":
                    query.setdefault(cred.name, cred.value)
                else:
                    cookies.append(f"{cred.name}={cred.value}")
        has_body = draft.body is not MISSING or draft.raw_body is not None
        if has_body and draft.media_type:
            headers["Content-Type"] = draft.media_type
        lowered = {k.lower() for k in headers}
        for k, v in self.user_headers.items():
            if k.lower() not in lowered:
                headers[k] = v
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        return Case(operation=self.op.key, method=self.op.method, path=self.op.path, path_params=path,
                    headers=headers, query=query, body=draft.body if draft.body is not MISSING else None,
                    has_body=has_body, media_type=draft.media_type if has_body else None,
                    raw_body=draft.raw_body, mode=mode, label=label)  # type: ignore[arg-type]

    # -- violations -----------------------------------------------------------------------

    def _violate(self, site: Site, rnd_round: int) -> Case | None:
        for attempt in range(4 if site.cases == 0 else 2):
            rnd = Random(derive_seed(self.seed, self.op.key, "violating", site.ident, rnd_round, attempt))
            try:
                case, check = self._build_violation(site, rnd, rnd_round)
            except (_NoCandidate, Unsatisfiable) as exc:
                if site.cases == 0 and attempt == 3:
                    site.note = str(exc) or "no value breaks only this constraint"
                continue
            except BudgetExceeded:
                return None
            reason = check(case)
            if reason is None:
                return case
            self._discard(reason)
            if site.cases == 0 and attempt == 3:
                site.note = f"every candidate failed the gate ({reason})"
        return None

    def _build_violation(self, site: Site, rnd: Random, rnd_round: int) -> tuple[Case, Callable[[Case], str | None]]:
        """The violating case and its gate check, which also holds the case with the violation undone."""
        draft = self._base(rnd, STRICT)
        if site.part == "request":
            return self._request_violation(site, draft, rnd)
        allowed = self._implied.get(site.ident, ())
        if site.extra is not None and site.extra.keyword == "either":
            undone = self._finish(_copy(draft), "conforming", None)
            for name in site.extra.value:
                for key in [k for k in draft.params if k[0] == site.extra.part and _same_name(k[1], name, k[0])]:
                    del draft.params[key]
                if site.extra.part == "header" and name.lower() in self._user_lower:
                    draft.dropped_headers.add(name.lower())
            check = self._check_of(site)
            label = self._label(site, None, f"neither {' nor '.join(site.extra.value)}")
            return self._finish_clean(draft, label), lambda c: self.gate.extra_violating(c, check, undone, allowed)
        chosen: list[Any] = []
        if site.part == "body":
            if draft.body is MISSING:
                draft.body = self.body_gen.generate(rnd, STRICT) if self.body_gen is not None else {}
            draft.body, kept = self._place(draft.body, self.body_tree, site.steps,
                                           lambda base, node: self._pick(site, base, rnd, rnd_round, chosen), rnd)
            undone = self._finish(_copy(draft, body=kept), "conforming", None)
        else:
            prm = next(x for x in self.params if x.param.location == site.part and x.param.name == site.param)
            key = (prm.param.location, prm.param.name)
            if site.location is None:  # a missing required parameter
                if key not in draft.params and prm.gen is not None:
                    draft.params[key] = prm.gen.generate(rnd, STRICT)
                undone = self._finish(_copy(draft), "conforming", None)
                draft.params.pop(key, None)
                if prm.param.location == "header" and prm.param.name.lower() in self._user_lower:
                    draft.dropped_headers.add(prm.param.name.lower())
                label = self._label(site, None, f"missing required {site.part} {site.param!r}")
                expect = Expect(site.part, site.param or "", "required")
                return self._finish_clean(draft, label), lambda c: self.gate.violating(c, expect, undone, allowed)
            current = draft.params.get(key, MISSING)
            draft.params[key], kept = self._place(current, prm.tree, site.steps,
                                                  lambda base, node: self._pick(site, base, rnd, rnd_round, chosen),
                                                  rnd)
            undone = self._finish(_copy(draft, params={**draft.params, key: kept}), "conforming", None)
        value = chosen[0]
        label_name = self._label_name(site)
        label = self._label(site, value, describe(site, value, label_name, wire=site.part != "body"))
        case = self._finish_clean(draft, label)
        if site.extra is not None:
            check = self._check_of(site)
            return case, lambda c: self.gate.extra_violating(c, check, undone, allowed)
        expect = self._expect(site, case)
        return case, lambda c: self.gate.violating(c, expect, undone, allowed)

    def _check_of(self, site: Site) -> ExtraCheck:
        return next(c for c in self.extra_checks if c.extra is site.extra)

    def _finish_clean(self, draft: _Draft, label: Constraint) -> Case:
        case = self._finish(draft, "violating", label)
        for name in draft.dropped_headers:
            for k in [k for k in case.headers if k.lower() == name]:
                del case.headers[k]
        return case

    def _request_violation(self, site: Site, draft: _Draft, rnd: Random
                           ) -> tuple[Case, Callable[[Case], str | None]]:
        kind = site.param
        if kind in ("content-type", "parse", "body") and draft.body is MISSING:
            draft.body = self.body_gen.generate(rnd, STRICT) if self.body_gen is not None else {}
        undone = self._finish(_copy(draft), "conforming", None)
        if kind == "body":
            draft.body = MISSING
            label = self._label(site, None, "no request body")
            expect = Expect("body", "", "required")
        elif kind == "content-type":
            media = next(m for m in _WRONG_MEDIA if match_media(m, self.validator.content) is None)
            draft.media_type = media
            label = self._label(site, media, f"body sent as {media}")
            expect = Expect("content-type", "", "content-type")
        elif kind == "parse":
            text = json.dumps(draft.body, ensure_ascii=False, separators=(",", ":"))
            broken = text[:-1] if text[:1] in "{[\"" and len(text) > 1 else text + "}"
            draft.raw_body = broken.encode("utf-8")
            label = self._label(site, None, "truncated JSON body" if broken != text + "}" else
                                "JSON body with trailing garbage")
            expect = Expect("body", "", "parse")
        else:  # security
            draft.drop_security = True
            for cred in self._all_credentials():
                draft.params.pop((cred.where, cred.name), None)
                if cred.where == "header" and cred.name.lower() in self._user_lower:
                    draft.dropped_headers.add(cred.name.lower())
            label = self._label(site, None, "no credentials")
            expect = Expect("security", "", "security")
        return self._finish_clean(draft, label), lambda c: self.gate.violating(c, expect, undone)

    def _pick(self, site: Site, base: Any, rnd: Random, rnd_round: int, chosen: list[Any]) -> Any:
        accept = self._acceptor(site)
        seen: set[str] = set()
        ok = []
        if site.part in _PARAM_PARTS and _structured(base):
            raise _NoCandidate(f"the {site.part} parameter's conforming value is an object: it has no wire form the "
                               "validator reads back, so no case differs from a conforming one only here")
        raw = candidates(site, base, rnd, self._make_items)
        if site.part in _PARAM_PARTS:
            raw = wire_candidates(site, raw, array=_is_array(self._param_root(site)))
            if not raw:
                raise _NoCandidate(f"no value breaking {site.keyword} can be sent as labelled in a {site.part} "
                                   "parameter (an empty, null or structured value is not observable on the wire)")
        for c in raw:
            key = canonical(c)
            if key not in seen:
                seen.add(key)
                if accept(c):
                    ok.append(c)
        if not ok:
            raise _NoCandidate(f"no value breaks only {site.keyword} here")
        value = ok[rnd_round % len(ok)]
        chosen.append(value)
        return value

    def _acceptor(self, site: Site) -> Any:
        """Whether a value at the site breaks its constraint and keeps every other one known there.

        Spec site: the location's spec schema without the keyword accepts it, with it rejects it.
        Extra site: the spec schema accepts it, the extra rejects it. Either way every extra
        constraint at the same location (unless the label implies it) and below it must hold.
        """
        hit = self._acceptors.get(id(site))
        if hit is not None:
            return hit
        loc = site.location if isinstance(site.location, dict) else {}
        own: Callable[[Any], bool]
        if site.extra is not None:
            spec_ok = CompiledSchema(loc).is_valid
            mine = CompiledSchema({site.keyword: site.value}).is_valid

            def own(v: Any) -> bool:
                return spec_ok(v) and not mine(v)
        else:
            rest_ok = CompiledSchema(without(loc, site.holder, site.keyword,
                                             also=("enum", "const") if site.keyword == "type" else (),
                                             drop_required=site.name if site.keyword == "required"
                                             else None)).is_valid
            full_ok = CompiledSchema(loc).is_valid

            def own(v: Any) -> bool:
                return rest_ok(v) and not full_ok(v)

        implied = {id(c.extra) for c in self._implied.get(site.ident, ())}
        others = [CompiledSchema(schema).is_valid for e, schema in self._extras_from(site)
                  if e is not site.extra and id(e) not in implied]

        def check(v: Any) -> bool:
            return own(v) and all(o(v) for o in others)

        if site.steps and site.steps[-1].kind == "branch":
            # The value itself sits in a branch: every other branch must reject it too.
            holder_node = _node_at(self.body_tree if site.part == "body" else self._param_root(site),
                                   site.steps[:-1])
            comb, index = site.steps[-1].combinator, site.steps[-1].index
            siblings = [self.compiler.compiled(b).is_valid for i, b in enumerate(holder_node.get(comb) or [])
                        if i != index and isinstance(b, dict | bool)]
            branch_check = check

            def check(v: Any) -> bool:
                return branch_check(v) and not any(s(v) for s in siblings)

        if site.part in _PARAM_PARTS:
            inner = check
            top = self._param_root(site)

            def check(v: Any) -> bool:
                text = wire(v)
                if not wire_legal(text, site.part):
                    return False
                if site.steps:  # an array item: the validator splits on commas, then coerces each item
                    return "," not in text and inner(coerce(text, site.location))
                return inner(coerce(text, top))

        self._acceptors[id(site)] = check
        return check

    def _extras_from(self, site: Site) -> list[tuple[ExtraConstraint, dict[str, Any]]]:
        """Extra constraints in the strict view at the site's location or below it, as schemas of its value."""
        here = _site_location(site)
        out = []
        for e in self.extras:
            if e.keyword == "either" or id(e) in self.contradictory:
                continue
            if site.part == "body":
                if e.part != "body":
                    continue
                tokens, mine = split_location(e.location), split_location(here)
                if tokens[:len(mine)] != mine:
                    continue
                rest = ExtraConstraint(e.operation, "body", "".join("/" + escape(t) for t in tokens[len(mine):]),
                                       e.keyword, e.value, e.source)
                out.append((e, extra_schema(rest)))
            elif e.part == site.part and _same_name(e.location, site.param or "", e.part) and not site.steps:
                out.append((e, extra_schema(e)))
        return out

    def _implied_checks(self, site: Site) -> tuple[ExtraCheck, ...]:
        """The extra constraints any value breaking the site breaks too (same place, same keyword, as strict)."""
        if site.part == "request" or site.keyword in ("either", "required"):
            return ()
        here = _site_location(site)
        out = []
        for c in self.extra_checks:
            e = c.extra
            if e is site.extra or e.keyword == "either" or id(e) in self.contradictory:
                continue
            where = e.location if e.part == "body" else f"{e.part}/{e.location}"
            if site.part != "body" and e.part == "header":
                same = where.lower() == here.lower()
            else:
                same = where == here
            if same and implies(site.keyword, site.value, e.keyword, e.value):
                out.append(c)
        return tuple(out)

    def _param_root(self, site: Site) -> Any:
        return next((x.tree for x in self.params if x.param.location == site.part and
                     x.param.name == site.param), {})

    def _make_items(self, array_schema: Any, n: int, existing: Sequence[Any] = ()) -> list[Any] | None:
        """`n` more plain items of the array (strict view), distinct from `existing` and each other."""
        node = merged_node(array_schema, self.gen_map)
        if not isinstance(node, dict):
            return None
        items = node.get("items")
        if items is False or n < 0:
            return None
        gen = self.compiler.gen(items if isinstance(items, dict) else {})
        more = distinct_items(gen, self.compiler.item_check(items), list(existing), n, self._items_rnd, STRICT,
                              unique=bool(node.get("uniqueItems")))
        return more if len(more) >= n else None

    def _place(self, value: Any, schema: Any, steps: tuple[Step, ...], make: Any, rnd: Random
               ) -> tuple[Any, Any]:
        """`value` with the location at the end of `steps` replaced by `make(base, node)`, and the same
        with `base` (the conforming value it was made from) kept there: (violating, undone)."""
        if not steps:
            base = value
            if base is MISSING or base is None:
                base = self._fresh(schema, rnd)
            return make(base, schema), base
        step, child_schema = steps[0], steps[0].node
        if step.kind == "branch":
            whole = self.compiler.compiled(schema)
            if value is MISSING or not self.compiler.compiled(child_schema).is_valid(value) or \
                    not whole.is_valid(value):
                # a value of this branch that the whole location accepts (no other oneOf branch matching)
                for _ in range(3):
                    value = self._fresh(child_schema, rnd)
                    if whole.is_valid(value):
                        break
            return self._place(value, child_schema, steps[1:], make, rnd)
        if step.kind == "key":
            if not isinstance(value, dict):
                value = self._fresh(schema, rnd)
                if not isinstance(value, dict):
                    value = {}
            new, old = self._place(value.get(step.name, MISSING), child_schema, steps[1:], make, rnd)
            return {**value, step.name: new}, {**value, step.name: old}
        i = step.index
        if not isinstance(value, list):
            value = self._fresh(schema, rnd)
            if not isinstance(value, list):
                value = []
        items = list(value)
        if len(items) <= i:
            more = self._make_items(schema, i + 1 - len(items), items)
            if more is None:
                raise _NoCandidate("cannot make the array long enough")
            items += more
        kept = list(items)
        items[i], kept[i] = self._place(items[i], child_schema, steps[1:], make, rnd)
        node = merged_node(schema, self.gen_map)
        if isinstance(node, dict) and node.get("uniqueItems"):
            # the base made at `i` (e.g. for one branch) may repeat another item: drop that one from both
            same = canonical(kept[i])
            twins = [j for j, v in enumerate(kept) if j != i and canonical(v) == same]
            if twins and (twins[0] < i or len(kept) - len(twins) < int(node.get("minItems") or 0)):
                raise _NoCandidate("the array cannot stay unique around the violating item")
            items = [v for j, v in enumerate(items) if j not in twins]
            kept = [v for j, v in enumerate(kept) if j not in twins]
        return items, kept

    def _fresh(self, schema: Any, rnd: Random) -> Any:
        node = merged_node(schema, self.gen_map)
        gen = self.compiler.gen(node)
        return gen.generate(rnd, STRICT, nonnull=True)

    def _expect(self, site: Site, case: Case) -> Expect:
        if site.part != "body":
            inner = instance_pointer(site.steps)
            return Expect(site.part, f"{site.param}{inner}", site.keyword, site.name)
        chain: list[Branch] = []
        for i, step in enumerate(site.steps):
            if step.kind == "branch":
                compiled = self.compiler.compiled(_node_at(self.body_tree, site.steps[:i + 1]))
                chain.append(Branch(instance_pointer(site.steps[:i]), step.combinator, compiled))
        pointer = instance_pointer(site.steps)
        return Expect("body", pointer, site.keyword, site.name, tuple(chain))

    def _label_name(self, site: Site) -> str:
        keys = [s.name for s in site.steps if s.kind == "key"]
        if keys:
            return str(keys[-1])
        if site.extra is not None and site.extra.part == "body":
            tokens = [t for t in split_location(site.extra.location) if t != "*"]
            if tokens:
                return tokens[-1]
        return site.param or "body"

    def _label(self, site: Site, value: Any, description: str) -> Constraint:
        if site.extra is not None:
            return Constraint(site.extra.pointer(), site.keyword, site.value, description, site.extra.source,
                              site.extra.where)
        if site.part == "request":
            pointer = {"body": "request/body", "content-type": "request/content-type",
                       "parse": "request/body"}.get(site.param or "", "")
            if site.keyword == "security":
                pointer = self._security_pointer()
            return Constraint(pointer, site.keyword, site.value, description, "spec", site.where)
        inner = instance_pointer(site.steps)
        if site.keyword == "required" and site.name is not None and site.location is not None:
            inner += "/" + escape(site.name)
        if site.keyword == "additionalProperties" and isinstance(value, dict):
            extra = next((k for k in value if k not in (site.node.get("properties") or {})), EXTRA_PROPERTY)
            inner += "/" + escape(extra)
        pointer = inner if site.part == "body" else f"{site.part}/{site.param}{inner}"
        return Constraint(pointer, site.keyword, site.value, description, "spec", site.where)

    # -- sites ----------------------------------------------------------------------------

    def _sites(self) -> list[Site]:
        sites: list[Site] = []
        if self.body_tree is not None:
            sites += body_sites(self.body_tree)
        for prm in self.params:
            p = prm.param
            where = p.where
            if p.required and p.location != "path":
                sites.append(Site(part=p.location, keyword="required", value=True, param=p.name, where=where))
            for s in param_sites(prm.tree, p.location, p.name):
                s.where = where
                if any(step.kind == "branch" for step in s.steps):
                    s.note = "inside anyOf/oneOf of a parameter (not generated)"
                elif p.location in ("header", "cookie", "path") and s.steps:
                    s.note = "inside a structured parameter (not generated)"
                elif any(step.kind == "key" for step in s.steps):
                    s.note = "inside an object parameter: no wire form of it the validator reads back (not generated)"
                elif s.keyword == "type" and not s.steps and "string" in _type_set(s.value):
                    s.note = "every wire value is a string: a string parameter has no wrong type"
                sites.append(s)
        where = self.op.request_body.where if self.op.request_body else None
        if self.validator.body_required:
            sites.append(Site(part="request", keyword="required", value=True, param="body", where=where))
        if self.media is not None:
            wrong = any(match_media(m, self.validator.content) is None for m in _WRONG_MEDIA)
            sites.append(Site(part="request", keyword="content-type", value=sorted(self.validator.content),
                              param="content-type", where=where,
                              note="" if wrong else "every content type is accepted (*/*)"))
            if is_json_media(self.media.media_type):
                sites.append(Site(part="request", keyword="parse", value="application/json", param="parse",
                                  where=where))
        if self.credentials:
            sites.append(Site(part="request", keyword="security", value=self._security_pointer(),
                              param="security", where=self.op.where))
        for e in self.extras:
            site = self._extra_site(e)
            if id(e) in self.contradictory and not site.note:
                site.note = self.contradictory[id(e)]
            sites.append(site)
        for i, s in enumerate(sites):
            s.ident = f"{i}:{s.part}:{s.template()}:{s.keyword}"
        return sites

    def _extra_site(self, e: ExtraConstraint) -> Site:
        base = {"part": e.part, "keyword": e.keyword, "value": e.value, "source": e.source, "extra": e,
                "where": e.where}
        if e.keyword == "either":
            return Site(param="|".join(e.value), **base)
        if e.part == "body":
            if self.body_tree is None:
                return Site(note="the operation has no body schema", **base)
            steps = _steps_for(self.body_tree, split_location(e.location))
            if steps is None:
                return Site(note=f"{e.location} is not in the body schema", **base)
            return Site(steps=steps, location=_node_at(self.body_tree, steps), **base)
        prm = next((x for x in self.params if x.param.location == e.part and
                    _same_name(e.location, x.param.name, e.part)), None)
        if prm is None:
            return Site(param=e.location, note=f"no {e.part} parameter {e.location!r} in the spec", **base)
        return Site(param=prm.param.name, location=prm.tree, **base)

    # -- security -------------------------------------------------------------------------

    def _all_credentials(self) -> list[Credential]:
        out = []
        for req in self.op.security:
            for scheme in req:
                out.append(_credential(scheme, self._user_lower))
        return out

    def _credentials(self) -> list[Credential]:
        security = self.op.security
        if not security or any(not req for req in security):
            return []
        chosen = next((req for req in security if all(_supplied(s, self._user_lower) for s in req)), security[0])
        creds = [_credential(s, self._user_lower) for s in chosen]
        if not all(_supplied(s, self._user_lower) for s in chosen):
            names = ", ".join(f"{c.where} {c.name}" for c in creds)
            self._finding("generate.placeholder_credential", Severity.INFO,
                          f"{self.op.key}: no credential given for {names}: cases carry a placeholder "
                          "(pass it with --header)")
        return [c for c in creds if c.name]

    def _security_pointer(self) -> str:
        if not self.credentials:
            return "request/security"
        first = self.credentials[0]
        return f"{first.where}/{first.name}"

    # -- bookkeeping ----------------------------------------------------------------------

    def _param_tree(self, e: ExtraConstraint) -> dict[str, Any] | None:
        prm = next((x for x in self.params if x.param.location == e.part and
                    _same_name(e.location, x.param.name, e.part)), None)
        return prm.tree if prm is not None and isinstance(prm.tree, dict) else None

    def _discard(self, reason: str) -> None:
        self.discarded[reason] = self.discarded.get(reason, 0) + 1

    def _finding(self, check: str, severity: Severity, message: str) -> None:
        self.findings.append(Finding(check, severity, message, operation=self.op.key))

    def _budget_finding(self, mode: str, made: int, wanted: int) -> None:
        check = "generate.unsatisfiable" if made == 0 else "generate.budget"
        self._finding(check, Severity.WARNING,
                      f"cannot generate for {self.op.key}: time budget exhausted after {made} {mode} cases"
                      if made == 0 else
                      f"{self.op.key}: time budget exhausted after {made} of {wanted} {mode} cases")


# --------------------------------------------------------------------------- helpers


def _copy(draft: _Draft, **changes: Any) -> _Draft:
    """A draft to change without touching `draft` (the body is shared: `_place` copies on write)."""
    out = _Draft(dict(draft.params), draft.body, draft.media_type, draft.raw_body, draft.drop_security,
                 set(draft.dropped_headers))
    for name, value in changes.items():
        setattr(out, name, value)
    return out


def _site_location(site: Site) -> str:
    """Where a site's value is, schema-level (`*` = any array item): ``/a/*/b`` or ``query/limit``."""
    inner = instance_pointer(site.steps, star=True)
    return inner if site.part == "body" else f"{site.part}/{site.param}{inner}"


def _structured(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict | list) for v in value))


def _is_array(schema: Any) -> bool:
    return isinstance(schema, dict) and "array" in _type_set(schema.get("type"))


def _pick_media(op: Operation) -> MediaType | None:
    body = op.request_body
    if body is None or not body.content:
        return None
    content = list(body.content.values())
    for mt in content:
        if is_json_media(mt.media_type) and "*" not in mt.media_type and mt.schema is not None:
            return mt
    return next((mt for mt in content if mt.schema is not None), content[0])


def _type_set(value: Any) -> set[str]:
    return {value} if isinstance(value, str) else set(value) if isinstance(value, list) else set()


def _same_name(a: str, b: str, part: str) -> bool:
    return a.lower() == b.lower() if part == "header" else a == b


def _supplied(scheme: SecurityScheme, user: Mapping[str, str]) -> bool:
    if scheme.type == "apiKey":
        return scheme.location == "header" and scheme.param_name is not None and scheme.param_name.lower() in user
    if scheme.type == "http":
        auth = user.get("authorization", "")
        return auth.lower().startswith(f"{scheme.scheme} ") if scheme.scheme else bool(auth)
    if scheme.type in ("oauth2", "openIdConnect"):
        return "authorization" in user
    return True


def _credential(scheme: SecurityScheme, user: Mapping[str, str]) -> Credential:
    if scheme.type == "apiKey":
        name = scheme.param_name or ""
        loc = scheme.location or "header"
        return Credential(loc, name, user.get(name.lower(), f"<{name}>") if loc == "header" else f"<{name}>")
    if scheme.type == "http":
        placeholder = {"bearer": "Bearer <token>", "basic": "Basic PHVzZXI+OjxwYXNzd29yZD4="}.get(
            scheme.scheme or "", f"{(scheme.scheme or 'Bearer').capitalize()} <credentials>")
        return Credential("header", "Authorization", user["authorization"] if _supplied(scheme, user) else placeholder)
    if scheme.type in ("oauth2", "openIdConnect"):
        return Credential("header", "Authorization", user.get("authorization", "Bearer <token>"))
    return Credential("header", "", "")  # mutualTLS: below HTTP


def _child(schema: Any, name: str) -> Any:
    """The schema of property `name` (through allOf members), else of additional properties."""
    if not isinstance(schema, dict):
        return {}
    props = schema.get("properties")
    if isinstance(props, dict) and name in props:
        return props[name]
    for member in schema.get("allOf") or []:
        found = _child(member, name)
        if found != {}:
            return found
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def _node_at(tree: Any, steps: tuple[Step, ...]) -> Any:
    return steps[-1].node if steps else tree


def _steps_for(tree: Any, tokens: list[str]) -> tuple[Step, ...] | None:
    """Steps reaching a schema-level location (`*` = array items), through anyOf/oneOf where needed."""
    def rec(node: Any, rest: list[str]) -> tuple[Step, ...] | None:
        if not rest:
            return ()
        if not isinstance(node, dict):
            return None
        token = rest[0]
        if token == "*" and isinstance(node.get("items"), dict):
            tail = rec(node["items"], rest[1:])
            if tail is not None:
                return (Step.item(0, node["items"]), *tail)
        if token != "*":
            child = _child(node, token)
            if isinstance(child, dict) and (child != {} or token in (node.get("properties") or {})):
                tail = rec(child, rest[1:])
                if tail is not None:
                    return (Step.key(token, child), *tail)
        for comb in ("anyOf", "oneOf"):
            for i, branch in enumerate(node.get(comb) or []):
                tail = rec(branch, rest)
                if tail is not None:
                    return (Step.branch(comb, i, branch), *tail)
        return None

    return rec(tree, tokens)


def body_operation(spec: Spec) -> Operation | None:
    """The first operation whose request body has constraints worth generating for (tests, benchmarks)."""
    fallback = None
    for op in spec.operations:
        media = _pick_media(op)
        if media is None or media.schema is None:
            continue
        try:
            tree = inline(spec.json_schema(media.schema, "request"))
        except Unsatisfiable:
            continue
        if len(body_sites(tree)) >= 3:
            return op
        fallback = fallback or op
    return fallback
