"""The convention registry: each recogniser on the notation it is for, and a new one is one addition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract.compare import compare
from contract.docs import conventions, read_docs_text
from contract.docs.blocks import Element, Heading, Paragraph
from contract.docs.conventions import (
    REGISTRY,
    anchor_of,
    enum_value,
    first,
    read_name,
    read_type,
    recogniser,
    recognisers,
    slug,
)
from contract.load import load_spec

KINDS = {"endpoint", "anchor", "section", "table", "name", "type", "returns", "prose", "object-prose"}


def test_every_recogniser_is_registered_once_with_a_docstring_naming_sites():
    assert REGISTRY.keys() >= KINDS
    for entry in recognisers():
        assert entry.doc, f"{entry.kind}/{entry.name} has no docstring"
        assert len(entry.doc) > 60, f"{entry.kind}/{entry.name}: say which sites write it so"
    names = [(r.kind, r.name) for r in recognisers()]
    assert len(names) == len(set(names))
    with pytest.raises(ValueError, match="registered twice"):
        recogniser("type", "nullable-prefix")(lambda r: None)


def test_a_new_convention_is_one_addition():
    text = "## Get thing\n<ApiRoute verb=\"GET\" to=\"/things/:id\" />\n"
    assert read_docs_text(text, "t.mdx").endpoints == []

    @recogniser("endpoint", "test-api-route")
    def api_route(block: object) -> list[tuple[str, str]] | None:
        """<ApiRoute verb to />: a made-up component, for this test only (two sites: none, it is a test)."""
        if isinstance(block, Element) and block.name == "ApiRoute":
            return [(str(block.attrs["verb"]), str(block.attrs["to"]))]
        return None

    try:
        page = read_docs_text(text, "t.mdx")
        assert [(e.key, e.convention) for e in page.endpoints] == [("GET /things/:id", "test-api-route")]
    finally:
        REGISTRY["endpoint"] = [r for r in REGISTRY["endpoint"] if r.name != "test-api-route"]


@pytest.mark.parametrize(("element", "expected"), [
    (Element("p", 1, "Route", {"method": "GET"}, "/users/{user.id}"), [("GET", "/users/{user.id}")]),
    (Element("p", 1, "Route", {"method": "post", "path": "/api/v1/bot/:botid/vote"}), [("POST", "/api/v1/bot/:botid/vote")]),
    (Element("p", 1, "MethodEndpoint", {"method": '{"post"}', "path": '{"/chat/completions"}'}),
     [("POST", "/chat/completions")]),
    (Element("p", 1, "Route", {"method": "GET"}, "not a path"), None),
    (Element("p", 1, "Tabs", {"method": "GET"}, "/x"), None),
])
def test_jsx_route(element: Element, expected: list[tuple[str, str]] | None) -> None:
    assert conventions.jsx_route(element) == expected


def test_method_path_line_still_reads_headings_and_code():
    assert conventions.method_path_line(Heading("p", 1, 2, "POST /v1/customers")) == [("POST", "/v1/customers")]
    assert conventions.method_path_line(Paragraph("p", 1, "Create a customer.")) is None


@pytest.mark.parametrize(("text", "links", "json_type", "fmt", "nullable", "ref"), [
    ("snowflake", [], "string", "snowflake", None, None),
    ("?snowflake", [], "string", "snowflake", True, None),
    ("?integer", [], "integer", None, True, None),
    ("ISO8601 timestamp", [], "string", "date-time", None, None),
    ("?ISO8601 timestamp \\*", [], "string", "date-time", True, None),
    ("IS08601 timestamp", [], "string", "date-time", None, None),
    ("array of snowflakes", [], "array", None, None, None),
    ("?array of embed objects", [("embed", "#embed-object")], "array", None, True, "#embed-object"),
    ("user object", [("user", "/developers/resources/user#user-object")], "object", None, None,
     "/developers/resources/user#user-object"),
    ("?avatar decoration data object", [("avatar decoration data", "#adr")], "object", None, True, "#adr"),
    ("partial guild object", [("guild", "#guild-object")], "object", None, None, "#guild-object"),
    ("allowed mention object", [("allowed mention object", "#am")], "object", None, None, "#am"),
    ("?image data", [("image data", "/developers/reference#image-data")], "string", None, True,
     "/developers/reference#image-data"),
    ("privacy level", [("privacy level", "#privacy-level")], None, None, None, "#privacy-level"),
    ("mixed", [], None, None, None, None),
    ("integer or string", [], ["integer", "string"], None, None, None),
    ("file contents", [], "string", "binary", None, None),
    ("dict", [], "object", None, None, None),
    ("List of Poll Answer Objects", [("Poll Answer Objects", "#pa")], "array", None, None, "#pa"),
    ("String", [], "string", None, None, None),  # the general vocabulary, as before
    ("ISO 8601 date", [], "string", "date", None, None),
])
def test_type_notation(text: str, links: list[tuple[str, str]], json_type: object, fmt: str | None,
                       nullable: bool | None, ref: str | None) -> None:
    reading = read_type(text, links)
    assert (reading.json_type, reading.format, reading.nullable, reading.ref) == (json_type, fmt, nullable, ref)


def test_mixed_is_recognised_but_typeless():
    assert read_type("mixed").done and read_type("mixed").json_type is None
    assert not read_type("Widget").done


@pytest.mark.parametrize(("cell", "name", "optional"), [
    ("bot?", "bot", True), ("content?*", "content", True), ("before? *", "before", True),
    ("files[n]?*", "files[n]", True), ("id", "id", None), ("emoji_id ^1^", "emoji_id", None),
])
def test_name_notation(cell: str, name: str, optional: bool | None) -> None:
    reading = read_name(cell)
    assert (reading.name, reading.optional) == (name, optional)


@pytest.mark.parametrize(("heading", "kind", "name"), [
    ("User Structure", "object", "User"),
    ("Message Pin Object Struture", "object", "Message Pin"),
    ("Attachment Request Structure", "object", "Attachment Request"),
    ("User Object", "container", "User"),
    ("JSON Params", "request", ""),
    ("JSON/Form Params", "request", ""),
    ("Form Params", "request", ""),
    ("Query String Params", "query", ""),
    ("Path parameters", "path", ""),
    ("Response Body", "response", ""),
    ("Bulk Ban Response", "response", ""),
    ("Example User", "example", "Example User"),
])
def test_section_headings(heading: str, kind: str, name: str) -> None:
    found = first("section", heading, 6)
    assert found is not None and (found[1].kind, found[1].name) == (kind, name)


@pytest.mark.parametrize("heading", ["Successful response", "200: OK", "Errors", "Example request",
                                     "Successful response example", "401 - Unauthorized", "Body"])
def test_seed_headings_are_left_to_the_general_reading(heading: str) -> None:
    assert first("section", heading, 2) is None


@pytest.mark.parametrize(("header", "kind"), [
    (["Value", "Name", "Description"], "enum"), (["Type", "Value", "Description"], "enum"),
    (["Level", "Integer", "Description"], "enum"), (["Flag", "Value", "Description"], "enum"),
    (["Field", "Type", "Description"], "fields"), (["Parameter", "Type", "Required", "Description"], "fields"),
])
def test_table_shapes(header: list[str], kind: str) -> None:
    found = first("table", header)
    assert found is not None and found[1].kind == kind


def test_a_table_about_fields_is_not_a_field_table():
    assert first("table", ["Field", "Trigger Types", "MAX ARRAY LENGTH", "MAX CHARACTERS PER STRING"]) is None


def test_enum_values_and_anchors():
    assert [enum_value(v) for v in ("1 << 3", "42", '"roles"', "instagram \\*")] == [8, 42, "roles", "instagram"]
    assert slug("Application-Owned Emoji") == "application-owned-emoji"
    assert anchor_of("/developers/resources/user#user-object") == ("user", "user-object")
    assert anchor_of("#user-object") == ("", "user-object")


def test_returns_links_and_partial():
    links = [("user", "/developers/resources/user#user-object"), ("User Update", "/events#user-update")]
    text = "Returns a user object on success. Fires a User Update Gateway event."
    assert first("returns", text, links) == ("returns-link", [("/developers/resources/user#user-object", False)])
    partial = "Returns a list of partial guild objects."
    assert first("returns", partial, [("guild", "/g#guild-object")]) == ("returns-link", [("/g#guild-object", True)])
    assert first("returns", "This endpoint returns a partial entitlement object.", []) == (
        "returns-named-object", [("#entitlement-object", True)])
    assert first("prose", "All parameters to this endpoint are optional.") == ("all-optional", "all-optional")


# ----------------------------------------------------------------------------------------- a page and a spec

PAGE = """\
### Thing Object

