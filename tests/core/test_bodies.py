"""Request bodies as they travel: JSON, forms and multipart parts by the operation's media type."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from contract.core.http import case_body, encode_body, form_pairs
from contract.model import Case


def test_a_form_body_is_urlencoded_with_bracket_notation_for_nested_values():
    body = {"amount": 2000, "confirm": True, "metadata": {"order": "6735"}, "expand": ["customer", "invoice"],
            "items": [{"price": "p_1", "quantity": 2}], "description": None}
    data, content_type = encode_body(body, "application/x-www-form-urlencoded")
    assert content_type == "application/x-www-form-urlencoded"
    assert parse_qsl(data.decode("ascii")) == [
        ("amount", "2000"), ("confirm", "true"), ("metadata[order]", "6735"), ("expand", "customer"),
        ("expand", "invoice"), ("items[0][price]", "p_1"), ("items[0][quantity]", "2")]
    assert form_pairs({"a": {"b": {"c": 1}}}) == [("a[b][c]", "1")]


def test_a_multipart_body_is_parts_with_a_real_boundary():
    data, content_type = encode_body({"purpose": "fine-tune", "meta": {"k": [1, 2]}, "n": 3}, "multipart/form-data")
    assert content_type is not None and content_type.startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + data)
    def text(part):
        content = part.get_content()
        return (content.decode() if isinstance(content, bytes) else content).strip()

    parts = {p.get_param("name", header="content-disposition"): (p.get_content_type(), text(p))
             for p in message.iter_parts()}
    assert parts == {"purpose": ("text/plain", "fine-tune"), "meta": ("application/json", '{"k":[1,2]}'),
                     "n": ("text/plain", "3")}


def test_json_stays_json_and_raw_bodies_are_sent_as_given():
    case = Case("op", "POST", "/x", body={"a": 1}, has_body=True, media_type="application/json")
    assert case_body(case) == (b'{"a":1}', "application/json")
    case = Case("op", "POST", "/x", body={"a": 1}, has_body=True, media_type="application/x-www-form-urlencoded")
    assert case_body(case)[0] == b"a=1"
    raw = Case("op", "POST", "/x", raw_body=b"{not json", has_body=True, media_type="application/json")
    assert case_body(raw) == (b"{not json", "application/json")


def test_what_a_form_can_carry():
    from contract.core.http import form_view

    assert form_view({"rows": None, "start": 0, "tags": [], "meta": {}, "deep": {"a": None, "b": [None, 1]}}) == {
        "start": 0, "deep": {"b": [1]}}
