"""Precision and attribution of docs drift on real pages (issue #11): one finding per missing page,
request-only rows of shared structures, every finding on the line to edit, per-page coverage.

Real material only: Discord's pages (three vendored, the shared corpus' 17) against discord-api-spec,
the seed pages of `specs/`, and corpus specs that tag their operations (Box, OpenAI).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.compare import compare
from contract.docs import read_docs
from contract.load import load_spec
from contract.model import Severity
from contract.report import build_report
from tests.conftest import CORPUS
from tests.docs.test_discord import VENDOR, corpus, vendored

MISSING = "drift.operation_missing_in_docs"


def _missing(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == MISSING]


def _spec_line(path: str, line: int) -> str:
    return Path(path).read_text(encoding="utf-8").splitlines()[line - 1]


# ----------------------------------------------------------------------------- 1. missing operations rolled up


def test_operations_of_a_page_not_given_are_one_finding_listing_each_with_its_spec_line():
    spec, pages = vendored()
    user = [p for p in pages if p.file.endswith("user.mdx")]
    findings = compare(spec, user)
    per_operation = [f for f in findings if f.check == MISSING]
    report = build_report(findings, command="drift")
    grouped = _missing(report)
    # emoji.mdx and sticker.mdx are not given: 18 operations, one finding per missing resource
    assert len(per_operation) == 18
    assert sorted(len(f["details"]["places"]) for f in grouped) == [2, 6, 10]
    emojis = next(f for f in grouped if len(f["details"]["places"]) == 10)
    assert emojis["message"].startswith("10 operations under /applications/{application_id}/emojis and "
                                        "/guilds/{guild_id}/emojis are not on user.mdx, the one docs page given")
    assert emojis["operation"] is None
    assert sorted(emojis["details"]["operations"]) == sorted(
        f.operation for f in per_operation if f.operation and "/emojis" in f.operation)
    for place in emojis["details"]["places"]:
        method, path = place["operation"].split(" ", 1)
        line = place["spec"]["line"]
        assert f"{place['operation']} (spec line {line})" in emojis["message"]
        assert f'"{method.lower()}"' in _spec_line(place["spec"]["file"], line)  # the operation's own line
        assert path == place["spec"]["pointer"].split("/")[2].replace("~1", "/")


def test_the_corpus_missing_operations_are_one_finding_per_missing_page():
    spec, pages, _ = corpus()
    findings = compare(spec, pages)
    per_operation = [f for f in findings if f.check == MISSING]
    grouped = _missing(build_report(findings, command="drift"))
    assert len(per_operation) == sum(len(f["details"]["places"]) for f in grouped)
    assert len(grouped) <= len(per_operation) / 3, [f["message"][:80] for f in grouped]
    commands = [f for f in grouped if "/commands" in f["message"]]
    assert len(commands) == 1  # the application-commands page: global and guild commands, 15 operations
    assert len(commands[0]["details"]["operations"]) == 15
    assert "on none of the 17 docs pages given" in commands[0]["message"]
    lobbies = next(f for f in grouped if "under /lobbies " in f["message"])
    assert all(op.split(" ", 1)[1].startswith("/lobbies") for op in lobbies["details"]["operations"])


def test_a_spec_that_tags_its_operations_is_grouped_by_tag():
    path = CORPUS / "box-3.0.json"
    if not path.is_file():
        pytest.skip(f"the shared corpus is not here ({path})")
    spec = load_spec(path)
    page = read_docs(VENDOR / "user.mdx")  # documents none of Box's operations
    grouped = _missing(build_report(compare(spec, [page]), command="drift"))
    tags = set()
    for op in spec.operations:
        raw = spec.data["paths"][op.path][op.method.lower()]
        tags.add(raw["tags"][0])
    assert len(grouped) == len(tags)
    files = next(f for f in grouped if "tagged “Files”" in f["message"])
    assert all(spec.data["paths"][o.split(" ", 1)[1]][o.split(" ", 1)[0].lower()]["tags"][0] == "Files"
               for o in files["details"].get("operations") or [files["operation"]])


def test_a_tag_partly_documented_names_the_page_that_has_the_rest():
    path = CORPUS / "openai-3.1.yaml"
    if not path.is_file():
        pytest.skip(f"the shared corpus is not here ({path})")
    spec = load_spec(path)
    from contract.compare.missing import missing_in_docs

    models = [op for op in spec.operations if op.path.startswith("/models")]
    assert len(models) == 3
    documented = {models[0].key: "docs/models.md"}
    found = missing_in_docs(spec, [read_docs(VENDOR / "user.mdx")] * 2, documented)
    mine = [f for f in found if f.details["cause"] == "tag:Models"]
    assert len(mine) == 2
    assert "the other 1 tagged so is on models.md" in mine[0].details["cause_message"]


def test_missing_findings_merge_the_same_from_shards():
    spec, pages = vendored()
    findings = compare(spec, [p for p in pages if p.file.endswith("user.mdx")])
    from contract.report.merge import merge_reports

    whole = _missing(build_report(findings, command="drift"))
    half = len(findings) // 2
    merged = _missing(merge_reports([build_report(findings[:half], command="drift"),
                                     build_report(findings[half:], command="drift")]))
    assert [(f["message"], f["fingerprint"]) for f in merged] == [(f["message"], f["fingerprint"]) for f in whole]


# ----------------------------------------------------------------------------- 2. rows about one side only


def _kubernetes_description(name: str) -> str:
    import json

    path = CORPUS / "kubernetes-2.0.json"
    if not path.is_file():
        pytest.skip(f"the shared corpus is not here ({path})")
    definitions = json.loads(path.read_text(encoding="utf-8"))["definitions"]
    return definitions["io.k8s.api.core.v1.Secret"]["properties"][name]["description"]


def _corpus_descriptions(spec_name: str, needle: str) -> list[str]:
    """Every schema property description of a corpus spec containing `needle` (case-insensitive)."""
    path = CORPUS / spec_name
    if not path.is_file():
        pytest.skip(f"the shared corpus is not here ({path})")
    spec = load_spec(path)
    out = []
    for schema in (spec.data.get("components") or {}).get("schemas", {}).values():
        for prop in (schema.get("properties") or {}).values() if isinstance(schema, dict) else []:
            text = prop.get("description") if isinstance(prop, dict) else None
            if isinstance(text, str) and needle.lower() in text.lower():
                out.append(text)
    return out


def test_the_side_a_row_is_about_in_real_wording():
    from contract.docs.conventions import side_of

    _, pages, _ = corpus()
    rows = {(p.file.rsplit("/", 1)[-1], f.name): f for p in pages for f in p.fields if f.table == "object"}
    reference = rows[("message.mdx", "fail_if_not_exists")]  # "when sending, whether to error if …"
    assert (reference.side, reference.side_text) == ("request", "when sending")
    answer = rows[("poll.mdx", "answer_id")]  # `answer_id\*` … "\* Only sent as part of responses from …"
    assert (answer.side, answer.mark) == ("response", "*")
    assert rows[("message.mdx", "message_id")].side is None
    # Kubernetes' Secret: "It is provided as a write-only input field for convenience."
    assert side_of(_kubernetes_description("stringData")) == ("request", "write-only input field")
    # Adyen: "… validation result is only returned for Visa."; Box: "This field is only returned for calls …"
    for text in _corpus_descriptions("adyen-checkout-v71-3.1.json", "only returned for Visa"):
        assert side_of(text) is not None and side_of(text)[0] == "response", text
    # Stripe: "When sending an invoice, Stripe will email …" is about the action, not the field
    stripe = _corpus_descriptions("stripe-2023-3.0.yaml", "When sending an invoice")
    assert stripe and all(side_of(t) is None for t in stripe)
    # a field *about* read-only-ness is not itself read-only
    assert side_of("Whether the file is read-only") is None


def test_where_a_row_appears_in_real_wording():
    """A row's description, footnote or `<Info>` note may limit where it appears: to another object, an endpoint,
    events. Read so on Discord's pages and Stripe's spec; a resource *named* event is not one."""
    from contract.docs.conventions import presence_of, says_absent

    _, pages, _ = corpus()
    rows = {(p.file.rsplit("/", 1)[-1], f.section.split("#", 1)[-1].split("-")[0] if f.section else "", f.name): f
            for p in pages for f in p.fields if f.table == "object"}
    presence = {k: f.presence for k, f in rows.items() if f.presence}
    assert presence[("guild.mdx", "guild", "icon_hash")] == "returned when in the template object"  # description
    assert presence[("guild.mdx", "guild", "welcome_screen")] == "returned in an Invite's guild object"
    assert presence[("channel.mdx", "thread", "user_id")].endswith("in the GUILD_CREATE event")  # `user_id? \*`
    assert "gateway events" in presence[("guild.mdx", "guild", "user")]  # <Info>The field `user` won't be …
    assert presence[("guild.mdx", "guild", "pending")].startswith("In non GUILD_ events")
    assert ("guild.mdx", "guild", "nick") not in presence and ("guild.mdx", "guild", "roles") not in presence
    # "creator_id will be null and creator will not be included for events created before October 25th, 2021"
    assert ("guild-scheduled-event.mdx", "guild", "creator_id") not in presence
    stripe = _corpus_descriptions("stripe-2023-3.0.yaml", "only included in events of type")
    assert stripe and all(presence_of(t) for t in stripe)
    for text in ("returned in ascending order by `user_id`", "Returned in the response for Mastercard payments",
                 "the id of the guild the event is sent in"):
        assert presence_of(text) is None, text
    assert says_absent("In non `GUILD_` events, `pending` will not be included.", "pending")
    assert not says_absent("In non `GUILD_` events, `pending` will not be included.", "roles")


def test_a_row_the_page_limits_to_other_objects_or_events_is_said_not_counted():
    """Findings the row's limited presence explains are info, quoting the words; the rest of the object stays."""
    spec, pages, _ = corpus()
    drift = compare(spec, pages)
    by = {(f.check, str(f.details.get("field") or (f.disagreement.field if f.disagreement else "")),
           (f.subject or "").split(":", 1)[0]): f for f in drift}
    scoped = [f for f in drift if "docs_presence" in f.details]
    assert {str(f.severity) for f in scoped} == {"info"}
    assert all(f"“{f.details['docs_presence']}”" in f.message for f in scoped)
    names = {str(f.details.get("field") or (f.disagreement.field if f.disagreement else "")) for f in scoped}
    assert {"welcome_screen", "icon_hash", "app_permissions", "user", "pending", "id", "user_id"} <= names
    member = "guild#guild-member-object-guild-member-structure"
    assert by[("drift.required_mismatch", "nick", member)].severity == Severity.ERROR  # `nick?`: said nowhere else
    assert by[("drift.field_missing_in_spec", "dm_spam_detected_at",
               "guild#incidents-data-object-incidents-data-structure")].severity == Severity.WARNING


