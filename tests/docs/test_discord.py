"""Discord's own reference pages (MDX, Mintlify): routes, structures, notation, and drift against discord-api-spec.

Two sets: three pages vendored under `tests/docs/vendor/discord/` with a trimmed spec (run everywhere),
and the shared corpus' 17 pages with the full 242-operation spec (skipped, saying why, when absent).
"""

from __future__ import annotations

import collections
from functools import cache
from pathlib import Path

import pytest

from contract.compare import compare
from contract.compare.drift import match_operation
from contract.docs import DocsPage, Endpoint, read_docs
from contract.docs.blocks import Element
from contract.docs.conventions import jsx_route
from contract.docs.readers import read_document
from contract.load import Spec, load_spec
from contract.pipeline import offline
from tests.conftest import CORPUS

VENDOR = Path(__file__).parent / "vendor" / "discord"
VENDORED = ("user", "emoji", "sticker")
DISCORD = CORPUS / "docs" / "discord"
DISCORD_SPEC = CORPUS / "discord-3.1.json"
NOISE = ("docs.table_unknown_type", "docs.table_unknown_section")


@cache
def vendored() -> tuple[Spec, list[DocsPage]]:
    return load_spec(VENDOR / "spec.json"), [read_docs(VENDOR / f"{name}.mdx") for name in VENDORED]


@cache
def corpus() -> tuple[Spec, list[DocsPage], list[Path]]:
    if not DISCORD.is_dir() or not DISCORD_SPEC.is_file():
        pytest.skip(f"the shared corpus is not here ({DISCORD} and {DISCORD_SPEC}); the vendored pages cover CI")
    files = sorted(DISCORD.glob("*.mdx"))
    return load_spec(DISCORD_SPEC), [read_docs(p) for p in files], files


def routes(files: list[Path]) -> list[Endpoint]:
    """Every `<Route method=…>` component as written (a route documented twice counts twice)."""
    out = []
    for path in files:
        doc = read_document(path.read_text(encoding="utf-8"), str(path))
        for block in doc.blocks:
            found = jsx_route(block) if isinstance(block, Element) else None
            out += [Endpoint(method, url, block.where) for method, url in found or []]
    return out


def matched_share(spec: Spec, files: list[Path]) -> tuple[int, int]:
    found = routes(files)
    return sum(1 for e in found if match_operation(spec, e) is not None), len(found)


# ----------------------------------------------------------------------------------------- the real corpus


def test_corpus_routes_are_matched_to_spec_operations():
    spec, _, files = corpus()
    matched, total = matched_share(spec, files)
    assert total == 172  # SOURCES.md: 172 `<Route method=` headings on 17 pages
    assert matched / total >= 0.9, f"{matched}/{total} routes matched"


def test_corpus_findings_are_not_notation_noise():
    spec, pages, _ = corpus()
    findings = offline(spec, pages, lint_spec=False)
    by_check = collections.Counter(f.check for f in findings)
    noise = sum(by_check[c] for c in NOISE)
    assert noise <= 0.05 * len(findings), by_check
    documented = 242 - by_check["drift.operation_missing_in_docs"]
    assert documented >= 160, by_check  # before the conventions: 0 (all 242 missing)


def test_corpus_every_page_endpoint_comes_from_its_route_component():
    _, pages, files = corpus()
    assert sum(p.conventions.get("jsx-route", 0) for p in pages) == len(routes(files)) == 172


# ----------------------------------------------------------------------------------------- vendored pages


def test_vendored_routes_all_match_the_trimmed_spec():
    spec, _ = vendored()
    matched, total = matched_share(spec, [VENDOR / f"{name}.mdx" for name in VENDORED])
    assert (matched, total) == (30, 30)


def test_route_components_with_escaped_linked_placeholders():
    _, (user, emoji, _) = vendored()
    keys = [e.key for e in user.endpoints]
    assert keys[:3] == ["GET /users/@me", "GET /users/{user.id}", "PATCH /users/@me"]
    assert "GET /users/@me/guilds/{guild.id}/member" in keys
    assert len(keys) == 11  # "Create DM" and "Create Group DM" are one route, documented twice
    get_user = user.endpoint("GET /users/{user.id}")
    assert get_user is not None and get_user.line == 252 and get_user.convention == "jsx-route"
    assert get_user.returns == ["/developers/resources/user#user-object"]
    assert emoji.endpoint("GET /guilds/{guild.id}/emojis/{emoji.id}") is not None


def test_structures_enums_and_anchors():
    _, (user, emoji, sticker) = vendored()
    names = {o.name: o for o in user.objects}
    assert {"User", "User Primary Guild", "Avatar Decoration Data", "Collectible", "Nameplate", "Connection",
            "Application Role Connection"} <= names.keys()
    assert {"user-object", "user-object-user-structure"} <= set(names["User"].anchors)
    assert "collectibles" in names["Collectible"].anchors  # `### Collectibles` has no "Object" in its name
    enums = {e.name: e for e in user.enums}
    assert [v.value for v in enums["Premium Types"].values] == [0, 1, 2, 3]
    assert [v.value for v in enums["User Flags"].values][:5] == [1, 2, 4, 8, 64]  # `1 << 6` read as 64
    assert "instagram" in [v.value for v in enums["Services"].values]  # `instagram *`: the footnote mark goes
    assert {o.name for o in emoji.objects} == {"Emoji"}
    assert {"Sticker", "Sticker Item", "Sticker Pack"} <= {o.name for o in sticker.objects}


