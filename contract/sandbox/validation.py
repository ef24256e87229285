"""The request-body rules as the docs page states them.

Where the docs and the OpenAPI spec disagree the sandbox follows the docs, because
that is what the live server does and what the tool must be able to discover:
installation_meta is optional (the spec requires it), attribute values are at most
30 characters (the spec prose says 50), birthday, ip_country and analytics_disabled
are not nullable (the spec says they are), and custom_attributes may be the list of
``{key, value}`` every example sends or the "Dictionary" the table names.

Fields the docs do not list (ip_v4_address, att_status, store_account_token, ...)
are ignored, as a Django REST framework serializer ignores unknown input. Types are
checked strictly as JSON types (a number is not a string), because the docs table
states types and the tool generates its cases from such tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from contract.sandbox.profiles import MAX_ATTRIBUTES, AttributeChange, AttributeValue, ProfileUpdate

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_VALUE_LENGTH",
    "FieldErrors",
    "ValidationFailed",
    "coerce_profile_body",
    "is_uuid",
    "validate_profile_body",
]

MAX_KEY_LENGTH = 30
MAX_VALUE_LENGTH = 30

FieldErrors = dict[str, list[str]]

_KEY = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_KEY_LENGTH}}}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

GENDERS = ("f", "m", "o")
STORES = ("app_store", "play_store", "stripe", "adapty", "paddle")
PLATFORMS = ("iOS", "macOS", "iPadOS", "Android", "visionOS", "web")
INSTALLATION_STRINGS = (
    "device", "locale", "os", "timezone", "user_agent", "app_build", "app_version",
    "adapty_sdk_version", "idfa", "idfv", "advertising_id", "android_id", "android_app_set_id",
)

NOT_NULL = "This field may not be null."
NOT_STRING = "Not a valid string."


class ValidationFailed(Exception):
    """One or more fields broke a documented rule; `errors` maps field name to messages."""

    def __init__(self, errors: FieldErrors) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def is_uuid(text: str) -> bool:
    """Canonical hyphenated form only, as JSON Schema's `uuid` format defines it."""
    return _UUID.fullmatch(text) is not None


# --------------------------------------------------------------------------- field checks
# Each returns an error message, or None when the value is acceptable.

def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else NOT_STRING


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, str) or value not in choices:
            return f'"{value}" is not a valid choice. Valid choices: {", ".join(choices)}.'
        return None
    return check


