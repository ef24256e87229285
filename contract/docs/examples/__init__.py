"""Example extractors: code blocks in, requests (method, URL, headers, body) out.

Each extractor uses the real parser of its language — :mod:`shlex` for curl,
:mod:`ast` for Python, esprima for JavaScript, :mod:`json` for bodies — and
evaluates literals only. None of them raises on malformed input: what cannot be
read comes back as a :class:`Problem`, which the page turns into an anomaly.
"""

from __future__ import annotations

import json
import re
from typing import Any

from contract.docs.examples.base import Extraction, Problem, Request, placeholders, split_url
from contract.docs.examples.curl import extract_curl
from contract.docs.examples.http import extract_http
from contract.docs.examples.javascript import eval_literal, extract_javascript
from contract.docs.examples.python import extract_python

_LANGS = {
    "bash": "shell", "sh": "shell", "shell": "shell", "zsh": "shell", "console": "shell", "curl": "curl",
    "shellsession": "shell", "terminal": "shell", "cmd": "shell", "powershell": "shell",
    "python": "python", "py": "python", "python3": "python",
    "javascript": "javascript", "js": "javascript", "node": "javascript", "nodejs": "javascript",
    "jsx": "javascript", "mjs": "javascript", "typescript": "javascript", "ts": "javascript",
    "json": "json", "json5": "json", "jsonc": "json", "http": "http", "yaml": "yaml", "yml": "yaml",
}
_EXTRACTORS = {"curl": extract_curl, "python": extract_python, "javascript": extract_javascript,
               "http": extract_http}


def guess_language(lang: str | None, label: str | None, text: str) -> str | None:
    """curl | python | javascript | json | http | yaml, from the fence info, the tab label, then the content."""
    for hint in (lang, label):
        if hint:
            mapped = _LANGS.get(hint.strip().lower().replace("curl", "curl"))
            if mapped == "shell":
                return "curl" if re.search(r"^\s*(?:\$\s+)?curl\s", text, re.MULTILINE) else None
            if mapped:
                return mapped
            if "curl" in hint.lower():
                return "curl"
    stripped = text.lstrip()
    if re.match(r"(?:\$\s+)?curl\s", stripped):
        return "curl"
    if stripped[:1] in ("{", "["):
        return "json"
    if re.search(r"^\s*(?:import requests|import httpx|from requests)", text, re.MULTILINE) or "requests." in text:
        return "python"
    if re.search(r"\bfetch\s*\(|\baxios\b|new Headers\s*\(", text):
        return "javascript"
    return None


def extract_requests(text: str, language: str, first_line: int) -> Extraction:
    """Requests made by a curl/python/javascript/http snippet whose first line is `first_line`."""
    extractor = _EXTRACTORS.get(language)
    if extractor is None:
        out = Extraction()
        out.problems.append(Problem(first_line, f"no request extractor for {language!r}"))
        return out
    try:
        return extractor(text, first_line)
    except RecursionError:
        out = Extraction()
        out.problems.append(Problem(first_line, f"{language} snippet is nested too deeply to read"))
        return out


def parse_json(text: str, first_line: int) -> tuple[Any, list[Problem], bool]:
    """A JSON example's value, problems, and whether a value was read at all.

    Strict JSON first; failing that, a JS-literal reading (comments, trailing commas)
    still yields the value, with a problem saying the example is not valid JSON.
    """
    try:
        return json.loads(text), [], True
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        message = f"JSON example is not valid JSON: {exc.msg} (column {exc.colno})"
    except RecursionError:
        return None, [Problem(first_line, "JSON example is nested too deeply to parse")], False
    try:
        value = eval_literal(text)
    except ValueError:
        return None, [Problem(line, message)], False
    return value, [Problem(line, message + "; read leniently as a JavaScript literal", "example.not_strict_json")], True


__all__ = [
    "Extraction", "Problem", "Request", "extract_requests", "guess_language", "parse_json",
    "placeholders", "split_url",
]
