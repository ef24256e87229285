"""Exchanges as HAR 1.2 (HTTP Archive), written masked and read back to judge offline.

Shared by the two producers of exchanges: the proxy (`contract proxy --record`) and the live run
(`contract run --record`, through its one sender); read by `contract judge`.

The format: Jan Odvarko's "HAR 1.2 Spec" (http://www.softwareishard.com/blog/har-12-spec/), the
one browsers' dev tools export. Every required field is written (``log.version``, ``creator``,
``entries``; per entry ``startedDateTime``, ``time``, ``request``, ``response``, ``cache``,
``timings``); unknown sizes are -1 as the spec says; a response that never came has status 0 (what
browsers write); what HAR has no field for is in ``_``-prefixed custom fields, which the spec allows:
``_error`` (the transport error kind), ``_bodyTruncated`` (the body was not kept whole), and
``_encoding`` on ``postData`` (base64 for a body that is not UTF-8 text).

Secrets: each entry is masked (by name and value, :class:`contract.redact.Redactor`) when it is
recorded, and once more, by every value learnt until the end, when the file is written — so a key
first seen in a later request, echoed by an earlier answer, is masked too. Entries wait in a
temporary file, not in memory, so a long session's recording stays bounded in memory.
"""

from __future__ import annotations

import base64
import json
import tempfile
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from contract.core.http import parse_cookie_header
from contract.errors import InputError
from contract.model import Exchange
from contract.redact import MASK, Redactor
from contract.report.json import json_chunks, tool_version, write_text_atomic

__all__ = ["HarRecorder", "har_entry", "read_har"]

HTTP_VERSION = "HTTP/1.1"


def _pairs(items: Mapping[str, str] | list[tuple[str, str]]) -> list[dict[str, str]]:
    pairs = items.items() if isinstance(items, Mapping) else items
    return [{"name": k, "value": v} for k, v in pairs]


def _content(body: bytes | None) -> dict[str, str]:
    """`text` (and `encoding` when the bytes are not UTF-8 text)."""
    if not body:
        return {"text": ""}
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"text": base64.b64encode(body).decode("ascii"), "encoding": "base64"}


def har_entry(raw: Exchange, started: datetime, redactor: Redactor) -> dict[str, Any]:
    """One HAR entry for an exchange, masked (the raw exchange is needed for its cookie names only)."""
    cookies = [{"name": n, "value": MASK} for n in parse_cookie_header(
        next((v for k, v in raw.request_headers.items() if k.lower() == "cookie"), ""))]
    ex = redactor.exchange(raw)
    request_type = next((v for k, v in ex.request_headers.items() if k.lower() == "content-type"), "")
    response_type = next((v for k, v in ex.response_headers.items() if k.lower() == "content-type"), "")
    location = next((v for k, v in ex.response_headers.items() if k.lower() == "location"), "")
    request: dict[str, Any] = {
        "method": ex.method, "url": ex.url, "httpVersion": HTTP_VERSION, "cookies": cookies,
        "headers": _pairs(ex.request_headers),
        "queryString": _pairs(parse_qsl(urlsplit(ex.url).query, keep_blank_values=True)),
        "headersSize": -1, "bodySize": len(ex.request_body or b""),
    }
    if ex.request_body:
        text = _content(ex.request_body)
        request["postData"] = {"mimeType": request_type, "text": text["text"],  # text and params: one or the other
                               **({"_encoding": text["encoding"]} if "encoding" in text else {})}
    status = ex.status or 0
    try:
        status_text = HTTPStatus(status).phrase if status else ""
    except ValueError:
        status_text = ""
    body = ex.response_body or b""
    elapsed_ms = round(ex.elapsed * 1000, 3)
    entry: dict[str, Any] = {
        "startedDateTime": started.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": elapsed_ms,
        "request": request,
        "response": {
            "status": status, "statusText": status_text, "httpVersion": HTTP_VERSION, "cookies": [],
            "headers": _pairs(ex.response_headers),
            "content": {"size": len(body), "mimeType": response_type, **_content(body)},
            "redirectURL": location, "headersSize": -1, "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": elapsed_ms, "receive": 0},
    }
    if ex.error:
        entry["_error"] = ex.error
    if ex.body_truncated:
        entry["_bodyTruncated"] = True
    return entry


