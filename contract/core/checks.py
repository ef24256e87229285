"""One registry of every finding id of every stage: which stage reports it, how severe, what it means.

Every :class:`~contract.model.Finding` carries a ``check`` id registered here, in one
style: ``<stage>.<name>`` with a snake_case name (``lint.no_client_error``,
``drift.type_mismatch``, ``live.server_error``). A stage registers its ids where it
produces them, in either of two ways:

* a check that is a function (a lint check over a spec, a live check over one
  exchange) is registered with the :func:`check` decorator next to the function, in
  the manner of Schemathesis's ``@check``; the function is kept on its
  :class:`CheckInfo` (``fn``) so the stage runs what the registry lists;
* an id whose findings are produced inline (drift, page anomalies, docs examples
  replayed live, generation, stateful live checks, ...) is declared with
  :func:`declare`.

Registering an id twice is an error. Ids renamed in the move to one style are in
:data:`RENAMES` (old → new): `--checks` accepts the old names for one release and a
baseline recorded under them still matches (:mod:`contract.baseline`).

The registry fills as the stage modules are imported; ``contract.pipeline.load_checks()``
imports all of them. This module imports nothing of the stages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeVar, get_args

from contract.model import Severity

__all__ = [
    "RENAMES",
    "STAGES",
    "CheckInfo",
    "CheckKind",
    "DuplicateCheckError",
    "Stage",
    "UnknownCheckError",
    "all_checks",
    "by_stage",
    "canonical",
    "check",
    "declare",
    "get",
    "is_registered",
    "resolve",
]

Stage = Literal["lint", "docs", "drift", "generate", "live", "docs_live", "traffic"]
# Pipeline order: how `contract checks` lists them.
STAGES: tuple[Stage, ...] = get_args(Stage)
# spec: a function over a loaded spec (lint); exchange: a function over one live exchange;
# stateful: judged over several exchanges (sequences); inventory: operations found or missing;
# inline: produced where the stage finds it, no function of its own.
CheckKind = Literal["spec", "exchange", "stateful", "inventory", "inline"]

ID_STYLE = re.compile(r"^(?P<stage>[a-z][a-z0-9_]*)\.(?P<name>[a-z][a-z0-9_]*)$")

F = TypeVar("F", bound=Callable[..., Any])


class DuplicateCheckError(ValueError):
    """An id registered twice."""


class UnknownCheckError(KeyError):
    """Ids that are not registered (and not an old name of one)."""

    def __init__(self, unknown: Iterable[str], known: Iterable[str]) -> None:
        self.unknown = sorted(unknown)
        self.known = sorted(known)
        super().__init__(f"unknown check(s) {', '.join(self.unknown)} (known: {', '.join(self.known)})")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """One finding id: the stage that reports it, its usual severity, one line saying what it means."""

    id: str
    stage: Stage
    severity: Severity  # the usual one; a finding may say more or less (a prose-only rule is a warning)
    description: str
    kind: CheckKind = "inline"
    fn: Callable[..., Any] | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]

    @property
    def aliases(self) -> tuple[str, ...]:
        """The ids this check had before it was renamed (accepted by `--checks` and baselines)."""
        return tuple(old for old, new in RENAMES.items() if new == self.id)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "stage": self.stage, "severity": str(self.severity), "kind": self.kind,
                "description": self.description, "aliases": list(self.aliases)}


_REGISTRY: dict[str, CheckInfo] = {}
_STAGE_OF: dict[str, Stage] = {s: s for s in STAGES}


def _add(check_id: str, severity: Severity, description: str, kind: CheckKind,
         fn: Callable[..., Any] | None) -> CheckInfo:
    match = ID_STYLE.match(check_id)
    if match is None:
        raise ValueError(f"check id {check_id!r} is not <stage>.<snake_case_name>")
    stage = _STAGE_OF.get(match.group("stage"))
    if stage is None:
        raise ValueError(f"check id {check_id!r}: unknown stage {match.group('stage')!r} "
                         f"(stages: {', '.join(STAGES)})")
    if check_id in _REGISTRY:
        raise DuplicateCheckError(f"check id {check_id!r} is registered twice")
    if not description.strip():
        raise ValueError(f"check id {check_id!r} has no description")
    info = CheckInfo(check_id, stage, severity, description.strip(), kind, fn)
    _REGISTRY[check_id] = info
    return info


def declare(check_id: str, severity: Severity, description: str, *, kind: CheckKind = "inline") -> CheckInfo:
    """Register an id whose findings are produced inline (no check function of its own)."""
    return _add(check_id, severity, description, kind, None)


def check(check_id: str, severity: Severity, description: str | None = None, *,
          kind: CheckKind) -> Callable[[F], F]:
    """Register the decorated function as check `check_id`.

    The description defaults to the first line of the function's docstring.
    """
    def register(fn: F) -> F:
        doc = (fn.__doc__ or "").strip().splitlines()
        text = description if description is not None else (doc[0].rstrip(".") if doc else "")
        _add(check_id, severity, text, kind, fn)
        return fn

    return register


def get(check_id: str) -> CheckInfo:
    """The registered check `check_id` (an old name is looked up under its new id)."""
    try:
        return _REGISTRY[canonical(check_id)]
    except KeyError:
        raise UnknownCheckError([check_id], _REGISTRY) from None


def is_registered(check_id: str) -> bool:
    return check_id in _REGISTRY


def by_stage(stage: Stage) -> tuple[CheckInfo, ...]:
    """The checks of one stage, in registration order (the order a stage runs its functions)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    return tuple(info for info in _REGISTRY.values() if info.stage == stage)


