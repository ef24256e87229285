"""listmonk's own API reference (hand-written MkDocs Markdown) against its hand-maintained OpenAPI spec.

The third documentation set of issue #11, vendored whole under `tests/docs/vendor/listmonk/` (8 pages, the
4209-line spec; SOURCES says from where). Its conventions differ from Discord's: `#### GET /api/lists` headings,
one "##### Parameters" table per endpoint holding path, query and body rows alike, Go-style `[]string` types,
"Use the same parameters in [POST /api/campaigns](…)" prose, curl examples fed by here-documents.
"""

from __future__ import annotations

import collections
from functools import cache
from pathlib import Path

from contract.compare.drift import match_operation
from contract.docs import DocsPage, Endpoint, read_docs
from contract.docs.blocks import Heading
from contract.docs.conventions import method_path_line
from contract.docs.readers import read_document
from contract.load import Spec, load_spec
from contract.model import Finding
from contract.pipeline import offline

VENDOR = Path(__file__).parent / "vendor" / "listmonk"
PAGES = sorted(VENDOR.glob("*.md"))
NOISE = ("docs.table_unknown_type", "docs.table_unknown_section")


@cache
def inputs() -> tuple[Spec, list[DocsPage]]:
    return load_spec(VENDOR / "spec.yaml"), [read_docs(p) for p in PAGES]


@cache
def findings() -> list[Finding]:
    spec, pages = inputs()
    return offline(spec, pages, lint_spec=False)


def headings() -> list[Endpoint]:
    """Every `#### METHOD /path` heading as written (a route documented twice counts twice)."""
    out = []
    for path in PAGES:
        for block in read_document(path.read_text(encoding="utf-8"), str(path)).blocks:
            found = method_path_line(block) if isinstance(block, Heading) else None
            out += [Endpoint(method, url, block.where) for method, url in found or []]
    return out


def at(check: str, page: str, line: int) -> list[Finding]:
    return [f for f in findings() if f.check == check and f.docs is not None and f.docs.file is not None
            and f.docs.file.endswith(page) and f.docs.line == line]


# ----------------------------------------------------------------------------------------- the figures


def test_documented_routes_are_matched_to_spec_operations() -> None:
    spec, _ = inputs()
    routes = headings()
    unmatched = sorted(f"{e.method} {e.path}" for e in routes if match_operation(spec, e) is None)
    assert len(routes) == 58  # SOURCES: 58 endpoint headings on 8 pages
    assert (len(routes) - len(unmatched)) / len(routes) >= 0.9
    # The three the spec really lacks (it has GET, POST on /lists and /campaigns; GET, PUT, DELETE on a subscriber).
    assert unmatched == ["DELETE /api/campaigns", "DELETE /api/lists", "PATCH /api/subscribers/{subscriber_id}"]
    assert {f.operation for f in findings() if f.check == "drift.operation_missing_in_spec"} == set(unmatched)


def test_findings_are_not_notation_or_section_noise() -> None:
    by_check = collections.Counter(f.check for f in findings())
    assert sum(by_check[c] for c in NOISE) <= 0.05 * len(findings()), by_check
    # Before the conventions: 27 "the docs document N request body field(s) but the spec has no request body"
    # (query and path rows read as a body) and 13 examples parsed wrong; 160 findings in all.
    assert len(findings()) <= 100, by_check


def test_every_page_endpoint_comes_from_its_heading() -> None:
    _, pages = inputs()
    assert sum(p.conventions.get("method-path-line", 0) for p in pages) == 58
    assert sum(len(p.endpoints) for p in pages) == 56  # DELETE /api/bounces and PUT …/{campaign_id} are written twice


# ----------------------------------------------------------------------------------------- true disagreements


def test_the_specs_misindented_send_at_swallows_two_properties() -> None:
    (send_at,) = [f for f in findings() if f.check == "drift.type_mismatch" and f.subject == "request:send_at"]
    assert send_at.operation == "POST /campaigns" and "'string' (string) in the docs but object" in send_at.message
    swallowed = {f.details["field"] for f in findings() if f.check == "drift.field_missing_in_spec"
                 and f.operation == "POST /campaigns"}
    assert {"template_id", "headers"} <= swallowed


def test_a_schema_without_required_is_one_finding_per_table() -> None:
    (lists,) = at("drift.required_mismatch", "lists.md", 158)
    assert lists.operation == "POST /lists" and lists.details["fields"] == ["name", "type", "optin"]
    assert "has no `required` list" in lists.message
    assert not [f for f in findings() if f.check == "drift.required_mismatch" and f.operation == "POST /lists"
                and f is not lists]


def test_broken_examples_are_reported_at_their_line() -> None:
    (no_url,) = at("docs.example_parse_error", "subscribers.md", 387)  # `curl -u 'http://…'`: -u takes the URL
    assert no_url.message == "curl command without a URL"
    (method,) = at("docs.example_endpoint_mismatch", "subscribers.md", 610)
    assert "calls POST /api/subscribers/query/blocklist" in method.message
    assert at("docs.example_parse_error", "subscribers.md", 610)  # `\'` inside single quotes ends the quote
    # ... and a broken example is not also compared with the spec.
    assert not at("drift.example_violates_spec", "subscribers.md", 610)
    assert not at("drift.example_violates_spec", "subscribers.md", 387)