def test_request_only_rows_of_a_shared_structure_are_not_compared_with_responses():
    spec, pages, _ = corpus()
    drift = compare(spec, pages)
    missing = {(f.details.get("field"), (f.subject or "").split(":", 1)[0]) for f in drift
               if f.check == "drift.field_missing_in_spec"}
    # the sample's false findings: the docs say "when sending" / the request schema has them
    assert ("fail_if_not_exists", "message#message-reference-structure") not in missing
    for name in ("emoji_id", "emoji_name", "emoji_animated"):  # Prompt Option: sent instead of `emoji`
        assert not any(n == name and s.startswith("guild#") for n, s in missing), missing
    # a structure row neither side of the spec has is still reported
    assert ("dm_spam_detected_at", "guild#incidents-data-object-incidents-data-structure") in missing
    # the request-only row is compared with the request schema it is sent as, naming it
    sent = [f for f in drift if "(as sent)" in f.message and f.disagreement
            and f.disagreement.field == "fail_if_not_exists"]
    assert sent and all("MessageReferenceRequest; sent by POST /channels/{channel_id}/messages" in f.message
                        for f in sent)


def _derived(tmp_path: Path, edit) -> Path:
    """The vendored Discord spec with one edit (readOnly/writeOnly are absent from discord-api-spec)."""
    import json

    data = json.loads((VENDOR / "spec.json").read_text(encoding="utf-8"))
    edit(data["components"]["schemas"])
    out = tmp_path / "spec.json"
    out.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return out


