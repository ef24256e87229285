"""Fault switches of the emulator: each breaks the spec's contract in exactly one way, on any spec.

Names and meanings follow the profile sandbox (:data:`contract.sandbox.FAULTS`) where they
are the same; what differs is only what they act on (every operation, not one profile).
"""

from __future__ import annotations

__all__ = ["GENERIC_FAULTS"]

GENERIC_FAULTS: dict[str, str] = {
    "server-error": "500 with a non-JSON body when a request's string value contains 'boom'",
    "drop-field": "responses omit one required property of the resource (the first one that is not the id)",
    "wrong-content-type": "JSON bodies are sent as text/plain",
    "undocumented-status": "a create answers 299, a status no spec documents",
    "no-auth": "security not enforced: a missing or unknown credential acts as the first key",
    "no-persist": "updates answer 2xx with the merged resource but do not store the change",
    "no-delete": "DELETE answers its success status but does not delete",
    "lost-update": "PATCH reads, yields, then writes the whole resource without a transaction",
    "accept-invalid": "requests are not validated: invalid values are stored and answered 2xx",
    "slow": "GET answers after about 2 seconds",
    "tenant-leak": "resources are looked up across keys, so one key reaches another key's resources",
}
