"""Mintlify MDX: front-matter endpoints, `<ParamField>`/`<ResponseField>`/`<Expandable>`, snippet includes.

Two real sets (vendored, SOURCES says from where): Mintlify's own docs (`openapi: "/openapi.json POST /…"`
pages with their spec, and the pages documenting the field components) and mem0's API reference
(`openapi: get /v1/memories/{memory_id}/`, hand-written header and field tables). Neither has a spec operation
documented with hand-written field components or a shared snippet row that disagrees, so a constructed minimal
set (tests/docs/constructed/mintlify-snippets, README says so) adds both.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from contract.compare.drift import match_operation
from contract.core.grouping import collapse
from contract.docs import DocsPage, Endpoint, read_docs
from contract.docs.blocks import FrontMatter, Tag
from contract.docs.conventions import ComponentField, mintlify_fields, mintlify_frontmatter
from contract.load import Spec, load_spec
from contract.model import Finding, Location
from contract.pipeline import offline

HERE = Path(__file__).parent
MINTLIFY = HERE / "vendor" / "mintlify"
MEM0 = HERE / "vendor" / "mem0"
BUILT = HERE / "constructed" / "mintlify-snippets"
NOISE = ("docs.table_unknown_type", "docs.table_unknown_section", "docs.include_unresolved")


@cache
def inputs(root: Path, spec: str, pages: str = "**/*.mdx") -> tuple[Spec, list[DocsPage]]:
    return load_spec(root / spec), [read_docs(p) for p in sorted(root.glob(pages)) if "snippets" not in p.parts]


@cache
def findings(root: Path, spec: str, pages: str = "**/*.mdx") -> list[Finding]:
    return offline(*inputs(root, spec, pages), lint_spec=False)


def routes(root: Path) -> list[tuple[str, str]]:
    """Every front-matter route as written, read by the recogniser under test."""
    out = []
    for path in sorted(root.glob("**/*.mdx")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            data = yaml.safe_load(text.split("---", 2)[1])
            out += mintlify_frontmatter(FrontMatter(str(path), 1, data=data)) or []
    return out


# ----------------------------------------------------------------------------------------- the recognisers


def test_front_matter_endpoint_forms() -> None:
    def read(**data: object) -> list[tuple[str, str]] | None:
        return mintlify_frontmatter(FrontMatter("x.mdx", 1, data=dict(data)))

    assert read(openapi="GET /users/{id}") == [("GET", "/users/{id}")]
    assert read(openapi="get /v1/memories/{memory_id}/") == [("GET", "/v1/memories/{memory_id}/")]
    assert read(openapi="/openapi.json POST /project/update/{projectId}") == [("POST", "/project/update/{projectId}")]
    assert read(openapi="v3-openapi POST /api/v1/runs/{runId}/tags") == [("POST", "/api/v1/runs/{runId}/tags")]
    assert read(api="POST https://api.example.com/v1/users") == [("POST", "https://api.example.com/v1/users")]
    assert read(openapi="openapi.json webhook orderUpdated") is None  # a webhook, no route
    assert read(title="GET /users") is None  # only the endpoint keys
    assert read(api="spec.json POST /x") is None  # `api:` names no spec file


def test_field_component_attributes() -> None:
    def read(component: str, **attrs: str | None) -> ComponentField | None:
        return mintlify_fields(Tag("x.mdx", 1, "open", component, dict(attrs)))

    got = read("ParamField", query="limit", type="integer", required=None, default="10")
    assert got is not None
    assert (got.place, got.name, got.type, got.required, got.default) == ("query", "limit", "integer", True, "10")
    assert getattr(read("ParamField", body="to", type="string", required="{true}"), "required", None) is True
    assert getattr(read("ParamField", body="x", type="string", optional=None), "required", None) is False
    assert getattr(read("ResponseField", name="data.user", type="object"), "place", None) == "response"
    assert read("ResponseField", name="202 Accepted", type="object") is None  # a status, not a field
    assert read("ParamField", body="query, path, body, or header", type="string") is None  # prose, not a name
    assert read("ParamField", type="string") is None  # no place
    assert mintlify_fields(Tag("x.mdx", 1, "close", "ParamField", {})) is None


# ----------------------------------------------------------------------------------------- real sets


def test_mintlify_routes_all_matched() -> None:
    _, pages = inputs(MINTLIFY, "openapi.json")
    written = routes(MINTLIFY / "api")
    assert len(written) == 4
    declared = [e for p in pages for e in p.endpoints]
    assert {(e.method, e.path) for e in declared} == set(written)
    assert all(e.convention == "mintlify-frontmatter" for e in declared)
    assert not [f for f in findings(MINTLIFY, "openapi.json") if f.check == "drift.operation_missing_in_docs"]
    assert findings(MINTLIFY, "openapi.json") == []  # every route matched, nothing else to say


def test_mem0_routes_all_matched_and_only_the_true_finding() -> None:
    spec, _ = inputs(MEM0, "openapi.json")
    written = routes(MEM0)
    assert len(written) == 7
    assert all(match_operation(spec, Endpoint(method, path, Location("x.mdx", 1))) is not None
               for method, path in written)
    found = findings(MEM0, "openapi.json")
    assert not [f for f in found if f.check in NOISE]
    assert not [f for f in found if f.check == "drift.operation_missing_in_docs"]
    # The one finding: "Authorization: Token <MEM0_API_KEY>" (the header read by its name) is declared by no
    # security scheme the operation uses — its `security` names `tokenAuth`, which the spec never defines.
    assert [(f.check, f.operation) for f in found] == [("drift.header_missing_in_spec", "POST /v3/memories/add/")]
    assert "'Authorization'" in found[0].message


def test_field_component_pages_read_precisely() -> None:
    """Mintlify's own component pages: every documented field read with its side, nested ones under their
    parent; the prose "name" and code samples skipped, none of it guessed."""
    fields_page = read_docs(MINTLIFY / "components" / "fields.mdx")
    by_name = {(f.name, f.table): f for f in fields_page.fields}
    assert by_name[("param", "path")].required is True
    assert by_name[("response", "response")].json_type == "string"
    assert ("type", "request") in by_name and ("type", "response") in by_name
    assert "Define arrays using the [] suffix" in by_name[("type", "request")].description.replace("`", "")
    assert any("without a readable place and name" in s.why for s in fields_page.skipped)
    assert not fields_page.anomalies
    expandables = read_docs(MINTLIFY / "components" / "expandables.mdx")
    user = next(f for f in expandables.fields if f.name == "user")
    children = [f.name for f in expandables.fields if f.table == "object"]
    assert children == ["full_name", "is_over_21"]
    assert user.ref is not None and user.ref.lstrip("#") in expandables.objects[0].anchors
    assert [f.name for f in expandables.fields if f.table == "response"] == ["user", "title", "defaultOpen"]


# ----------------------------------------------------------------------------------------- constructed set


def test_shared_snippet_row_is_one_finding_listing_every_page() -> None:
    found = findings(BUILT, "openapi.yaml", "api/**/*.mdx")
    assert not [f for f in found if f.check in NOISE or f.check == "drift.operation_missing_in_docs"]
    shared = [f for f in found if f.docs is not None and f.docs.file and f.docs.file.endswith("pagination.mdx")]
    assert {f.operation for f in shared} == {"GET /users", "GET /teams"}
    assert {f.check for f in shared} == {"drift.type_mismatch"}
    merged = [d for d in collapse([f.to_dict() for f in found]) if d["check"] == "drift.type_mismatch"
              and str((d.get("docs") or {}).get("file", "")).endswith("pagination.mdx")]
    assert len(merged) == 1
    message = merged[0]["message"]
    assert "teams/list.mdx" in message and "users/list.mdx" in message and "included by 2 pages" in message
    # the page's own disagreement stays its own finding, at its line
    own = [f for f in found if f.operation == "GET /users/{id}"]
    assert [(f.check, f.docs.line if f.docs else None) for f in own] == [("drift.type_mismatch", 24)]


def test_both_include_forms_resolve_from_the_docs_root() -> None:
    _, pages = inputs(BUILT, "openapi.yaml", "api/**/*.mdx")
    includes = {Path(p.file).parent.name: p.includes for p in pages if p.includes}
    assert set(includes) == {"users", "teams"}
    for found in includes.values():
        assert all(i.resolved_file and i.resolved_file.endswith("snippets/pagination.mdx") for i in found)
    limit = [f for p in pages for f in p.fields if f.name == "limit"]
    assert {f.endpoint for f in limit} == {"GET /users", "GET /teams"} and all(f.table == "query" for f in limit)


def test_a_snippet_outside_any_docs_root_is_not_guessed(tmp_path: Path) -> None:
    page = tmp_path / "page.mdx"
    page.write_text('---\nopenapi: GET /users\n---\n\n<Snippet file="pagination.mdx" />\n', encoding="utf-8")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "pagination.mdx").write_text('<ParamField query="limit" type="integer" />\n',
                                                          encoding="utf-8")
    read = read_docs(page)
    assert read.includes and read.includes[0].resolved_file is None  # no docs.json: not Mintlify's root
    assert not read.fields
    (tmp_path / "docs.json").write_text("{}", encoding="utf-8")
    again = read_docs(page)
    assert [f.name for f in again.fields] == ["limit"]