def test_write_only_properties_are_not_missing_from_response_docs(tmp_path: Path):
    spec, pages = vendored()
    before = [f for f in compare(spec, pages) if f.check == "drift.field_missing_in_docs"]
    assert [f.details["field"] for f in before] == ["platform_username"]

    def edit(schemas):
        schemas["ApplicationUserRoleConnectionResponse"]["properties"]["platform_username"]["writeOnly"] = True

    after = compare(load_spec(_derived(tmp_path, edit)), pages)
    assert not [f for f in after if f.check == "drift.field_missing_in_docs"]


def test_a_documented_request_field_the_spec_marks_read_only_is_missing_on_that_side(tmp_path: Path):
    _, pages = vendored()

    def edit(schemas):
        schemas["BotAccountPatchRequest"]["properties"]["banner"]["readOnly"] = True

    path = _derived(tmp_path, edit)
    found = [f for f in compare(load_spec(path), pages) if f.check == "drift.field_missing_in_spec"]
    assert len(found) == 1 and found[0].operation == "PATCH /users/@me"
    assert "'banner' is documented but the spec marks it readOnly (never sent)" in found[0].message
    assert found[0].spec is not None and '"readOnly": true' in _spec_line(str(path), found[0].spec.line)


# ----------------------------------------------------------------------------- 3. every finding on the line to edit