def _email(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 254 or _EMAIL.fullmatch(value) is None:
        return "Enter a valid email address."
    return None


def _birthday(value: Any) -> str | None:
    message = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return message
    try:
        date.fromisoformat(value)
    except ValueError:
        return message
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "Must be a valid boolean."


# name -> (check, nullable), in the docs table's order
_FIELDS: dict[str, tuple[Callable[[Any], str | None], bool]] = {
    "first_name": (_string, True),
    "last_name": (_string, True),
    "gender": (_choice(GENDERS), True),
    "email": (_email, True),
    "phone_number": (_string, True),
    "birthday": (_birthday, False),
    "ip_country": (_string, False),
    "store_country": (_string, True),
    "store": (_choice(STORES), True),
    "analytics_disabled": (_boolean, False),
}


def _installation_meta(value: Any) -> tuple[dict[str, Any] | None, list[str]]:
    if value is None:
        return None, [NOT_NULL]
    if not isinstance(value, dict):
        return None, ["Expected an object of installation meta fields."]
    errors: list[str] = []
    device_id = value.get("device_id")
    if "device_id" not in value:
        errors.append("device_id: This field is required.")
    elif not isinstance(device_id, str) or not is_uuid(device_id):
        errors.append("device_id: Must be a valid UUID.")
    meta: dict[str, Any] = {"device_id": device_id}
    for name in (*INSTALLATION_STRINGS, "platform"):
        if name not in value:
            continue
        item = value[name]
        problem = None
        if item is not None:
            problem = _choice(PLATFORMS)(item) if name == "platform" else _string(item)
        if problem:
            errors.append(f"{name}: {problem}")
        meta[name] = item
    return (None, errors) if errors else (meta, [])


# --------------------------------------------------------------------------- custom attributes

def _attribute_items(value: Any) -> tuple[list[tuple[Any, Any]], list[str]]:
    """The (key, value) pairs of either accepted form, or the reason neither fits."""
    if isinstance(value, dict):
        return list(value.items()), []
    if not isinstance(value, list):
        return [], ["Expected a list of {key, value} objects or an object of key: value pairs."]
    pairs: list[tuple[Any, Any]] = []
    errors: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            errors.append(f"Item {i}: expected an object with key and value.")
        elif "key" not in item or "value" not in item:
            missing = " and ".join(n for n in ("key", "value") if n not in item)
            errors.append(f"Item {i}: {missing} is required.")
        else:
            pairs.append((item["key"], item["value"]))
    return pairs, errors


def _attribute_value(value: Any) -> tuple[AttributeValue | None, str | None]:
    if value is None or value == "":
        return None, None  # deletes the attribute
    if isinstance(value, bool):
        return float(value), None  # docs: "Booleans will be converted to floats"
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            return None, "must be a finite number."
        return number, None
    if isinstance(value, str):
        if len(value) > MAX_VALUE_LENGTH:
            return None, f"must be no more than {MAX_VALUE_LENGTH} characters."
        return value, None
    return None, "must be a string or a number."


def _custom_attributes(value: Any) -> tuple[tuple[AttributeChange, ...], list[str]]:
    if value is None:
        return (), [NOT_NULL]
    pairs, errors = _attribute_items(value)
    if not pairs and not errors:
        return (), ["If you use custom_attributes, at least one attribute key is required."]
    changes: list[AttributeChange] = []
    for key, raw in pairs:
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            errors.append(
                f"Key {key!r} must be a string of 1 to {MAX_KEY_LENGTH} characters: "
                "letters, numbers, dashes, periods and underscores."
            )
            continue
        converted, problem = _attribute_value(raw)
        if problem:
            errors.append(f"Value of {key!r} {problem}")
        else:
            changes.append((key, converted))
    if not errors:
        kept = {k for k, v in dict(changes).items() if v is not None}
        if len(kept) > MAX_ATTRIBUTES:
            errors.append(f"A profile can have at most {MAX_ATTRIBUTES} custom attributes; got {len(kept)}.")
    return tuple(changes), errors


# --------------------------------------------------------------------------- bodies

def validate_profile_body(body: dict[str, Any]) -> ProfileUpdate:
    """Check a POST/PATCH body against the docs; raise ValidationFailed naming every bad field."""
    errors: FieldErrors = {}
    fields: dict[str, Any] = {}
    for name, (check, nullable) in _FIELDS.items():
        if name not in body:
            continue
        value = body[name]
        problem = (None if nullable else NOT_NULL) if value is None else check(value)
        if problem:
            errors[name] = [problem]
        else:
            fields[name] = value
    attributes: tuple[AttributeChange, ...] = ()
    if "custom_attributes" in body:
        attributes, problems = _custom_attributes(body["custom_attributes"])
        if problems:
            errors["custom_attributes"] = problems
    if "installation_meta" in body:
        meta, problems = _installation_meta(body["installation_meta"])
        if problems:
            errors["installation_meta"] = problems
        else:
            fields["installation_meta"] = meta
    if errors:
        raise ValidationFailed(errors)
    return ProfileUpdate(fields=fields, attributes=attributes)


def coerce_profile_body(body: dict[str, Any]) -> ProfileUpdate:
    """The `accept-invalid` fault's reading of a body: keep whatever was sent, reject nothing.

    Only what storing needs is done: attribute keys become strings, booleans floats,
    and empty values still delete.
    """
    fields = {name: body[name] for name in (*_FIELDS, "installation_meta") if name in body}
    raw = body.get("custom_attributes")
    pairs: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, list):
        pairs = [(item.get("key"), item.get("value")) for item in raw if isinstance(item, dict)]
    changes: list[AttributeChange] = []
    for key, value in pairs:
        if value is None or value == "":
            changes.append((str(key), None))
        elif isinstance(value, bool):
            changes.append((str(key), float(value)))
        else:
            changes.append((str(key), value))
    return ProfileUpdate(fields=fields, attributes=tuple(changes))