def test_field_notation_optional_nullable_links():
    _, (user, _, _) = vendored()
    rows = {f.name: f for f in user.fields if f.table == "object" and f.section == "user#user-object-user-structure"}
    assert (rows["id"].json_type, rows["id"].format, rows["id"].required, rows["id"].nullable) == (
        "string", "snowflake", True, False)
    assert (rows["global_name"].nullable, rows["global_name"].required) == (True, True)  # `?string`
    assert (rows["bot"].required, rows["bot"].nullable) == (False, False)  # `bot?`
    decoration = rows["avatar_decoration_data"]  # `avatar_decoration_data? | ?[avatar decoration data](…) object`
    assert (decoration.json_type, decoration.required, decoration.nullable) == ("object", False, True)
    assert decoration.ref == "/developers/resources/user#avatar-decoration-data-object"
    assert ("type of Nitro subscription", "/developers/resources/user#user-object-premium-types") in \
        rows["premium_type"].links


def test_sections_json_params_query_params_and_the_nearest_route():
    _, (user, emoji, _) = vendored()
    modify = [f for f in user.fields if f.endpoint == "PATCH /users/@me"]
    assert [(f.name, f.table, f.required) for f in modify] == [
        ("username", "request", False), ("avatar", "request", False), ("banner", "request", False)]  # all optional
    query = [f for f in user.fields if f.table == "query"]
    assert [(f.name, f.endpoint, f.required) for f in query] == [
        ("before", "GET /users/@me/guilds", False), ("after", "GET /users/@me/guilds", False),
        ("limit", "GET /users/@me/guilds", False), ("with_counts", "GET /users/@me/guilds", False)]
    dm = [f for f in user.fields if f.endpoint == "POST /users/@me/channels"]
    assert [f.name for f in dm] == ["recipient_id", "access_tokens", "nicks"]
    assert len({f.section for f in dm}) == 2  # two routes, two tables, one endpoint
    create = [f for f in emoji.fields if f.endpoint == "POST /guilds/{guild.id}/emojis"]
    assert [(f.name, f.required) for f in create] == [("name", True), ("image", True), ("roles", True)]


def test_no_notation_or_section_noise_on_the_vendored_pages():
    _, pages = vendored()
    assert not [a for p in pages for a in p.anomalies if a.kind.startswith("table.")]
    examples = collections.Counter(e.kind for p in pages for e in p.examples)
    assert examples["object"] >= 5  # "###### Example User", "###### Emoji Example", ... under an object


def test_one_structure_disagreement_is_one_finding_naming_every_operation():
    spec, pages = vendored()
    drift = compare(spec, pages)
    flags = [f for f in drift if f.check == "drift.required_mismatch" and f.disagreement
             and f.disagreement.field == "flags"]
    assert len(flags) == 1, [f.message for f in flags]
    finding = flags[0]
    assert finding.message.startswith("User object field 'flags' is optional in the docs but required in the spec")
    assert {"GET /users/@me", "PATCH /users/@me", "GET /users/{user_id}"} <= set(finding.details["operations"])
    assert set(finding.details["schemas"]) == {"UserPIIResponse", "UserResponse"}
    assert finding.docs is not None and finding.docs.line == 50
    # A row only one variant has (`email?` is in UserPIIResponse, not UserResponse) is not drift.
    assert not [f for f in drift if f.check == "drift.field_missing_in_spec"]


def test_oneof_branch_is_chosen_and_named():
    spec, pages = vendored()
    drift = compare(spec, pages)
    sticker = [f for f in drift if f.subject and f.subject.startswith("sticker#sticker-object-sticker-structure:")]
    assert sticker and all("GuildStickerResponse" in f.message or "StandardStickerResponse" in f.message
                           for f in sticker)
    assert any("the oneOf branch 0 of 2, GuildStickerResponse, which the table matches" in f.message for f in sticker)


def test_enum_table_against_the_spec_enum_once():
    spec, pages = vendored()
    enums = [f for f in compare(spec, pages) if f.check == "drift.enum_mismatch"]
    assert len(enums) == 1
    assert "“Services”" in enums[0].message and "ConnectedAccountProviders" in enums[0].message
    assert enums[0].docs is not None and enums[0].docs.line == 197


def test_the_same_drift_from_the_command_line(tmp_path: Path):
    import json

    from contract.cli import main

    args = ["drift", "--spec", str(VENDOR / "spec.json"), "--report-dir", str(tmp_path)]
    for name in VENDORED:
        args += ["--docs", str(VENDOR / f"{name}.mdx")]
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 1  # errors found (--fail-on error)
    report = json.loads((tmp_path / "report.json").read_text())
    checks = collections.Counter(f["check"] for f in report["findings"])
    assert not checks["drift.operation_missing_in_docs"] and not checks["drift.operation_missing_in_spec"]
    assert not any(c in checks for c in NOISE)