_ATTRIBUTED = ("drift.", "docs.")
_ROW_MISSING = {"drift.field_missing_in_docs", "drift.enum_mismatch"}  # the docs line is the table to edit
_LIMITS = ("maxLength", "minLength", "maxItems", "minItems", "pattern", "maximum", "minimum", "enum")


def _lines(path: str, cache: dict[str, list[str]]) -> list[str]:
    if path not in cache:
        cache[path] = Path(path).read_text(encoding="utf-8").splitlines()
    return cache[path]


def _named(text: str, name: str) -> bool:
    """The line names it: the field as a word (`fail_if_not_exists?`, `"id":`, `| id |`), not inside another."""
    return re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text) is not None


def _spec_problem(f: dict, loc: dict, text: str) -> str | None:
    from contract.core import pointer as jp

    check, details = f["check"], f.get("details") or {}
    pointer = loc.get("pointer") or ""
    tokens = jp.split(pointer)
    last = tokens[-1] if tokens else ""
    if last and not (f'"{last}"' in text or f"{last}:" in text or f"'{last}'" in text):
        # an array item (`parameters/1`, `oneOf/0`) starts on a line of its own: `{` names nothing
        return f"the line does not hold {last!r}, the pointer's last key"
    field = details.get("field")
    if check in ("drift.field_missing_in_spec", "drift.enum_mismatch") or not field or check.startswith("docs."):
        return None  # the schema to add the row to / the enum schema (named by the pointer, checked above)
    if _named(text, str(field)) or (check.startswith("drift.limit_") and last in _LIMITS):
        return None  # the field's own line, or the limit keyword's line in its schema
    where = str(details.get("location") or "")  # "/custom_attributes/*/key": the field's entries' part
    if where.count("/") > 1 and last == where.rsplit("/", 1)[-1]:
        return None  # the schema of its keys or values (`key:` of CustomAttribute, custom_attributes' items)
    return f"the line does not name {field!r}"


def _docs_problem(f: dict, loc: dict, text: str) -> str | None:
    check, details = f["check"], f.get("details") or {}
    if check in _ROW_MISSING:
        return None if "|" in text else "not a table line"  # rendered text drops the outer pipes
    if check == "drift.operation_missing_in_spec":
        path = (f.get("operation") or "").split(" ", 1)[-1]
        last = [s for s in path.strip("/").split("/") if s and not s.startswith("{")][-1:]
        return None if not last or last[0] in text else f"the line does not show {path}"
    if check == "drift.status_missing_in_spec":
        return None if str(details.get("status")) in text else "the line does not name the status"
    if check == "drift.status_missing_in_docs":
        return None  # the page's first documented response: the section the status is missing from
    name = details.get("field") or details.get("name") or details.get("include") or details.get("header")
    pointer = details.get("pointer")
    if check == "drift.example_violates_spec" and pointer:
        keys = [k for k in str(pointer).split("/") if k and not k.isdigit()]
        name = keys[-1] if keys else None
    if check == "drift.nullable_mismatch" and details.get("fields"):
        name = details["fields"][0]
    if name and not _named(text, str(name)) and str(name) not in text:
        return f"the line does not name {name!r}"
    return None


