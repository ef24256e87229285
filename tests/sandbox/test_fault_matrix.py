"""Each emulator fault, on five corpus specs of different shapes, caught by the check meant for it.

The matrix is complete by construction: for every (spec, fault) pair either the live engine
must catch the fault with its check, or the spec's shape leaves the fault nothing to act on,
and the reason is computed from the spec here (no security scheme, no resource that is both
updated and read, ...), so a pair cannot be dropped by hand. The shapes: petstore-expanded
(no auth, bare-array list, 204 delete, `default` errors), twilio-lookups (HTTP Basic, form and
JSON bodies, client-named PUT upserts), link-example (OpenAPI links, nested GETs only), uspto
(form-encoded search, 404-only errors), adyen-checkout (API key, OpenAPI 3.1, PATCH; narrowed
with `--operation` to its payment links, since a whole walk takes minutes).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import pytest

from contract.core.schema_facts import local_resolver, resolved
from contract.load import Spec, load_spec
from contract.replay.graph import build_graph
from contract.replay.operations import LiveOperation
from contract.replay.roundtrip import kv_fields
from contract.sandbox.generic import GENERIC_FAULTS, Emulator
from tests.conftest import CORPUS
from tests.sandbox.test_emulator_live import live_run

CHECK = {"server-error": "live.server_error", "drop-field": "live.response_schema",
         "wrong-content-type": "live.content_type", "undocumented-status": "live.status_code_documented",
         "no-auth": "live.auth_enforced", "no-persist": "live.round_trip", "no-delete": "live.delete_effective",
         "lost-update": "live.lost_update", "accept-invalid": "live.negative_rejection",
         "slow": "live.max_response_time", "tenant-leak": "live.tenant_isolation"}

# spec → the operations its runs are narrowed to (None: all), and the one GET the `slow` run uses
SPECS: dict[str, tuple[tuple[str, ...], str]] = {
    "petstore-expanded-3.0.yaml": ((), "GET /pets/{id}"),
    "twilio-lookups-v2-3.0.yaml": ((), "/v2/RateLimits*"),
    "link-example-3.0.yaml": ((), "GET /2.0/users/{username}"),
    "uspto-3.0.json": ((), "GET /"),
    "adyen-checkout-v71-3.1.json": (("/paymentLinks*",), "GET /paymentLinks/{linkId}"),
}


def _schemas(spec: Spec, ops: list[Any]) -> list[tuple[dict[str, Any], Any]]:
    """The 2xx JSON response schemas of `ops` (root, node), an array's items too."""
    out: list[tuple[dict[str, Any], Any]] = []
    for op in ops:
        for key, resp in op.responses.items():
            for media in resp.content.values():
                if not key.startswith("2") or media.schema is None:
                    continue
                root = spec.json_schema(media.schema, "response")
                node = _resolved(root, root)
                out.append((root, node))
                if isinstance(node, dict) and isinstance(node.get("items"), dict):
                    out.append((root, node["items"]))
    return out


def _resolved(root: dict[str, Any], node: Any) -> Any:
    return resolved(node, local_resolver(root))  # the project's one $ref follower


def _required(root: dict[str, Any], node: Any) -> set[str]:
    """The properties `node` requires, its `allOf` members' included (petstore's Pet = NewPet + id)."""
    node = _resolved(root, node)
    if not isinstance(node, dict):
        return set()
    out = set(node.get("required") or ())
    for part in node.get("allOf") or ():
        out |= _required(root, part)
    return out


def _bodies(spec: Spec, ops: list[Any]) -> list[dict[str, Any]]:
    out = []
    for op in ops:
        for media in (op.request_body.content.values() if op.request_body else ()):
            if media.schema is not None:
                schema = spec.json_schema(media.schema, "request")
                out.append(_resolved(schema, schema))
    return [s for s in out if isinstance(s, dict)]


def _no_target(spec: Spec, fault: str, patterns: tuple[str, ...]) -> str | None:
    """Why `fault` has nothing to act on in `spec` (its operations narrowed to `patterns`), or None."""
    from contract.core.selection import select

    ops = select(spec.operations, patterns)
    graph = build_graph(spec, [LiveOperation(op) for op in ops])
    resources = graph.resources
    if fault in ("no-auth", "tenant-leak") and not any(op.security for op in ops):
        return "no operation requires a credential"
    if fault == "undocumented-status":
        creates = [r.create.op for r in resources if r.create is not None]
        if not creates:
            return "no create operation"
        if all("default" in op.responses or "2XX" in op.responses for op in creates):
            return "every create documents `default` or `2XX`, which covers 299"
    if fault == "no-persist" and not any(r.update and r.read for r in resources):
        return "no resource is both updated and read"
    if fault == "no-delete" and not any(r.delete and r.read for r in resources):
        return "no resource is both deleted and read"
    if fault == "lost-update" and not any(r.update and r.update.op.method == "PATCH" and r.read and kv_fields(r)
                                          for r in resources):
        return ("no resource with a PATCH and a key/value list field: the only concurrent partial update the "
                "engine checks (an engine limit, not the emulator's)")
    if fault == "drop-field":
        members = [lo.op for r in resources for lo in r.members()]
        if not any(_required(root, node) for root, node in _schemas(spec, members)):
            return "no resource's response requires a property"
    if fault == "server-error" and not any(isinstance(body.get("properties"), dict) for body in _bodies(spec, ops)):
        return "no request body with top-level fields (where --probe-value is planted)"
    return None


