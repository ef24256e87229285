"""Fault switches: each breaks the documented contract in exactly one way.

They exist for the project's own end-to-end tests: every check of the tool needs a
target that fails it, and a fault that broke two things at once would let a check
pass for the wrong reason. The registry is the single list the CLI help prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["FAULTS", "check_faults"]

FAULTS: dict[str, str] = {
    "server-error": "500 with a non-JSON body when first_name or a custom attribute key contains 'boom'",
    "drop-field": "profile responses omit segment_hash",
    "wrong-content-type": "JSON bodies are sent as text/plain",
    "slow": "GET answers after about 2 seconds",
    "no-persist": "PATCH answers 200 with the merged profile but does not store the change",
    "no-auth": "auth not enforced: a missing, malformed or unknown key acts as the first app",
    "tenant-leak": "profiles are looked up across apps, so one app's key reaches another's profiles",
    "no-delete": "DELETE answers 204 but does not delete",
    "lost-update": "PATCH reads, yields, then writes the whole profile without a transaction",
    "accept-invalid": "request bodies are not validated: invalid values are stored and answered 200",
    "undocumented-status": "POST create answers 201 instead of the documented 200",
    "no-request-id": "the Request-Id response header is missing",
    "truncate-values": "custom attribute string values are stored truncated to 10 characters",
}


def check_faults(names: Iterable[str], known: Mapping[str, str] = FAULTS) -> frozenset[str]:
    """Return the fault names as a set, refusing unknown ones (a typo must not pass silently).

    `known` is the registry to check against: the sandbox's, or a test target's own.
    """
    chosen = frozenset(names)
    unknown = sorted(chosen - known.keys())
    if unknown:
        raise ValueError(f"unknown fault(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return chosen