###### Thing Structure

| Field | Type | Description |
|---|---|---|
| id | snowflake | the id |
| name | ?string | the name |
| size? | integer | the size |

## Create Plain Thing
<Route method="POST">/things</Route>

Returns a [thing](#thing-object) object.

###### JSON Params

| Field | Type | Description |
|---|---|---|
| name | string | the name |

## Create Sized Thing
<Route method="POST">/things</Route>

Returns a [thing](#thing-object) object.

###### JSON Params

| Field | Type | Description |
|---|---|---|
| size | integer | the size |
| files[n]? | file contents | an upload |

## Get Thing
<Route method="GET">/things/[\\{thing.id\\}](#thing-object)</Route>

Returns a [thing](#thing-object) object.

###### Query String Params

| Field | Type | Description | Default |
|---|---|---|---|
| with_size? | boolean | include the size | false |
| secret | string | not in the spec | |
"""

THING = {"type": "object", "required": ["id", "name", "size"],
         "properties": {"id": {"type": "string", "format": "snowflake"}, "name": {"type": "string"},
                        "size": {"type": "integer"}}}
SPEC = {
    "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://x.io/api/v1"}],
    "paths": {
        "/things": {"post": {
            "requestBody": {"content": {
                "application/json": {"schema": {"anyOf": [
                    {"$ref": "#/components/schemas/PlainThing"}, {"$ref": "#/components/schemas/SizedThing"}]}},
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "size": {"type": "integer"}, "files[0]": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}}},
        "/things/{thing_id}": {"get": {
            "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "with_size", "in": "query", "schema": {"type": "boolean"}},
                           {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}}},
    },
    "components": {"schemas": {
        "Thing": THING,
        "PlainThing": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "SizedThing": {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}}},
    }},
}


@pytest.fixture
def drift(tmp_path: Path) -> list:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    return compare(load_spec(path), [read_docs_text(PAGE, "thing.mdx")])


def test_each_request_table_against_its_own_branch(drift: list) -> None:
    assert not [f for f in drift if f.check == "drift.operation_missing_in_docs"]
    request = [f for f in drift if f.subject and f.subject.startswith("request:")]
    assert request == [], [f.message for f in request]  # name → PlainThing, size + files[n] → SizedThing/form


def test_structure_compared_once_for_both_operations(drift: list) -> None:
    found = [f for f in drift if f.subject and "thing#" in f.subject]
    assert sorted((f.check, f.disagreement and f.disagreement.field) for f in found) == [
        ("drift.nullable_mismatch", "name"), ("drift.required_mismatch", "size")]
    required = next(f for f in found if f.check == "drift.required_mismatch")
    assert required.details["operations"] == ["POST /things", "GET /things/{thing_id}"]
    assert "returned by POST /things, GET /things/{thing_id}" in required.message


def test_query_string_params_against_query_parameters(drift: list) -> None:
    query = sorted((f.check, f.subject) for f in drift if f.subject and f.subject.startswith("query:"))
    assert query == [("drift.field_missing_in_docs", "query:limit"), ("drift.field_missing_in_spec", "query:secret")]


# ----------------------------------------------------------------------------------------- mixed parameter tables


@pytest.mark.parametrize("heading", ["Parameters", "Request parameters", "Arguments", "Parameters:"])
def test_a_single_parameters_heading_is_a_mixed_table(heading: str) -> None:
    found = first("section", heading, 5)
    assert found is not None and found == ("parameters-by-method", conventions.Section("params"))


@pytest.mark.parametrize("heading", ["Query parameters", "Path parameters", "Body parameters", "JSON Params"])
def test_named_parameter_headings_keep_their_own_reading(heading: str) -> None:
    found = first("section", heading, 5)
    assert found is not None and found[0] != "parameters-by-method"


@pytest.mark.parametrize(("name", "method", "expected"), [
    ("list_id", "PUT", "path"), ("list_id", "GET", "path"), ("page", "GET", "query"), ("id", "DELETE", "query"),
    ("name", "POST", "request"), ("status", "PATCH", "request"), ("all", "HEAD", "query"),
])
def test_parameter_place_by_method_and_placeholder(name: str, method: str, expected: str) -> None:
    assert conventions.parameter_place(name, method, ("list_id",)) == expected


def test_mixed_parameters_table_rows_go_to_path_query_and_body() -> None:
    page = read_docs_text(
        "# Lists\n\n#### GET /api/lists/{list_id}\n\n##### Parameters\n\n"
        "| Name | Type | Required | Description |\n|:--|:--|:--|:--|\n| list_id | number | Yes | The list. |\n"
        "| minimal | boolean | | Fewer fields. |\n\n"
        "#### PUT /api/lists/{list_id}\n\n##### Parameters\n\n"
        "| Name | Type | Required | Description |\n|:--|:--|:--|:--|\n| list_id | number | Yes | The list. |\n"
        "| name | string | | New name. |\n", "lists.md")
    placed = [(f.endpoint, f.name, f.table) for f in page.fields]
    assert placed == [("GET /api/lists/{list_id}", "list_id", "path"), ("GET /api/lists/{list_id}", "minimal", "query"),
                      ("PUT /api/lists/{list_id}", "list_id", "path"), ("PUT /api/lists/{list_id}", "name", "request")]


# ----------------------------------------------------------------------------------------- field headings


@pytest.mark.parametrize(("heading", "name"), [
    ("`params` (JSON string)", "params"), ("`options` (Object) (optional)", "options"),
    ("`workerURL` (String)(Required)", "workerURL"), ("`options.useArrows` (boolean)", "options.useArrows"),
])
def test_a_heading_naming_a_field_and_its_type_opens_that_fields_structure(heading: str, name: str) -> None:
    found = first("section", heading, 4)
    assert found is not None and found[0] == "field-heading" and (found[1].kind, found[1].name) == ("object", name)


@pytest.mark.parametrize("heading", ["Sorting (optional)", "Lists (beta)", "Create a list (POST)", "Parameters"])
def test_a_heading_with_words_in_brackets_is_not_a_field_heading(heading: str) -> None:
    found = first("section", heading, 4)
    assert found is None or found[0] != "field-heading"


# ----------------------------------------------------------------------------------------- shared parameters


@pytest.mark.parametrize("text", [
    "Use the same parameters in POST /api/campaigns in addition to the below parameters.",
    "Refer to parameters from POST /api/campaigns",
    "Updates an annotation created by the authenticated user. Accepts the same parameters as POST /annotation above.",
])
def test_prose_that_shares_another_endpoints_parameters(text: str) -> None:
    label = "POST /api/campaigns" if "campaigns" in text else "POST /annotation"
    found = first("params-from", text, [(label, "#x"), ("unrelated", "#y")])
    assert found == ("same-parameters-as", [(label, "#x")])


def test_prose_that_only_links_an_endpoint_shares_nothing() -> None:
    assert first("params-from", "See POST /api/campaigns for the fields it returns.",
                 [("POST /api/campaigns", "#post-apicampaigns")]) is None


def test_shared_parameters_resolve_to_the_page_endpoint_by_link_text_or_anchor() -> None:
    page = read_docs_text(
        "# Campaigns\n\n#### POST /api/campaigns\n\nCreate.\n\n#### POST /api/campaigns/{id}/test\n\n"
        "Use the same parameters in [POST /api/campaigns](#post-apicampaigns) in addition to the below.\n\n"
        "#### PUT /api/campaigns/{id}\n\nRefer to parameters from [the create call](#post-apicampaigns)\n", "c.md")
    shared = {e.key: e.params_from for e in page.endpoints}
    assert shared == {"POST /api/campaigns": [], "POST /api/campaigns/{id}/test": ["POST /api/campaigns"],
                      "PUT /api/campaigns/{id}": ["POST /api/campaigns"]}
