"""Triangulation: every observable spec↔docs disagreement gets a live verdict."""

from __future__ import annotations

import pytest

from contract.compare import compare
from contract.compare.probes import Probe, build_probes, verdict_for
from contract.compare.triangulate import triangulate
from contract.docs import read_docs
from contract.load import load_spec
from contract.model import Case, Finding, Severity
from contract.redact import Redactor
from contract.replay.client import ClientConfig, ReplayClient
from contract.sandbox import DEFAULT_KEYS, Sandbox
from tests.conftest import SEED_SPEC, SPECS

DOCS = [SPECS / "003_adc150077d28c6e1.txt", SPECS / "000_f29c871810a0beae.txt"]
KEY = next(iter(DEFAULT_KEYS))
HEADERS = {"Authorization": f"Api-Key {KEY}"}


def _run(faults: frozenset[str] = frozenset()) -> tuple[list[Finding], dict[str, str]]:
    spec = load_spec(SEED_SPEC)
    pages = [read_docs(p) for p in DOCS]
    drift = compare(spec, pages)
    redactor = Redactor()
    redactor.learn_headers(HEADERS)
    with Sandbox(faults=faults) as box, ReplayClient(ClientConfig(base_url=box.url)) as client:
        triangulate(spec, pages, drift, client.send, headers=HEADERS, redactor=redactor)
    verdicts = {f.details["probe"].get("sent", f.subject): f.verdict for f in drift
                if f.verdict != "inconclusive"}
    return drift, verdicts


@pytest.fixture(scope="module")
def clean():
    return _run()


def test_seed_probes_say_live_follows_docs(clean):
    drift, verdicts = clean
    assert verdicts["/custom_attributes/*/key = 'bad!key' (outside the docs' characters)"] == "docs"
    assert verdicts["31 items in custom_attributes"] == "docs"
    assert verdicts["/custom_attributes/*/value = True (boolean, converted per the docs)"] == "docs"
    assert verdicts["birthday = null"] == "docs"
    assert verdicts["omit installation_meta"] == "docs"
    assert verdicts["look for response header Request-Id"] == "docs"
    assert any(v == "docs" and "PATCH" in k for k, v in verdicts.items())
    assert set(verdicts.values()) == {"docs"}  # the sandbox follows the docs everywhere
    assert all(f.verdict for f in drift)  # every drift finding has a verdict, inconclusive ones say why
    for f in drift:
        assert f.details["probe"]["decided"]


def test_probe_evidence_is_redacted_and_reproducible(clean):
    drift, _ = clean
    probed = [f for f in drift if f.verdict == "docs" and f.curl]
    assert probed
    for f in probed:
        assert KEY not in f.curl and "Api-Key ***" in f.curl
        assert KEY not in str(f.exchange.to_dict())


def test_a_server_that_accepts_everything_follows_the_spec_or_neither():
    _, verdicts = _run(frozenset({"accept-invalid"}))
    assert verdicts["31 items in custom_attributes"] == "spec"
    assert verdicts["/custom_attributes/*/key = 'bad!key' (outside the docs' characters)"] == "spec"


def _probe(spec_expects, docs_expects, **kw) -> Probe:
    return Probe(Finding("drift.x", Severity.WARNING, "m"), "POST /x", "d", spec_expects, docs_expects, **kw)


@pytest.mark.parametrize("status,verdict", [(200, "spec"), (201, "spec"), (400, "docs"), (422, "docs"),
                                            (500, "neither"), (401, "inconclusive"), (None, "inconclusive")])
def test_verdict_from_status(status, verdict):
    assert verdict_for(_probe("accept", "reject"), status)[0] == verdict


def test_operation_existence_and_header_verdicts():
    assert verdict_for(_probe("absent", "exists"), 405)[0] == "spec"
    assert verdict_for(_probe("absent", "exists"), 400)[0] == "docs"
    header = _probe("absent", "present", header="Request-Id")
    assert verdict_for(header, 200, {"request-id": "x"})[0] == "docs"
    assert verdict_for(header, 200, {})[0] == "spec"