def attribution_problems(report: dict) -> list[str]:
    """Every docs- or drift-stage finding (and every place of a merged one): its spec line exists and names
    the field, key or schema it is about; its docs line exists and names the field, status, include or
    example key — or, for a missing row, is a line of the table to add it to."""
    cache: dict[str, list[str]] = {}
    out = []
    for f in report["findings"]:
        if not f["check"].startswith(_ATTRIBUTED):
            continue
        for place in (f.get("details") or {}).get("places") or [f]:
            for side, judge in (("spec", _spec_problem), ("docs", _docs_problem)):
                loc = place.get(side)
                if not loc:
                    continue
                if loc.get("line") is None:
                    if side == "docs" and f["check"] == MISSING:
                        continue  # the one page given: the operation is on no line of it
                    out.append(f"{f['check']} {side} {loc['file']}: no line — {f['message'][:100]}")
                    continue
                lines = _lines(loc["file"], cache)
                if not 1 <= loc["line"] <= len(lines):
                    out.append(f"{f['check']} {side} {loc['file']}:{loc['line']}: no such line")
                    continue
                problem = judge(f, loc, lines[loc["line"] - 1])
                if problem:
                    out.append(f"{f['check']} {side} {loc['file']}:{loc['line']}: {problem} — "
                               f"{lines[loc['line'] - 1].strip()[:60]!r} — {place.get('message', '')[:100]}")
    return out


def test_every_discord_finding_points_at_the_line_to_edit():
    from contract.pipeline import offline

    spec, pages, _ = corpus()
    report = build_report(offline(spec, pages, lint_spec=False), command="drift")
    problems = attribution_problems(report)
    assert not problems, "\n".join(problems)


def test_every_seed_finding_points_at_the_line_to_edit():
    from contract.pipeline import BUNDLED_DOCS, BUNDLED_SPEC, offline_findings

    root = Path(__file__).resolve().parents[2]
    findings = offline_findings(str(root / BUNDLED_SPEC), [str(root / d) for d in BUNDLED_DOCS])
    problems = attribution_problems(build_report(findings, command="check"))
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- 4. per-page coverage


def _coverage_of(spec, pages) -> list[dict]:
    from contract.pipeline import offline

    coverage: list[dict] = []
    offline(spec, pages, lint_spec=False, coverage=coverage)
    return coverage


def test_every_corpus_page_says_what_was_read_compared_and_skipped():
    spec, pages, _ = corpus()
    coverage = _coverage_of(spec, pages)
    assert [c["file"] for c in coverage] == [p.file for p in pages]
    assert sum(c["endpoints"]["documented"] for c in coverage) == sum(len(p.endpoints) for p in pages)
    not_in_spec = [e for c in coverage for e in c["endpoints"]["not_in_spec"]]
    assert len(not_in_spec) == sum(c["endpoints"]["documented"] - c["endpoints"]["matched"] for c in coverage) == 2
    by_file = {Path(c["file"]).name: c for c in coverage}
    user = by_file["user.mdx"]
    assert user["endpoints"] == {"documented": 11, "matched": 11, "not_in_spec": []}
    assert user["tables"]["object"] == 7 and user["tables"]["query"] == 1 and user["tables"]["enum"] >= 3
    assert user["structures"]["compared"] <= user["structures"]["documented"]
    # what was not read is said, with the line it is on and why
    skipped = [(c["file"], s) for c in coverage for s in c["skipped"]]
    assert skipped
    cache: dict[str, list[str]] = {}
    for file, s in skipped:
        line = _lines(file, cache)[s["line"] - 1]
        if s["what"] == "table":
            assert "|" in line and s["why"].startswith("neither a field nor a value table"), (file, s)
        elif s["what"] == "code":  # the block's first line, just inside its fence
            above = _lines(file, cache)[s["line"] - 2]
            assert "```" in line or above.lstrip().startswith("```"), (file, s, line)
    # guild-scheduled-event.mdx's JavaScript blocks assign enum values; they are not requests
    gse = by_file["guild-scheduled-event.mdx"]["skipped"]
    assert sum(1 for s in gse if "illustrative code" in s["why"]) == 5
    not_compared = [s for c in coverage for s in c["structures"]["not_compared"]]
    assert all(s["why"] and s["kind"] in ("object", "enum") for s in not_compared)