class HarRecorder:
    """Collects entries as exchanges come (thread-safe) and writes the HAR file on :meth:`close`."""

    def __init__(self, path: str | Path, redactor: Redactor) -> None:
        self.path = Path(path)
        self.redactor = redactor
        self._lock = threading.Lock()
        self._spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="contract-har-")  # noqa: SIM115 (closed in close())
        self.count = 0

    def add(self, exchange: Exchange, started: datetime) -> None:
        entry = har_entry(exchange, started, self.redactor)
        with self._lock:
            self._spool.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.count += 1

    def _entries(self) -> list[dict[str, Any]]:
        self._spool.seek(0)
        entries = [self.redactor.report(json.loads(line)) for line in self._spool if line.strip()]
        return sorted(entries, key=lambda e: e["startedDateTime"])

    def close(self) -> Path:
        """Write the file (atomically); the spool is removed. Once: a second call only returns the path."""
        with self._lock:
            if self._spool.closed:
                return self.path
            entries = self._entries()
            self._spool.close()
        log = {"log": {"version": "1.2", "creator": {"name": "contract", "version": tool_version()},
                       "entries": entries}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return write_text_atomic(self.path, json_chunks(log))  # long entry lists: one entry per line


def _body(content: Mapping[str, Any], encoding: Any) -> bytes:
    text = content.get("text")
    if not isinstance(text, str) or not text:
        return b""
    if encoding == "base64":
        try:
            return base64.b64decode(text)
        except ValueError:
            return text.encode("utf-8")
    return text.encode("utf-8")


def _headers(items: Any) -> dict[str, str]:
    """HAR headers as the judge reads them: lower-case names, repeats joined; HTTP/2 pseudo-headers left out."""
    out: dict[str, str] = {}
    for h in items if isinstance(items, list) else []:
        if isinstance(h, dict) and isinstance(h.get("name"), str) and not h["name"].startswith(":"):
            key, value = h["name"].lower(), str(h.get("value", ""))
            out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def read_har(path: str | Path) -> list[Exchange]:
    """The exchanges of a HAR file (any HAR 1.2: the proxy's, a browser's), in order; InputError if unusable."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(name, "HAR file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(name, f"not a HAR file (not JSON: {exc})") from None
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) and isinstance(data.get("log"), dict) \
        else None
    if not isinstance(entries, list):
        raise InputError(name, "not a HAR file: no log.entries array", pointer="/log/entries")
    out: list[Exchange] = []
    for i, entry in enumerate(entries):
        request = entry.get("request") if isinstance(entry, dict) else None
        response = entry.get("response") if isinstance(entry, dict) else None
        if not isinstance(request, dict) or not isinstance(response, dict) \
                or not isinstance(request.get("method"), str) or not isinstance(request.get("url"), str):
            raise InputError(name, "entry without request.method, request.url or response",
                             pointer=f"/log/entries/{i}")
        post: dict[str, Any] = request.get("postData") or {}
        content: dict[str, Any] = response.get("content") or {}
        if not isinstance(post, dict) or not isinstance(content, dict):
            raise InputError(name, "postData or content is not an object", pointer=f"/log/entries/{i}")
        status = response.get("status")
        time_ms = entry.get("time")
        out.append(Exchange(
            method=request["method"].upper(), url=request["url"], request_headers=_headers(request.get("headers")),
            request_body=_body(post, post.get("_encoding")) or None,
            status=status if isinstance(status, int) and status > 0 else None,
            response_headers=_headers(response.get("headers")), response_body=_body(content, content.get("encoding")),
            body_truncated=bool(entry.get("_bodyTruncated")),
            elapsed=time_ms / 1000 if isinstance(time_ms, int | float) and time_ms >= 0 else 0.0,
            error=entry.get("_error") if isinstance(entry.get("_error"), str) else None))
    return out
