"""What a page says of a whole table in prose, or of a row in its own cells, read before rows are compared.

Each false finding these rules remove was judged false in a hand-checked sample (session 4): Discord's
"All parameters to this endpoint are optional and nullable [excluding `name`]" notes, its "All JSON parameters
for this route are optional", listmonk's "Required for `add`" cells and its "per_page | number | … Set as 'all'"
rows against a spec that says `oneOf: [integer, {enum: [all]}]`.
"""

from __future__ import annotations

import pytest

from contract.docs.conventions import all_optional, optional_by_prose
from contract.docs.vocab import parse_flag
from contract.model import Finding
from contract.pipeline import offline
from tests.docs.test_discord import corpus
from tests.docs.test_listmonk import findings as listmonk_findings
from tests.docs.test_listmonk import inputs as listmonk_inputs


@pytest.mark.parametrize(("sentence", "fact"), [
    # Discord's own sentences (guild.mdx, channel.mdx, sticker.mdx, webhook.mdx)
    ("All parameters to this endpoint are optional.", "all-optional"),
    ("All parameters to this endpoint are optional and nullable.", "all-optional-nullable"),
    ("All parameters to this endpoint are optional and nullable excluding `name`.",
     "all-optional-nullable-except:name"),
    ("All parameters to this endpoint except for `access_token` are optional.", "all-optional-except:access_token"),
    ("All JSON parameters for this route are optional, however the request body is not.", "all-optional"),
    # only the sentence that says it: the next sentence's words are not names
    ("All parameters to this endpoint are optional and nullable. When moving members to channels, the API user "
     "_must_ have permissions", "all-optional-nullable"),
    ("Returns a list of guild members.", None),
])
def test_all_optional_notes(sentence: str, fact: str | None) -> None:
    assert all_optional(sentence) == fact


def test_optional_by_prose_keeps_the_named_rows_as_marked() -> None:
    facts = {"all-optional-nullable-except:name"}
    assert optional_by_prose(facts, "topic") == (True, True)
    assert optional_by_prose(facts, "name") == (False, False)
    assert optional_by_prose({"all-optional"}, "topic") == (True, False)
    assert optional_by_prose(set(), "topic") == (False, False)


@pytest.mark.parametrize(("cell", "flag"), [
    ("Required for `add`", None),  # listmonk subscribers.md
    ("Required if `authMode` = `account`", None),
    ("REQUIRED if `MetaboliteAvail` is `true`", None),
    ("Required", True), ("Yes", True), ("required, non-empty", True), ("No", False), ("Optional", False),
])
def test_conditional_required_cells_are_neither(cell: str, flag: bool | None) -> None:
    assert parse_flag(cell) is flag


def _at(found: list[Finding], check: str, operation: str) -> list[Finding]:
    return [f for f in found if f.check == check and f.operation == operation]


def test_listmonk_per_page_quoting_the_string_branch_is_no_type_mismatch() -> None:
    found = listmonk_findings()
    assert not [f for f in found if f.check == "drift.type_mismatch" and "'per_page'" in f.message]
    # the rule needs the quoted value to be in the spec's string enum: an unquoted row still disagrees
    spec, pages = listmonk_inputs()
    row = next(f for p in pages for f in p.fields if f.name == "per_page" and f.endpoint == "GET /api/campaigns")
    original = row.description
    try:
        row.description = "Results per page."
        assert [f for f in offline(spec, pages, lint_spec=False)
                if f.check == "drift.type_mismatch" and "'per_page'" in f.message]
    finally:
        row.description = original


def test_listmonk_conditionally_required_status_is_not_counted_as_required() -> None:
    found = _at(listmonk_findings(), "drift.required_mismatch", "PUT /subscribers/lists")
    assert found, "the other three required rows still disagree with the spec"
    assert all("status" not in f.message for f in found)
    assert any("ids, action, target_list_ids" in f.message for f in found)


def test_discord_optional_and_nullable_notes() -> None:
    spec, pages, _ = corpus()
    found = offline(spec, pages, lint_spec=False)
    # "All parameters to this endpoint are optional and nullable." above Modify Guild Member's table
    assert not _at(found, "drift.nullable_mismatch", "PATCH /guilds/{guild_id}/members/{user_id}")
    # "… excluding `name`": Create Guild Channel's `name` stays required, as the spec has it
    assert not [f for f in _at(found, "drift.required_mismatch", "POST /guilds/{guild_id}/channels")
                if "'name'" in f.message]
    # "All JSON parameters for this route are optional": Create Channel Invite requires none of its rows
    assert not _at(found, "drift.required_mismatch", "POST /channels/{channel_id}/invites")
    # a table under a plain "are optional" note is still compared for nullability
    assert _at(found, "drift.nullable_mismatch", "PUT /guilds/{guild_id}/members/{user_id}")