def test_the_seed_pages_coverage_names_the_missing_components_and_the_operation_the_spec_lacks():
    from contract.pipeline import BUNDLED_DOCS, BUNDLED_SPEC, load_inputs

    root = Path(__file__).resolve().parents[2]
    inputs = load_inputs(str(root / BUNDLED_SPEC), [str(root / d) for d in BUNDLED_DOCS])
    spec, pages = inputs.spec, inputs.pages
    rendered, mdx = _coverage_of(spec, pages)
    assert rendered["endpoints"] == {"documented": 1, "matched": 1, "not_in_spec": []}
    assert rendered["tables"] == {"error": 2, "request": 1, "response-header": 1}
    assert rendered["examples"]["request"] == 1 and rendered["examples"]["response"] == 3
    assert mdx["endpoints"]["not_in_spec"] == ["PATCH /api/v2/server-side-api/profile/"]
    includes = [s for s in mdx["skipped"] if s["what"] == "include"]
    assert len(includes) == 6 and all("not available" in s["why"] for s in includes)
    text = (root / BUNDLED_DOCS[1]).read_text(encoding="utf-8").splitlines()
    assert all(text[s["line"] - 1].lstrip().startswith("<") for s in includes)


def test_coverage_is_in_every_report_format(tmp_path: Path):
    import json

    from contract.cli import main
    from contract.report.json import validation_errors
    from contract.report.merge import merge_reports

    args = ["drift", "--spec", str(VENDOR / "spec.json"), "--report-dir", str(tmp_path)]
    for name in ("user", "emoji", "sticker"):
        args += ["--docs", str(VENDOR / f"{name}.mdx")]
    with pytest.raises(SystemExit):
        main(args)
    report = json.loads((tmp_path / "report.json").read_text())
    assert validation_errors(report) == []
    pages = report["coverage"]["pages"]
    assert [Path(p["file"]).name for p in pages] == ["user.mdx", "emoji.mdx", "sticker.mdx"]
    md = (tmp_path / "report.md").read_text()
    assert "### Docs coverage: 3 pages" in md and "| user.mdx | 11/11 matched |" in md
    html = (tmp_path / "report.html").read_text()
    assert '<section id="pages">' in html and "emoji.mdx" in html.split('<section id="pages">', 1)[1]
    merged = merge_reports([report, report])
    assert merged["coverage"]["pages"] == pages and validation_errors(merged) == []


# ----------------------------------------------------------------------------- 5. error bodies vs the spec's errors


def test_error_examples_are_compared_with_the_spec_error_schema_and_one_cause_is_one_finding():
    spec, pages, _ = corpus()
    report = build_report(compare(spec, pages), command="drift")
    errors = [f for f in report["findings"] if f["check"] == "drift.example_violates_spec"
              and (f.get("details") or {}).get("schema")]
    by_page = {Path(p["docs"]["file"]).name for f in errors for p in f["details"]["places"]}
    assert by_page == {"reference.mdx", "invite.mdx"}
    # reference.mdx's three "Error Messages" examples: inner `_errors[].code` are strings ("BASE_TYPE_CHOICES"),
    # the spec's Error.code is an integer — one cause, one finding, each example's line kept
    [inner] = [f for f in errors if len(f["details"]["places"]) == 3]
    assert inner["message"].startswith("3 error examples break the spec's error schema ErrorResponse (the 4XX "
                                       "response of 242 operations) the same way, type at ")
    assert "is not of type 'integer'" in inner["message"]
    lines = Path(inner["docs"]["file"]).read_text(encoding="utf-8").splitlines()
    assert all('"code": "' in lines[p["docs"]["line"] - 1] for p in inner["details"]["places"])
    # "Update Target Users"' example error response: the 4XX schema (the body has neither code nor message),
    # not the 429 rate-limit one the spec also lists
    [target] = [f for f in errors if f["operation"] == "PUT /invites/{code}/target-users"]
    assert "ErrorResponse (the 4XX response of 1 operation)" in target["message"]
    assert "'code' is a required property" in target["message"]


