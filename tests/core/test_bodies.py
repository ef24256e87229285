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


FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "Permissions": {"type": "array", "items": {"$ref": "#/$defs/permission"}},
        "Tags": {"type": "array", "items": {"type": "string"}},
        "Pipes": {"type": "array", "items": {"type": "string"}},
        "Maybe": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "items": {"type": "array", "items": {"type": "object", "properties": {"quantity": {"type": "integer"}}}},
        "Sip.Domain[0]": {"type": "string"},
        "Name": {"type": "string"},
    },
    "$defs": {"permission": {"type": "string", "enum": ["get-all", "post-all"]}},
}


def _read(pairs, encoding=None):
    from contract.core.http import read_form

    def resolve(node):
        ref = node.get("$ref") if isinstance(node, dict) else None
        return FORM_SCHEMA["$defs"][ref.rsplit("/", 1)[-1]] if ref else node

    def typed(value, schema):
        return int(value) if isinstance(schema, dict) and schema.get("type") == "integer" else value

    return read_form(pairs, FORM_SCHEMA, encoding=encoding, resolve=resolve, typed=typed)


def test_a_form_reads_back_as_the_json_it_was_encoded_from():
    """`read_form` is `form_pairs` undone: repeated names are an array (Twilio's `Permissions`), bracket names
    nest (Stripe's `metadata[order]`, `items[0][quantity]`), each leaf typed by its schema."""
    body = {"Permissions": ["get-all_invalid", "post-all"], "metadata": {"order": "6735"},
            "items": [{"quantity": 2}, {"quantity": 3}], "Name": "n", "Maybe": [1, 2]}
    assert _read(parse_qsl(encode_body(body, "application/x-www-form-urlencoded")[0].decode())) == body
    # one value of an array is an array of one, commas and all (`style: form, explode: true` is the default)
    assert _read([("Tags", "a,b")]) == {"Tags": ["a,b"]}
    assert _read([("Tags[]", "a"), ("Tags[]", "b")]) == {"Tags": ["a", "b"]}  # PHP/Rails empty brackets


def test_a_form_array_is_split_as_its_encoding_says():
    encoding = {"Tags": {"style": "form", "explode": False}, "Pipes": {"style": "pipeDelimited", "explode": False}}
    assert _read([("Tags", "a,b"), ("Pipes", "x|y"), ("Name", "a,b")], encoding) == {
        "Tags": ["a", "b"], "Pipes": ["x", "y"], "Name": "a,b"}
    assert _read([("Tags", "")], encoding) == {"Tags": []}


def test_a_declared_name_with_brackets_stays_one_field_and_a_repeated_scalar_keeps_its_last_value():
    assert _read([("Sip.Domain[0]", "d"), ("Name", "first"), ("Name", "last")]) == {
        "Sip.Domain[0]": "d", "Name": "last"}
    assert _read([("unknown[a]", "1"), ("other[0]", "x")]) == {"unknown": {"a": "1"}, "other": ["x"]}
