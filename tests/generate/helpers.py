"""An independent reading of labels: does the validator's verdict agree with what a case claims to break?

Deliberately simpler than the gate (no branch re-validation): a label agrees when
the validator reports its keyword (or the enclosing anyOf/oneOf) at the label's
location or an ancestor of it, and nothing anywhere else.
"""

from __future__ import annotations

from contract.model import Case, Violation


def violation_pointer(v: Violation) -> str:
    if v.part == "body":
        return "request/body" if v.keyword == "parse" else v.pointer
    if v.part == "content-type":
        return "request/content-type"
    if v.part == "security":
        return "security"
    return f"{v.part}/{v.pointer}"


def related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/") or (b == "" and a.startswith("/"))


def label_agrees(case: Case, found: list[Violation]) -> bool:
    label = case.label
    assert label is not None
    if label.source != "spec":
        return not found
    if not found:
        return False
    if label.keyword == "security":
        return all(v.part == "security" for v in found)
    if label.pointer == "request/body" and label.keyword == "required":  # no body at all
        return all((v.part, v.pointer, v.keyword) == ("body", "", "required") for v in found)
    keywords = {label.keyword, "anyOf", "oneOf"} | ({"enum", "const"} if label.keyword == "type" else set())
    return all(v.keyword in keywords and related(label.pointer, violation_pointer(v)) for v in found) and any(
        v.keyword in (label.keyword, "anyOf", "oneOf") for v in found)