def _seed(tmp_path: Path, spec_edit: tuple[str, str] | None = None, page_edit: tuple[str, str] | None = None):
    """The seed spec and rendered page, with one value changed as the issue saw it on a second real site
    (`not_authenticated` vs `unauthorized`, `not_found` vs `profile_does_not_exist`)."""
    from contract.pipeline import BUNDLED_DOCS, BUNDLED_SPEC

    root = Path(__file__).resolve().parents[2]
    spec_text = (root / BUNDLED_SPEC).read_text(encoding="utf-8")
    page_text = (root / BUNDLED_DOCS[0]).read_text(encoding="utf-8")
    if spec_edit:
        assert spec_edit[0] in spec_text
        spec_text = spec_text.replace(spec_edit[0], spec_edit[1])
    if page_edit:
        assert page_edit[0] in page_text
        page_text = page_text.replace(page_edit[0], page_edit[1])
    (tmp_path / "spec.yaml").write_text(spec_text, encoding="utf-8")
    (tmp_path / "page.txt").write_text(page_text, encoding="utf-8")
    return load_spec(tmp_path / "spec.yaml"), read_docs(tmp_path / "page.txt")


def test_always_values_agree_on_the_seed(tmp_path: Path):
    spec, page = _seed(tmp_path)
    drift = compare(spec, [page])
    assert not [f for f in drift if f.check == "drift.fixed_value_mismatch"]
    assert not [f for f in drift if f.check == "drift.example_contradicts_docs" and "Always" in f.message]
    # the page's "error_code | Always not_authenticated" is read as a fixed value
    fixed = [c.constraint for c in page.constraints if c.constraint.keyword == "const" and c.status == 401]
    assert {c.value for c in fixed} == {"not_authenticated", 401}


def test_an_always_value_the_spec_example_contradicts(tmp_path: Path):
    spec, page = _seed(tmp_path, spec_edit=("error_code: not_authenticated", "error_code: unauthorized"))
    [f] = [f for f in compare(spec, [page]) if f.check == "drift.fixed_value_mismatch"]
    assert f.message.endswith("response 401 field 'error_code' is “Always not_authenticated” in the docs but the "
                              "spec's example for 401 gives 'unauthorized'")
    assert f.spec is not None and (tmp_path / "spec.yaml").read_text().splitlines()[f.spec.line - 1].strip() == \
        "error_code: unauthorized"
    assert f.docs is not None and "Always not_authenticated" in page_line(page, f.docs.line)


def test_an_always_value_the_page_example_contradicts(tmp_path: Path):
    spec, page = _seed(tmp_path, page_edit=('"error_code": "not_found"', '"error_code": "profile_does_not_exist"'))
    found = [f for f in compare(spec, [page]) if f.check == "drift.example_contradicts_docs" and "Always" in f.message]
    assert len(found) == 1
    assert "the 404 example gives 'error_code' as 'profile_does_not_exist'" in found[0].message
    assert found[0].docs is not None and '"error_code"' in page_line(page, found[0].docs.line)


def test_a_status_code_the_example_contradicts_is_said_once(tmp_path: Path):
    spec, page = _seed(tmp_path, page_edit=('"status_code": 404', '"status_code": 400'))
    drift = compare(spec, [page])
    assert [a.kind for a in page.anomalies].count("example.status_mismatch") == 1  # the page anomaly says it
    assert not [f for f in drift if f.check == "drift.example_contradicts_docs" and "status_code" in f.message]


def page_line(page, line: int) -> str:
    return Path(page.file).read_text(encoding="utf-8").splitlines()[line - 1]


def test_one_shared_schema_property_left_out_of_n_tables_is_one_finding_listing_every_table():
    spec, pages, _ = corpus()
    report = build_report(compare(spec, pages), command="drift")
    [f] = [f for f in report["findings"] if f["check"] == "drift.field_missing_in_docs"
           and (f.get("details") or {}).get("field") == "first_messages"]
    # channel.mdx repeats one "Response Body" table for three thread listings, all ThreadsResponse (guild.mdx's
    # fourth leaves out two fields, `has_more` too: a finding of its own, naming both)
    places = f["details"]["places"]
    assert len(places) == 3 and {Path(p["docs"]["file"]).name for p in places} == {"channel.mdx"}
    assert f["message"].startswith("3 operations returning or sending ThreadsResponse (")
    assert "(channel.mdx:755, channel.mdx:777, channel.mdx:799)" in f["message"]
    assert f["operation"] is None and len(f["details"]["operations"]) == 3