def _pairs() -> list[Any]:
    out = []
    for name in SPECS:
        for fault in sorted(GENERIC_FAULTS):
            out.append(pytest.param(name, fault, id=f"{name}-{fault}"))
    return out


# Pairs whose reason the completeness test below must find (and only these): the matrix's expected shape. A pair
# moving in or out of this set means the engine, the emulator or the reasoning changed: look before editing.
NOT_APPLICABLE = {
    ("petstore-expanded-3.0.yaml", "undocumented-status"), ("petstore-expanded-3.0.yaml", "no-auth"),
    ("petstore-expanded-3.0.yaml", "tenant-leak"), ("petstore-expanded-3.0.yaml", "no-persist"),
    ("petstore-expanded-3.0.yaml", "lost-update"),
    ("twilio-lookups-v2-3.0.yaml", "drop-field"), ("twilio-lookups-v2-3.0.yaml", "lost-update"),
    ("link-example-3.0.yaml", "server-error"), ("link-example-3.0.yaml", "drop-field"),
    ("link-example-3.0.yaml", "no-auth"), ("link-example-3.0.yaml", "tenant-leak"),
    ("link-example-3.0.yaml", "no-persist"), ("link-example-3.0.yaml", "no-delete"),
    ("link-example-3.0.yaml", "lost-update"), ("link-example-3.0.yaml", "undocumented-status"),
    ("uspto-3.0.json", "drop-field"), ("uspto-3.0.json", "undocumented-status"), ("uspto-3.0.json", "no-auth"),
    ("uspto-3.0.json", "tenant-leak"), ("uspto-3.0.json", "no-persist"), ("uspto-3.0.json", "no-delete"),
    ("uspto-3.0.json", "lost-update"),
    ("adyen-checkout-v71-3.1.json", "no-delete"), ("adyen-checkout-v71-3.1.json", "lost-update"),
}


@pytest.mark.parametrize(("name", "fault"), _pairs())
def test_each_fault_is_caught_or_has_nothing_to_act_on(name: str, fault: str) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"shared corpus file not found: {path}")
    spec = load_spec(path)
    patterns, slow_op = SPECS[name]
    reason = _no_target(spec, fault, patterns)
    assert (reason is not None) == ((name, fault) in NOT_APPLICABLE), reason
    if reason is not None:
        return
    extra = ["--max-examples", "3", *[a for p in patterns for a in ("--operation", p)]]
    if fault == "slow":
        extra = ["--max-examples", "1", "--operation", slow_op, "--max-response-time", "1", "--no-stateful"]
    if fault == "server-error":
        extra += ["--probe-value", "boom"]
    caught = _findings(path, (fault,), tuple(extra), fault == "tenant-leak")
    before = _findings(path, (), tuple(extra), fault == "tenant-leak")  # cached: shared by the spec's faults
    new = {f for f in caught - before if f[0] == CHECK[fault]}
    # new: a finding of the check the same run without the fault does not give (several specs already draw
    # warnings of some checks from a faithful emulator: a statement the prose makes and the schema does not)
    assert new, (sorted(f[0] for f in caught), sorted(before))


@functools.cache
def _findings(path: Path, faults: tuple[str, ...], extra: tuple[str, ...], alt: bool) -> frozenset[tuple[str, str, str]]:
    spec = load_spec(path)
    schemes = sorted({s.key for op in spec.operations for req in op.security for s in req})
    keys = {scheme: ["fault-a", "fault-b"] for scheme in schemes}
    with Emulator(spec, keys=keys, faults=faults) as emulator:
        args = list(extra)
        if alt:
            args += ["--alt-header", "; ".join(f"{k}: {v}" for k, v in emulator.headers(1).items())]
        with tempfile.TemporaryDirectory() as tmp:
            report, proc = live_run(path, emulator.url, emulator.headers(), Path(tmp), *args, timeout=600)
    assert report, proc.stderr[-2000:]
    return frozenset((f["check"], f.get("operation") or "", f["message"].replace(emulator.url, "URL"))
                     for f in report["findings"] if f["severity"] in ("error", "warning"))