def all_checks() -> tuple[CheckInfo, ...]:
    """Every registered check, by stage (pipeline order), then id."""
    return tuple(sorted(_REGISTRY.values(), key=lambda i: (STAGES.index(i.stage), i.id)))


# --------------------------------------------------------------------------- renamed ids

RENAMES: Mapping[str, str] = MappingProxyType({
    # lint: kebab-case names
    "lint.nullable-in-3.1": "lint.nullable_in_31",
    "lint.unknown-format": "lint.unknown_format",
    "lint.prose-constraint": "lint.prose_constraint",
    "lint.prose-either-required": "lint.prose_either_required",
    "lint.example-invalid": "lint.example_invalid",
    "lint.no-4xx": "lint.no_client_error",
    "lint.response-no-schema": "lint.response_no_schema",
    "lint.path-parameter": "lint.path_parameter",
    "lint.duplicate-operation-id": "lint.duplicate_operation_id",
    "lint.internal-error": "lint.internal_error",
    # page anomalies: docs.<kind> with a dotted kind
    "docs.table.shifted_row": "docs.table_shifted_row",
    "docs.table.ragged_row": "docs.table_ragged_row",
    "docs.table.unnamed_row": "docs.table_unnamed_row",
    "docs.table.unknown_type": "docs.table_unknown_type",
    "docs.table.unknown_section": "docs.table_unknown_section",
    "docs.example.parse_error": "docs.example_parse_error",
    "docs.example.not_strict_json": "docs.example_not_strict_json",
    "docs.example.endpoint_mismatch": "docs.example_endpoint_mismatch",
    "docs.example.obfuscated_email": "docs.example_obfuscated_email",
    "docs.example.status_mismatch": "docs.example_status_mismatch",
    "docs.include.commented_out": "docs.include_commented_out",
    "docs.include.cycle": "docs.include_cycle",
    "docs.include.unreadable": "docs.include_unreadable",
    "docs.mdx.bad_import": "docs.mdx_bad_import",
    "docs.mdx.bad_front_matter": "docs.mdx_bad_front_matter",
    "docs.embed.problem": "docs.embed_problem",
    # generation: kebab-case names
    "generate.unknown-format": "generate.unknown_format",
    "generate.parameter-skipped": "generate.parameter_skipped",
    "generate.validator-unusable": "generate.validator_unusable",
    "generate.placeholder-credential": "generate.placeholder_credential",
    # the live checks: bare names
    "transport": "live.transport",
    "server_error": "live.server_error",
    "status_code_documented": "live.status_code_documented",
    "content_type": "live.content_type",
    "response_schema": "live.response_schema",
    "response_headers": "live.response_headers",
    "max_response_time": "live.max_response_time",
    "positive_acceptance": "live.positive_acceptance",
    "negative_rejection": "live.negative_rejection",
    "auth_enforced": "live.auth_enforced",
    "round_trip": "live.round_trip",
    "tenant_isolation": "live.tenant_isolation",
    "lost_update": "live.lost_update",
    "delete_effective": "live.delete_effective",
    "docs_only_operation": "live.docs_only_operation",
    "live_only_operation": "live.live_only_operation",
})
"""Old id → new id, for every id renamed to the one style (kept for one release)."""


def canonical(check_id: str) -> str:
    """The current id of `check_id` (itself unless it is an old name)."""
    return RENAMES.get(check_id, check_id)


def resolve(names: Iterable[str], *, stage: Stage | None = None) -> frozenset[str]:
    """Ids as a user wrote them (current ids or old names) → registered ids; UnknownCheckError otherwise.

    `stage` limits what is accepted to that stage's checks (`contract run --checks`: live only).
    """
    known = {i.id for i in (by_stage(stage) if stage is not None else _REGISTRY.values())}
    wanted = {name.strip() for name in names if name.strip()}
    unknown = {name for name in wanted if canonical(name) not in known}
    if unknown:
        raise UnknownCheckError(unknown, known)
    return frozenset(canonical(name) for name in wanted)