def test_docs_and_spec_disagree_on_list_ids_types() -> None:
    (ids,) = at("drift.type_mismatch", "subscribers.md", 576)
    assert ids.operation == "PUT /subscribers/blocklist" and ids.disagreement is not None
    assert (ids.disagreement.docs_value, ids.disagreement.spec_value) == (["number"], ["array"])
    assert not [f for f in findings() if f.check == "drift.example_violates_spec"]  # folded, see below


# ----------------------------------------------------------------------------------------- fixed false findings


def test_parameters_tables_of_get_and_delete_are_query_not_body() -> None:
    assert not [f for f in findings() if "request body field(s) but the spec has no request body" in f.message]
    _, pages = inputs()
    lists = next(p for p in pages if p.file.endswith("lists.md"))
    put = {f.name: f.table for f in lists.fields if f.endpoint == "PUT /api/lists/{list_id}"}
    assert put["list_id"] == "path" and put["name"] == "request"
    assert {f.name: f.table for f in lists.fields if f.endpoint == "GET /api/lists"}["per_page"] == "query"
    # `| id | subscriber_id |` under DELETE /api/subscribers/{subscriber_id}/bounces is the spec's path `{id}`
    assert not [f for f in findings() if f.subject == "query:id" and f.operation == "DELETE /subscribers/{id}/bounces"]


def test_here_document_bodies_are_read_and_compared() -> None:
    _, pages = inputs()
    tx = next(p for p in pages if p.file.endswith("transactional.md"))
    bodies = [e.body for e in tx.examples if e.language == "curl" and e.ok]
    assert bodies and bodies[0]["template_id"] == 2
    assert not [f for f in findings() if f.docs and f.docs.file and f.docs.file.endswith("transactional.md")
                and f.check.startswith("docs.example")]


def test_two_curl_scenarios_of_one_endpoint_are_not_a_contradiction() -> None:
    assert not [f for f in findings() if f.check == "drift.example_contradicts_docs"
                and "differs from the curl example" in f.message]


def test_shared_parameters_are_documented_for_the_test_endpoint() -> None:
    test = [f for f in findings() if f.operation == "POST /campaigns/{id}/test"]
    missing = [f for f in test if f.check == "drift.field_missing_in_docs"]
    # "Use the same parameters in [POST /api/campaigns](…)": those rows count as documented here too, and the spec
    # gives both the same schema, so what that table lacks (`send_later`) is reported there, once.
    assert not missing
    assert [f.operation for f in findings() if f.subject == "request:send_later"] == ["POST /campaigns"]


def test_a_field_heading_table_is_not_read_as_the_endpoints_body() -> None:
    assert not [f for f in findings() if f.check == "docs.table_unknown_section"]
    assert not [f for f in findings() if f.operation == "POST /import/subscribers" and f.check.startswith("drift.field")]


def test_a_field_one_shared_spec_schema_lacks_or_types_otherwise_is_one_finding() -> None:
    # `list_ids` and `target_list_ids` are documented for several operations whose spec request is the one
    # SubscriberQueryRequest: it lacks the first and types the second `integer`. One cause each, merged where
    # the report is built (contract.core.grouping), every table's line named.
    from contract.core.grouping import collapse

    reported = collapse([f.to_dict() for f in findings()])
    (list_ids,) = [f for f in reported if f["check"] == "drift.field_missing_in_spec" and
                   f["details"]["subject"].endswith(":list_ids:None:None")]
    assert list_ids["details"]["operations"] == ["POST /subscribers/query/delete", "PUT /subscribers/query/blocklist",
                                                 "PUT /subscribers/query/lists"]
    assert [p["docs"]["line"] for p in list_ids["details"]["places"]] == [712, 605, 445]
    assert list_ids["message"].startswith("3 operations returning or sending SubscriberQueryRequest (")
    assert "(subscribers.md:445, subscribers.md:605, subscribers.md:712)" in list_ids["message"]
    (target,) = [f for f in reported if f["check"] == "drift.type_mismatch" and "target_list_ids" in f["message"]]
    assert target["details"]["operations"] == ["PUT /subscribers/lists", "PUT /subscribers/query/lists"]
    assert target["details"]["examples"] == [421, 458, 471]  # the examples sending arrays, one line each


def test_an_endpoint_written_twice_requires_neither_variants_parameter() -> None:
    # `#### DELETE /api/bounces` twice: once with `all` (Yes), once with `id` (Yes); the spec's one operation
    # makes both optional, rightly. Their types are still compared.
    delete = [f for f in findings() if f.operation == "DELETE /bounces"]
    assert not [f for f in delete if f.check == "drift.required_mismatch"]
    assert [f.subject for f in delete if f.check == "drift.type_mismatch"] == ["query:id"]  # number vs string
