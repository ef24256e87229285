"""The fault switches of the hierarchical target: each breaks the contract in exactly one way, deep down.

Every fault sits on a segment or record operation (levels 2 and 3), so a tool only
sees it if it first creates a collection, then a segment in it, then records in
that segment — with the collection's `dimension` respected.
"""

from __future__ import annotations

from collections.abc import Iterable

from contract.sandbox import faults as sandbox_faults

__all__ = ["FAULTS", "check_faults"]

FAULTS: dict[str, str] = {
    "query_index_error": "POST …/records/query answers 500 when top_k exceeds the number of records in the segment",
    "record_missing_created_at": "GET …/records/{record_id} drops the required `created_at` field",
    "patch_not_kept": "PATCH …/records/{record_id} answers 200 with the patched record but keeps nothing",
    "delete_not_done": "DELETE …/records/{record_id} answers 204 but the record stays",
    "auth_ignored": "GET …/records (list) answers without checking X-Api-Key",
    "count_as_string": "GET …/segments/count answers {\"count\": \"N\"} (a string, not an integer)",
    "create_segment_200": "POST …/segments answers 200 (undocumented) instead of 201",
    "payload_text_plain": "GET …/records/{record_id}/payload answers with Content-Type text/plain",
    "list_drops_last": "GET …/records (list) leaves out the most recently created record (total stays right)",
    "total_off_by_one": "GET …/segments (list) reports total one more than there are",
}


def check_faults(faults: Iterable[str]) -> frozenset[str]:
    """The faults as a frozenset; ValueError naming any unknown one (the sandbox's check, this registry)."""
    return sandbox_faults.check_faults(faults, FAULTS)
