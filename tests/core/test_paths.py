"""The one path-template matcher (`contract.core.paths`): every documented rule, and each call site using it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract.assertions import find_operation
from contract.compare import compare
from contract.core.paths import (
    PathTemplate,
    match_operation,
    operations_on_path,
    same_template,
    server_urls,
)
from contract.docs import read_docs_text
from contract.load import Spec, load_spec
from contract.replay.operations import docs_operations


@dataclass(frozen=True)
class Op:
    method: str
    path: str


def ops(*paths: str, method: str = "GET") -> list[Op]:
    return [Op(method, p) for p in paths]


def chosen(routes: list[Op], path: str, method: str = "GET", *, servers: Sequence[str] = (),
           templated: bool = False) -> str | None:
    found = match_operation(routes, method, path, servers=servers, templated=templated)
    return found.path if found else None


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(("path", "params"), [
    ("/users/{id}", ("id",)),
    ("/channels/{channel.id}/messages/{message.id}", ("channel.id", "message.id")),  # Discord docs
    ("/users/:id", ("id",)),  # Express
    ("/users/<id>", ("id",)),
    ("/users/<USER_ID>", ("USER_ID",)),
    ("/users/<int:id>", ("id",)),  # Flask converter
    ("/users/{{id}}", ("id",)),  # Postman
    ("/users/{{ id }}", ("id",)),
    ("/users/[id]", ("id",)),  # Next.js
    ("/files/{name}.json", ("name",)),
    ("/v1/{name}:cancel", ("name",)),
    ("/users/me", ()),
    ("/users/{}", ()),  # an empty name is literal text
    ("/a:b/x<y", ()),  # placeholder characters inside a segment are literal
])
def test_placeholder_styles(path: str, params: tuple[str, ...]) -> None:
    assert PathTemplate.parse(path).params == params


def test_segments_and_trailing_slash() -> None:
    t = PathTemplate.parse("/users/{id}/")
    assert (len(t.segments), t.trailing_slash, str(t)) == (2, True, "/users/{id}/")
    assert PathTemplate.parse("/") == PathTemplate.parse("") == PathTemplate(())
    assert PathTemplate.parse("users/{id}") == PathTemplate.parse("/users/{id}")  # a leading / is supplied


# --------------------------------------------------------------------------- concrete paths


def test_a_template_captures_one_non_empty_segment() -> None:
    t = PathTemplate.parse("/users/{id}/posts/{post}")
    assert t.matches("/users/42/posts/7") == {"id": "42", "post": "7"}
    assert t.matches("/users//posts/7") is None  # never an empty segment
    assert t.matches("/users/4/2/posts/7") is None  # never a /
    assert PathTemplate.parse("/users/{id}").matches("/users/") is None


def test_literals_are_exact_and_case_sensitive() -> None:
    assert PathTemplate.parse("/users/me").matches("/users/me") == {}
    assert PathTemplate.parse("/users/me").matches("/Users/me") is None
    assert PathTemplate.parse("/users/me").matches("/users/me2") is None


def test_mixed_segments() -> None:
    assert PathTemplate.parse("/files/{name}.json").matches("/files/a.b.json") == {"name": "a.b"}
    assert PathTemplate.parse("/files/{name}.json").matches("/files/.json") is None
    assert PathTemplate.parse("/v1/{name}:cancel").matches("/v1/op-1:cancel") == {"name": "op-1"}


def test_the_concrete_side_is_never_parsed_for_placeholders() -> None:
    # an example URL's <ID> is a value: a template takes it, a literal does not
    assert PathTemplate.parse("/users/{id}").matches("/users/<ID>") == {"id": "<ID>"}
    assert PathTemplate.parse("/users/me").matches("/users/<ID>") is None


def test_trailing_slash_is_significant_unless_ignored() -> None:
    t = PathTemplate.parse("/x/")
    assert t.matches("/x") is None
    assert t.matches("/x", trailing_slash=False) == {}
    assert PathTemplate.parse("/x").matches("/x/", trailing_slash=False) == {}


# --------------------------------------------------------------------------- two templates


@pytest.mark.parametrize("docs", [
    "/channels/{channel.id}/messages/{message.id}",  # Discord's reference pages
    "/channels/:channel_id/messages/:message_id",
    "/channels/<CHANNEL_ID>/messages/<MESSAGE_ID>",
    "/channels/{{channel_id}}/messages/{{message_id}}",
    "/channels/[channel_id]/messages/[message_id]",
])
def test_docs_placeholders_match_spec_templates(docs: str) -> None:
    assert same_template(docs, "/channels/{channel_id}/messages/{message_id}")
    assert same_template("/channels/{channel_id}/messages/{message_id}", docs)


def test_a_docs_literal_matches_only_the_same_literal() -> None:
    assert not same_template("/users/me", "/users/{id}")
    assert not same_template("/users/{id}", "/users/me")
    assert same_template("/users/@me", "/users/@me")
    assert not same_template("/users/{id}", "/users/{id}/")
    assert same_template("/users/{id}", "/users/{id}/", trailing_slash=False)
    assert same_template("/files/{a}.json", "/files/{name}.json")
    assert not same_template("/files/{a}.json", "/files/{a}.xml")


# --------------------------------------------------------------------------- choosing an operation


def test_the_most_literal_segments_win_whatever_the_order() -> None:
    assert chosen(ops("/users/{id}", "/users/me"), "/users/me") == "/users/me"
    assert chosen(ops("/users/me", "/users/{id}"), "/users/me") == "/users/me"
    assert chosen(ops("/users/me", "/users/{id}"), "/users/42") == "/users/{id}"
    assert chosen(ops("/users/{id}/{x}", "/users/{id}/posts"), "/users/1/posts") == "/users/{id}/posts"


def test_ties_go_to_the_leftmost_literal_then_to_the_order_given() -> None:
    assert chosen(ops("/{y}/b", "/a/{x}"), "/a/b") == "/a/{x}"
    assert chosen(ops("/f/x{a}", "/f/{b}"), "/f/xy") == "/f/x{a}"  # a mixed segment beats a template
    first, second = Op("GET", "/p/{a}"), Op("GET", "/p/{b}")
    assert match_operation([first, second], "GET", "/p/1") is first


def test_methods_are_case_insensitive_and_must_agree() -> None:
    routes = [Op("GET", "/users/me"), Op("PUT", "/users/{id}")]
    assert chosen(routes, "/users/me", "put") == "/users/{id}"
    assert chosen(routes, "/users/me", "get") == "/users/me"
    assert chosen(routes, "/users/me", "DELETE") is None


def test_urls_hosts_queries_and_fragments() -> None:
    routes = ops("/users/{id}")
    assert chosen(routes, "http://127.0.0.1:8000/users/1?expand=x#top") == "/users/{id}"
    assert chosen(routes, "/users/1?expand=x") == "/users/{id}"
    assert chosen(routes, "http://host") is None


def test_exact_slash_first_then_slash_insensitive_when_unambiguous() -> None:
    both = ops("/x", "/x/")
    assert chosen(both, "/x") == "/x" and chosen(both, "/x/") == "/x/"  # a spec listing both: two operations
    assert chosen(ops("/x/"), "/x") == "/x/"  # the spec's only /x/
    assert chosen(ops("/x"), "/x/") == "/x"
    assert chosen(ops("/users/{id}/", "/users/me/"), "/users/me") == "/users/me/"  # precedence still holds
    # ignoring the slash leaves two different, equally specific paths: no match rather than a guess
    assert chosen(ops("/f/{a}.json/", "/f/x{b}/"), "/f/x.json") is None
    assert chosen(ops("/f/{a}.json/", "/f/x{b}/"), "/f/x.json/") in ("/f/{a}.json/", "/f/x{b}/")


def test_server_prefixes() -> None:
    routes = ops("/v2/users/{id}", "/v2/users/me")
    servers = ["https://api.example.com/base"]
    assert chosen(routes, "http://host/base/v2/users/1", servers=servers) == "/v2/users/{id}"
    assert chosen(routes, "http://host/base/v2/users/me", servers=servers) == "/v2/users/me"
    # a test server mounted without the base path still matches, since no declared server sits at the root
    assert chosen(routes, "http://localhost/v2/users/1", servers=servers) == "/v2/users/{id}"
    assert chosen(routes, "/other/v2/users/1", servers=servers) is None
    # with no servers (the root) a prefix is never guessed
    assert chosen(routes, "/base/v2/users/1") is None
    assert chosen(ops("/users/me"), "/admin/users/me") is None


def test_server_prefixes_come_before_the_path_as_written() -> None:
    routes = ops("/api/{a}", "/users")
    assert chosen(routes, "/api/users", servers=["https://x.io/api"]) == "/users"
    assert chosen(routes, "/api/users", servers=["https://x.io/api", "https://y.io"]) == "/users"
    assert chosen(routes, "/api/users") == "/api/{a}"


def test_server_variables_and_relative_servers() -> None:
    routes = ops("/users/{id}")
    assert chosen(routes, "/v3/users/1", servers=["https://{region}.example.com/{version}"]) == "/users/{id}"
    assert chosen(routes, "/base/users/1", servers=["/base/"]) == "/users/{id}"
    assert chosen(ops("/"), "/base", servers=["/base"]) == "/"


def test_templated_lookup_for_docs_endpoints() -> None:
    routes = ops("/users/{user_id}", "/users/@me", "/guilds/{guild_id}/members/{user_id}")
    assert chosen(routes, "/users/{user.id}", templated=True) == "/users/{user_id}"
    assert chosen(routes, "/users/@me", templated=True) == "/users/@me"
    assert chosen(routes, "/users/me", templated=True) is None  # a docs literal is not a spec template
    assert chosen(routes, "/api/v10/guilds/{guild.id}/members/{user.id}", templated=True,
                  servers=["https://discord.com/api/v10"]) == "/guilds/{guild_id}/members/{user_id}"
    assert chosen(routes, "/guilds/:guild_id/members/:user_id", templated=True,
                  servers=["https://discord.com/api/v10"]) == "/guilds/{guild_id}/members/{user_id}"


def test_operations_on_path() -> None:
    routes = [Op("POST", "/x/"), Op("GET", "/x/{id}"), Op("PATCH", "/x/"), Op("GET", "/y")]
    assert [o.method for o in operations_on_path(routes, "/x", templated=True)] == ["POST", "PATCH"]
    assert operations_on_path(routes, "/z") == []


def test_server_urls() -> None:
    assert server_urls({"servers": [{"url": "https://a/b"}, {"description": "no url"}, "junk"]}) == ["https://a/b"]
    assert server_urls({}) == [] and server_urls({"servers": "x"}) == []


# --------------------------------------------------------------------------- the call sites


def _spec(tmp_path: Path, paths: dict[str, list[str]], servers: list[str] | None = None) -> Spec:
    doc: dict[str, object] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
        path: {m: {"responses": {"200": {"description": "ok"}}} for m in methods} for path, methods in paths.items()}}
    if servers is not None:
        doc["servers"] = [{"url": u} for u in servers]
    file = tmp_path / "spec.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    return load_spec(file)


def test_find_operation_uses_servers_and_precedence(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"/users/{id}": ["get"], "/users/me": ["get"], "/users/{id}/{x}": ["get"],
                            "/users/{id}/posts": ["get"]}, servers=["https://api.example.com/base"])
    def found(method: str, url: str) -> str | None:
        op = find_operation(spec, method, url)
        return op.path if op else None

    assert found("get", "http://host/base/users/me") == "/users/me"
    assert found("GET", "http://host/base/users/1") == "/users/{id}"
    assert found("GET", "http://host/base/users/1/posts") == "/users/{id}/posts"  # before: /users/{id}/{x}
    assert found("GET", "http://host/admin/users/me") is None  # before: any URL ending in /users/me matched it


def test_drift_matches_docs_placeholders_and_server_prefixes(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"/channels/{channel_id}/messages/{message_id}": ["get"]},
                 servers=["https://discord.com/api/v10"])
    for written in ("/channels/{channel.id}/messages/{message.id}",
                    "https://discord.com/api/v10/channels/{channel.id}/messages/{message.id}"):
        page = read_docs_text(f"# Get message\n\n## Method and endpoint\n\n```\nGET {written}\n```\n", "p.md")
        checks = [f.check for f in compare(spec, [page])]
        assert "drift.operation_missing_in_spec" not in checks and "drift.operation_missing_in_docs" not in checks


def test_drift_and_docs_operations_find_same_path_siblings_by_template(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"/profiles/{profile_id}/": ["post"]})
    page = read_docs_text("# Update\n\n## Method and endpoint\n\n```\nPATCH /profiles/{profile.id}\n```\n", "p.md")
    missing = [f for f in compare(spec, [page]) if f.check == "drift.operation_missing_in_spec"]
    assert [f.message for f in missing] == [
        "the docs document PATCH /profiles/{profile.id} but the spec has no such operation "
        "(the spec has POST on this path)"]
    [live] = docs_operations(spec, [page])
    assert live.op.key == "PATCH /profiles/{profile_id}/"  # modelled on the POST sibling


def test_a_trailing_slash_alone_does_not_make_a_docs_operation_missing(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"/things/": ["post"]})
    page = read_docs_text("# Create\n\n## Method and endpoint\n\n```\nPOST https://x.io/things\n```\n", "p.md")
    checks = [f.check for f in compare(spec, [page])]
    assert "drift.operation_missing_in_spec" not in checks and "drift.operation_missing_in_docs" not in checks
    assert docs_operations(spec, [page]) == []


def _page(endpoints: list[str], example: str) -> str:
    declared = "".join(f"## Method and endpoint\n\n```\n{e}\n```\n\n" for e in endpoints)
    return f"# Users\n\n{declared}```bash\ncurl -X GET {example}\n```\n"


def test_a_docs_example_attaches_to_the_most_specific_endpoint() -> None:
    page = read_docs_text(_page(["GET https://x.io/v1/users/{id}", "GET https://x.io/v1/users/me"],
                                "https://x.io/v1/users/me"), "p.md")
    assert [e.endpoint for e in page.examples] == ["GET /v1/users/me"]
    assert page.anomalies == []
    page = read_docs_text(_page(["GET https://x.io/v1/users/me", "GET https://x.io/v1/users/{id}"],
                                "https://x.io/v1/users/<USER_ID>"), "p.md")
    assert [e.endpoint for e in page.examples] == ["GET /v1/users/{id}"]
    assert page.anomalies == []


def test_a_docs_example_missing_a_path_parameter_is_reported() -> None:
    # before: `{id}` matched the empty segment after /users/, so nothing was reported
    page = read_docs_text(_page(["GET https://x.io/v1/users/{id}"], "https://x.io/v1/users/"), "p.md")
    assert [(a.kind, a.details) for a in page.anomalies] == [
        ("example.endpoint_mismatch", {"example": "GET /v1/users/", "documented": "GET /v1/users/{id}"})]
