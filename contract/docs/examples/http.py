"""Raw HTTP request examples (```http blocks): request line, headers, blank line, body."""

from __future__ import annotations

import io
from http.client import HTTPException, parse_headers

from contract.docs.examples.base import HTTP_METHODS, Extraction, Problem, Request, json_body


def extract_http(text: str, first_line: int) -> Extraction:
    """The request of a raw HTTP message; a missing request line is a problem."""
    out = Extraction()
    lines = text.lstrip("\n").split("\n")
    skipped = len(text) - len(text.lstrip("\n"))
    words = lines[0].split() if lines else []
    if len(words) < 2 or words[0].upper() not in HTTP_METHODS:
        out.problems.append(Problem(first_line, "http example does not start with 'METHOD target'"))
        return out
    req = Request(line=first_line + skipped, method=words[0].upper(), url=words[1])
    head, sep, body = "\n".join(lines[1:]).partition("\n\n")
    try:
        message = parse_headers(io.BytesIO((head + "\n\n").encode("utf-8", "replace")))
    except (HTTPException, ValueError) as exc:
        out.problems.append(Problem(req.line, f"http example headers cannot be read: {exc}"))
        return out
    req.headers = {k: v for k, v in message.items() if k.lower() != "host"}
    host = message.get("Host")
    if host and req.url and req.url.startswith("/"):
        req.url = f"https://{host}{req.url}"
    if sep and body.strip():
        req.raw_body, req.has_body = body, True
        req.body, error = json_body(body, req.headers)
        if error:
            out.problems.append(Problem(req.line, f"http {error}"))
    out.requests.append(req)
    return out
