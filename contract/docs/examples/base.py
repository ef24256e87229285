"""What an example extractor returns, and the helpers all of them share."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>|\{\{\s*[\w.-]+\s*\}\}|\{[A-Z][A-Z0-9_]*\}")


@dataclass(slots=True)
class Request:
    """One HTTP request a snippet makes, as far as it could be read."""

    line: int
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    raw_body: str | None = None  # the body as text, when it was text
    broken: bool = False  # the snippet names no URL or its body does not parse: nothing to compare


@dataclass(slots=True)
class Problem:
    line: int
    message: str
    kind: str = "example.parse_error"  # the anomaly kind it becomes on the page


@dataclass(slots=True)
class Extraction:
    """Requests found in one code block (in order) and what got in the way."""

    requests: list[Request] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def placeholders(text: str) -> list[str]:
    """`<YOUR_API_KEY>`-style placeholders, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _PLACEHOLDER.finditer(text):
        seen.setdefault(m.group(0), None)
    return list(seen)


def split_url(url: str | None) -> tuple[str | None, dict[str, str]]:
    """The path (host dropped) and query of a URL as written; placeholders survive."""
    if not url:
        return None, {}
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None, {}
    path = parts.path or ("/" if parts.netloc else "")
    if not parts.scheme and not parts.netloc and not path.startswith("/"):
        slash = path.find("/")  # "api.example.com/v1/x" without a scheme
        path = path[slash:] if slash > 0 and "." in path[:slash] else path
    return path or None, dict(parse_qsl(parts.query, keep_blank_values=True))


def json_body(text: str, headers: dict[str, str]) -> tuple[Any, str | None]:
    """Parse a textual body as JSON when it is JSON (or claims to be); the error message otherwise."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    stripped = text.strip()
    claims_json = "json" in content_type.lower()
    if not (claims_json or stripped[:1] in ("{", "[")):
        return text, None
    try:
        return json.loads(stripped), None
    except json.JSONDecodeError as exc:
        return text, f"body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return text, "body is nested too deeply to parse"
