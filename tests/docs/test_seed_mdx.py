"""The Docusaurus MDX "Update profile" page (000): tabs, code examples, unresolved includes."""

from __future__ import annotations

from pathlib import Path

from contract.docs import read_docs, read_docs_text
from tests.docs.helpers import MDX, PROFILE, seed, source_line

PATCH = f"PATCH {PROFILE}"
HEADERS = {
    "Authorization": "Api-Key <YOUR_SECRET_API_KEY>",
    "adapty-customer-user-id": "<YOUR_CUSTOMER_USER_ID>",
    "adapty-platform": "<OPTIONAL_DEVICE_PLATFORM>",
    "Content-Type": "application/json",
}


def test_front_matter_title_and_format() -> None:
    page = seed(MDX)
    assert page.format == "mdx"
    assert page.title == "Update profile with server-side API"
    assert page.description == "Changes your end user profile attributes."
    assert [(e.key, e.line) for e in page.endpoints] == [(PATCH, 26)]


def test_three_languages_yield_the_same_request() -> None:
    page = seed(MDX)
    examples = [e for e in page.examples if e.kind == "request"]
    assert [(e.language, e.label, e.line) for e in examples] == [
        ("curl", "cURL", 37), ("python", "Python", 125), ("javascript", "JavaScript", 181)]
    for example in examples:
        assert example.ok
        assert (example.method, example.path, example.endpoint) == ("PATCH", PROFILE, PATCH)
        assert example.url == "https://api.adapty.io" + PROFILE
        assert example.headers == HEADERS
        assert example.has_body
        assert example.placeholders == ["<YOUR_SECRET_API_KEY>", "<YOUR_CUSTOMER_USER_ID>",
                                        "<OPTIONAL_DEVICE_PLATFORM>"]
    bodies = [e.body for e in examples]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["analytics_disabled"] is True
    assert bodies[0]["email"] == "jane.doe@example.com"
    assert bodies[0]["installation_meta"]["android_app_set_id"] == ""
    assert not [a for a in page.anomalies if a.kind.startswith("example.")]


def test_imports_are_recorded_with_lines() -> None:
    page = seed(MDX)
    content = [i for i in page.imports if i.source.endswith(".md")]
    assert len(page.imports) == 10 and len(content) == 8
    assert [(i.names, i.where.line) for i in content][:2] == [(["ProfileObject"], 10),
                                                            (["CreateProfileRequestExample"], 11)]
    unused = {i.names[0] for i in content if not i.used}
    assert unused == {"ProfileObject", "CreateProfileRequestExample"}


def test_unresolved_includes_listed_with_their_lines() -> None:
    page = seed(MDX)
    got = [(i.name, i.line, i.import_where.line if i.import_where else None, i.resolved) for i in page.includes]
    assert got == [
        ("ProfileRequest", 201, 12, False),
        ("ProfileResponse", 220, 13, False),
        ("ResponseExample", 223, 17, False),
        ("ProfileResponseBadRequest", 231, 14, False),
        ("ProfileResponseUnauthorized", 235, 16, False),
        ("ProfileResponseNotFound", 238, 15, False),
    ]
    for include in page.includes:
        assert f"<{include.name} />" in source_line(MDX, include.line)
        assert include.source == f"@site/src/components/reusable/{include.name}.md"
    assert len(page.unresolved_includes) == 6


def test_commented_out_component_is_not_an_include() -> None:
    page = seed(MDX)
    assert "CreateProfileRequestExample" not in {i.name for i in page.includes}
    commented = [a for a in page.anomalies if a.kind == "include.commented_out"]
    assert [(a.line, a.details["name"]) for a in commented] == [(197, "CreateProfileRequestExample")]


def test_statuses_including_the_heading_swallowed_by_jsx() -> None:
    # "### 404: Not found" directly follows "<ProfileResponseUnauthorized />"; markdown-it keeps
    # both in one HTML block, and the reader must still see the heading.
    page = seed(MDX)
    assert [(s.code, s.line, s.title) for s in page.statuses] == [
        (200, 218, "OK"), (400, 229, "Bad request"), (401, 233, "Unauthorized"), (404, 236, "Not found")]
    assert all(s.endpoint == PATCH for s in page.statuses)


def test_tip_admonition_either_rule() -> None:
    page = seed(MDX)
    rules = [(c.line, c.constraint.value, c.constraint.extra) for c in page.constraints if c.field is None]
    assert rules == [(205, ("profile_id", "customer_user_id"), {"in": "header"})]


def test_no_fields_without_the_components() -> None:
    assert seed(MDX).fields == []


def test_includes_resolve_from_components_dir(tmp_path: Path) -> None:
    (tmp_path / "ProfileRequest.md").write_text(
        "| Parameter | Type | Required | Nullable | Description |\n"
        "|---|---|---|---|---|\n"
        "| first_name | String | ➖ | ➕ | Your end user's first name. |\n"
        "| custom_attributes | Dictionary | ➖ | ➖ | Allows setting up to 30 custom attributes. |\n",
        encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "ProfileResponseNotFound.md").write_text(
        "```json\n{\"error_code\": \"not_found\", \"status_code\": 404}\n```\n", encoding="utf-8")
    page = read_docs(MDX, components_dir=tmp_path)
    resolved = {i.name: i.resolved_file for i in page.includes if i.resolved}
    assert resolved == {"ProfileRequest": str(tmp_path / "ProfileRequest.md"),
                        "ProfileResponseNotFound": str(tmp_path / "nested" / "ProfileResponseNotFound.md")}
    fields = page.fields_of("request")
    assert [(f.name, f.where.file, f.line, f.nullable, f.endpoint) for f in fields] == [
        ("first_name", str(tmp_path / "ProfileRequest.md"), 3, True, PATCH),
        ("custom_attributes", str(tmp_path / "ProfileRequest.md"), 4, False, PATCH)]
    not_found = next(s for s in page.statuses if s.code == 404)
    assert [e.body for e in not_found.examples] == [{"error_code": "not_found", "status_code": 404}]
    assert not_found.examples[0].where.file.endswith("ProfileResponseNotFound.md")
    assert len(page.unresolved_includes) == 4


def test_include_cycle_is_reported_not_followed(tmp_path: Path) -> None:
    (tmp_path / "Loop.md").write_text("import Loop from './Loop.md';\n\n<Loop />\n", encoding="utf-8")
    page = read_docs_text("import Loop from '@site/Loop.md';\n\n## Parameters\n\n<Loop />\n", "page.mdx",
                          components_dir=tmp_path)
    assert [a.kind for a in page.anomalies] == ["include.cycle"]