def test_members_of_one_cause_with_different_verdicts_stay_apart():
    from contract.core.grouping import collapse

    base = {"check": "drift.field_missing_in_docs", "severity": "warning", "source": "docs", "message": "m",
            "fingerprint": "x", "spec": None, "docs": None, "details": {"cause": "schema:c"}}
    merged = collapse([{**base, "operation": "GET /a", "verdict": "docs"},
                       {**base, "operation": "GET /b", "verdict": "spec"},
                       {**base, "operation": "GET /c", "verdict": "spec"}])
    assert sorted(len(f["details"]["places"]) for f in merged) == [1, 2]


def test_every_listmonk_finding_points_at_the_line_to_edit():
    from tests.docs.test_listmonk import findings

    problems = attribution_problems(build_report(findings(), command="drift"))
    assert not problems, "\n".join(problems)


def test_listmonk_operations_missing_from_their_tags_page_name_that_page():
    from tests.docs.test_listmonk import findings

    grouped = _missing(build_report(findings(), command="drift"))
    subscribers = [f for f in grouped if "tagged “Subscribers”" in f["message"]]
    assert len(subscribers) == 1
    assert "(the other 16 tagged so are on subscribers.md)" in subscribers[0]["message"]
    settings = next(f for f in grouped if "tagged “Settings”" in f["message"])
    assert settings["message"].startswith("3 operations tagged “Settings” are on none of the 8 docs pages given: ")
    assert "the other" not in settings["message"]  # no page has any of them: the settings page is not in the set


def test_a_shared_schema_cause_is_worded_once_by_the_one_grouping_mechanism():
    """Every finding that stands for others carries `details["cause"]` and its `cause_message` (merged by
    contract.core.grouping), and no finding is reworded in the stage ("documented alike for …" was a second,
    drift-only mechanism; main once had it on 110 of Discord's structure findings)."""
    from tests.docs.test_listmonk import findings

    spec, pages, _ = corpus()
    for found in (compare(spec, pages), findings()):
        for f in found:
            assert "documented alike for" not in f.message and "docs_lines" not in f.details, f.message
            if "cause" in f.details and f.details["cause"].startswith("schema:"):
                assert f.details["cause_message"].endswith(")")


def test_a_required_cell_stating_an_either_rule_is_neither_required_nor_optional():
    _, pages, _ = corpus()
    webhook = next(p for p in pages if p.file.endswith("webhook.mdx"))
    rows = {f.name: f for f in webhook.fields if f.endpoint == "POST /webhooks/{webhook.id}/{webhook.token}"
            and f.table == "request"}
    # `| content | string | … | one of content, file, embeds, poll |` (the page also says "at least one of")
    assert rows["content"].cells.get("Required", "").startswith("one of")
    assert (rows["content"].required, rows["embeds"].required, rows["poll"].required) == (None, None, None)
    assert rows["username"].required is False
    drift = compare(*corpus()[:2])
    assert not [f for f in drift if f.check == "drift.required_mismatch"
                and f.operation == "POST /webhooks/{webhook_id}/{webhook_token}"]


def test_all_parameters_optional_except_some_keeps_those_required():
    from contract.docs.conventions import first

    # Discord's Add Guild Member: "All parameters to this endpoint except for `access_token` are optional."
    assert first("prose", "All parameters to this endpoint except for `access_token` are optional.") == (
        "all-optional", "all-optional-except:access_token")
    _, pages, _ = corpus()
    guild = next(p for p in pages if p.file.endswith("guild.mdx"))
    rows = {f.name: f.required for f in guild.fields if f.endpoint == "PUT /guilds/{guild.id}/members/{user.id}"}
    assert rows == {"access_token": True, "nick": False, "roles": False, "mute": False, "deaf": False}
    assert not [f for f in compare(*corpus()[:2]) if f.check == "drift.required_mismatch"
                and f.operation == "PUT /guilds/{guild_id}/members/{user_id}" and "access_token" in f.message]
