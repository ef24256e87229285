"""The profile record and the one merge rule both POST and PATCH apply.

Kept free of HTTP and SQL so the rules the docs state (attributes merged by key,
empty value deletes, at most 30 per profile) live in one place and the store can
apply them inside its transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "MAX_ATTRIBUTES",
    "AttributeChange",
    "AttributeValue",
    "Profile",
    "ProfileUpdate",
    "TooManyAttributes",
    "merge",
    "render",
]

MAX_ATTRIBUTES = 30  # per profile, counted after merging (docs: "up to 30 custom attributes")

AttributeValue = str | float
# A value of None in an update means "delete this attribute" (docs: "send an empty value or null").
AttributeChange = tuple[str, AttributeValue | None]


class TooManyAttributes(Exception):
    """Merging would leave the profile with more custom attributes than the docs allow."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(
            f"A profile can have at most {MAX_ATTRIBUTES} custom attributes; this request would leave {count}."
        )


@dataclass(frozen=True, slots=True)
class ProfileUpdate:
    """What one request body asks to change: validated (or, under a fault, merely coerced)."""

    fields: dict[str, Any] = field(default_factory=dict)  # top-level fields present in the body
    attributes: tuple[AttributeChange, ...] = ()  # in body order; later entries win


@dataclass(frozen=True, slots=True)
class Profile:
    app_id: str
    profile_id: str
    customer_user_id: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, AttributeValue] = field(default_factory=dict)  # insertion order is kept
    total_revenue_usd: float = 0.0


def merge(profile: Profile, update: ProfileUpdate, *, max_attributes: int | None = MAX_ATTRIBUTES) -> Profile:
    """Apply `update` to `profile`: fields replaced, attributes merged by key.

    An updated attribute keeps its position; a new one goes last, so responses list
    attributes in a stable (insertion) order.
    """
    attributes = dict(profile.attributes)
    for key, value in update.attributes:
        if value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value
    if max_attributes is not None and len(attributes) > max_attributes:
        raise TooManyAttributes(len(attributes))
    return replace(profile, fields={**profile.fields, **update.fields}, attributes=attributes)


def segment_hash(profile: Profile) -> str:
    """16 lowercase hex characters that change whenever the profile's stored data does."""
    state = [profile.app_id, profile.profile_id, profile.customer_user_id, profile.fields,
             list(profile.attributes.items())]
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def render(profile: Profile, *, timestamp_ms: int) -> dict[str, Any]:
    """The response `data` object: exactly the fields of the docs' response example."""
    return {
        "app_id": profile.app_id,
        "profile_id": profile.profile_id,
        "customer_user_id": profile.customer_user_id,
        "total_revenue_usd": profile.total_revenue_usd,
        "segment_hash": segment_hash(profile),
        "timestamp": timestamp_ms,
        "custom_attributes": [{"key": k, "value": v} for k, v in profile.attributes.items()],
        "access_levels": [],
        "subscriptions": [],
        "non_subscriptions": [],
    }