def test_probes_change_exactly_one_thing():
    spec = load_spec(SEED_SPEC)
    op = spec.operation("createProfile")
    base = Case(op.key, "POST", op.path, headers={"adapty-customer-user-id": "u"},
                body={"installation_meta": {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
                      "custom_attributes": [{"key": "a", "value": "b"}]}, has_body=True)
    drift = compare(spec, [read_docs(p) for p in DOCS])
    probes = {p.description: p for p in build_probes(spec, op, base, drift) if p.case is not None}
    assert probes["birthday = null"].case.body == {**base.body, "birthday": None}
    omit = probes["omit installation_meta"].case.body
    assert omit == {"custom_attributes": [{"key": "a", "value": "b"}]}
    many = probes["31 items in custom_attributes"].case.body["custom_attributes"]
    assert len(many) == 31 and len({i["key"] for i in many}) == 31
    assert probes["/custom_attributes/*/value = True (boolean, converted per the docs)"].case.body[
        "custom_attributes"] == [{"key": "a", "value": True}]


def test_docs_examples_replayed_live(clean):
    # The create page's example carries an e-mail the page renderer mangled: copying it fails live.
    spec = load_spec(SEED_SPEC)
    pages = [read_docs(p) for p in DOCS]
    drift = compare(spec, pages)
    redactor = Redactor()
    redactor.learn_headers(HEADERS)
    with Sandbox() as box, ReplayClient(ClientConfig(base_url=box.url)) as client:
        result = triangulate(spec, pages, drift, client.send, headers=HEADERS, redactor=redactor)
    [rejected] = [f for f in result.docs_live if f.check == "docs_live.status_undocumented"]
    assert rejected.operation.startswith("POST") and "400" in rejected.message and "email" in rejected.message
    assert rejected.docs.line == 24 and KEY not in rejected.curl
    # The PATCH page's example works against a profile that exists.
    assert not [f for f in result.docs_live if f.operation.startswith("PATCH")]
    with Sandbox(faults={"no-request-id"}) as box, ReplayClient(ClientConfig(base_url=box.url)) as client:
        faulty = triangulate(spec, pages, compare(spec, pages), client.send, headers=HEADERS, redactor=redactor)
    header = [f for f in faulty.probes if f.header == "Request-Id"]
    assert header and header[0].finding.verdict == "spec"


def test_one_probe_per_kind_of_disagreement():
    """The typed disagreement drift carries decides the probe: each kind changes its field its own way."""
    from contract.model import Disagreement

    spec = load_spec(SEED_SPEC)
    op = spec.operation("createProfile")
    base = Case(op.key, "POST", op.path, body={"attrs": [{"key": "a", "value": 1}], "kind": "x"}, has_body=True)

    def probe(check: str, **says) -> Probe | None:
        f = Finding(check, Severity.WARNING, "m", operation=op.key, disagreement=Disagreement(**says))
        found = build_probes(spec, op, base, [f])
        return found[0] if found else None

    as_object = probe("drift.type_mismatch", docs_value=["object"], spec_value=["array"], location="/attrs")
    assert as_object.case.body["attrs"] == {"a": 1} and as_object.description == "attrs as object (the docs' type)"
    assert (as_object.spec_expects, as_object.docs_expects) == ("reject", "accept")
    only_docs = probe("drift.enum_mismatch", docs_value=["x", "y"], spec_value=["x"], location="/kind")
    assert only_docs.case.body["kind"] == "y" and (only_docs.spec_expects, only_docs.docs_expects) == (
        "reject", "accept")
    only_spec = probe("drift.enum_mismatch", docs_value=["x"], spec_value=["x", "z"], location="/kind")
    assert only_spec.case.body["kind"] == "z" and only_spec.spec_expects == "accept"
    assert probe("drift.enum_mismatch", docs_value=["x"], spec_value=["x"], location="/kind") is None
    shorter = probe("drift.limit_mismatch", keyword="maxLength", docs_value=3, spec_value=10, location="/kind")
    assert shorter.case.body["kind"] == "xxxx" and (shorter.spec_expects, shorter.docs_expects) == (
        "accept", "reject")
    unseparated = probe("drift.limit_missing_in_spec", keyword="pattern", docs_value=".*", location="/kind")
    assert unseparated.case is None and "no value separates" in unseparated.reason
    assert "not located" in probe("drift.nullable_mismatch", docs_value=False, spec_value=True).reason
    assert "no single request" in probe("drift.format_mismatch", docs_value="a", spec_value="b",
                                        location="/kind").reason
    header = probe("drift.header_missing_in_spec", header="Request-Id")
    assert header.header == "Request-Id" and header.case is None
