"""Strategies for string formats, realistic values for known shapes, wire legality.

Every format strategy draws values the project's validator accepts (formats mean
what jsonschema's FormatChecker says, see contract.validate.formats), so a format
never costs a conforming case. Values are realistic (a uuid looks like a uuid, an
email like an email) because a server that rejects `\\U0001f600@\\x00` tells us
nothing; edges come from lengths, nulls, optional fields and unicode elsewhere.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

from hypothesis import provisional as prov
from hypothesis import strategies as st

from contract.validate import KNOWN_FORMATS

__all__ = [
    "FORMAT_STRATEGIES",
    "INVALID_FORMAT_SAMPLES",
    "NO_OP_FORMATS",
    "custom_formats",
    "hint_for",
    "is_header_value",
    "realistic_strings",
    "wire_legal",
]

# Formats the validator accepts whatever the string (UI hints and numeric widths).
NO_OP_FORMATS = frozenset({"password", "binary", "int32", "int64", "float", "double"})

_WORDS = ("jane", "doe", "alpha", "beta", "sample", "test", "user", "demo", "north", "value")
_TLDS = ("example.com", "example.org", "example.net", "test.io")

_label = st.from_regex(r"[a-z][a-z0-9]{0,9}", fullmatch=True)
_domain = st.builds(lambda a, tld: f"{a}.{tld}", _label, st.sampled_from(_TLDS))
_email = st.builds(
    lambda a, sep, b, dom: f"{a}{sep}{b}@{dom}",
    st.sampled_from(_WORDS), st.sampled_from(("", ".", "_", "+")), _label, _domain,
) | st.emails()


def _rfc3339_datetime(value: dt.datetime, frac: bool) -> str:
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += f".{value.microsecond:06d}"
    offset = value.utcoffset()
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_offsets = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=2)),
                            dt.timezone(dt.timedelta(hours=-5, minutes=-30))])
_datetime = st.builds(_rfc3339_datetime,
                      st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2099, 12, 31),
                                   timezones=_offsets),
                      st.booleans())
_time = _datetime.map(lambda s: s.split("T", 1)[1])  # RFC 3339 full-time, as draft 2020-12 means
_date = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)).map(dt.date.isoformat)
_uri = st.builds(lambda dom, path, q: f"https://{dom}/{path}{q}", _domain,
                 st.from_regex(r"[a-z0-9_-]{0,12}(/[a-z0-9_-]{1,8}){0,2}", fullmatch=True),
                 st.sampled_from(("", "?page=1", "?q=search&lang=en", "#top")))

FORMAT_STRATEGIES: dict[str, st.SearchStrategy[str]] = {
    "uuid": st.uuids().map(str),
    "email": _email,
    "idn-email": _email,
    "date": _date,
    "date-time": _datetime,
    "time": _time,
    "uri": _uri,
    "iri": _uri,
    "uri-reference": _uri | st.from_regex(r"/[a-z0-9]{1,8}(/[a-z0-9]{1,8}){0,2}", fullmatch=True),
    "iri-reference": _uri,
    "uri-template": _uri,
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "hostname": _domain | prov.domains(max_length=63),
    "idn-hostname": _domain,
    "byte": st.binary(max_size=48).map(lambda b: base64.b64encode(b).decode("ascii")),
    "duration": st.from_regex(r"P[1-9][0-9]{0,2}D|PT[1-9][0-9]?H([1-5][0-9]M)?|P[1-9]Y[1-9]M", fullmatch=True),
    "json-pointer": st.from_regex(r"(/[a-z0-9]{1,8}){0,3}", fullmatch=True),
    "relative-json-pointer": st.from_regex(r"[0-9](/[a-z0-9]{1,8}){0,2}", fullmatch=True),
    "regex": st.sampled_from((r"^[a-z]+$", r"\d{3}-\d{4}", r".*", r"^(foo|bar)$")),
}

# Strings each format's checker rejects, most realistic mistake first.
INVALID_FORMAT_SAMPLES: dict[str, tuple[str, ...]] = {
    "uuid": ("not-a-uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa", "3fa85f64-5717-4562-b3fc-2c963f66afzz", "12345"),
    "email": ("jane.doe.example.com", "not an email", "jane"),
    "idn-email": ("jane.doe.example.com", "not an email"),
    "date": ("2000-13-31", "31/12/2000", "2000-02-30", "yesterday"),
    "date-time": ("2000-12-31 25:61:00", "2000-12-31T10:00:00", "31/12/2000 10:00", "yesterday"),
    "time": ("25:00:00Z", "10:00", "noon"),
    "uri": ("not a uri", "//no-scheme.example.com", "example.com/path"),
    "iri": ("not an iri", "//no-scheme"),
    "uri-reference": ("\\\\backslash", "http://[bad"),
    "iri-reference": ("http://[bad",),
    "uri-template": ("{unclosed", "http://example.com/{"),
    "ipv4": ("256.1.1.1", "1.2.3", "192.168.1.1.1", "abc.def.ghi.jkl"),
    "ipv6": ("12345::", "1:2:3", "::g"),
    "hostname": ("-bad-.example.com", "a..b", "under_score.example.com", "x" * 64 + ".com"),
    "idn-hostname": ("-bad-.example.com", "a..b"),
    "byte": ("not base64!", "abc", "####"),
    "duration": ("P1Y2", "1 day", "PT"),
    "json-pointer": ("no-leading-slash", "/a~2"),
    "relative-json-pointer": ("/a", "-1"),
    "regex": ("(unclosed", "[z-a]"),
}

# Realistic values for well-known field names; only used where the schema accepts them.
_HINTS: dict[str, tuple[str, ...]] = {
    "email": ("jane.doe@example.com", "john.smith@example.org"),
    "phone": ("+1234567890", "+442071838750", "+33142685300"),
    "country": ("US", "FR", "DE", "JP", "BR"),
    "locale": ("en", "en-US", "fr_FR", "de"),
    "language": ("en", "fr", "de", "ja"),
    "timezone": ("Europe/Rome", "America/New_York", "UTC", "Asia/Tokyo"),
    "currency": ("USD", "EUR", "JPY"),
    "url": ("https://example.com", "https://example.org/path?q=1"),
    "ip": ("192.168.1.1", "10.0.0.42", "203.0.113.7"),
    "name": ("Jane", "John", "Doe", "Zoë", "Nguyễn"),
    "id": ("3fa85f64-5717-4562-b3fc-2c963f66afa6", "user_12345", "abc123"),
    "version": ("1.0.0", "2.4.1", "17.1"),
    "date": ("2000-12-31", "1990-01-01"),
    "agent": ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X)", "okhttp/4.12.0"),
    "platform": ("iOS", "Android", "web"),
    "device": ("iPhone 15 Pro", "Pixel 8", "SM-G991B"),
}
_HINT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("email", r"e-?mail"), ("phone", r"phone|mobile|msisdn"), ("country", r"country"),
    ("ip", r"(^|_)ip(_|$)|ip_?v4|address_ip"), ("locale", r"locale"), ("language", r"lang"), ("timezone", r"time_?zone|tz$"),
    ("currency", r"currency"), ("url", r"url|uri|link|website"), ("agent", r"user_?agent"),
    ("version", r"version|build"), ("platform", r"platform|(^|_)os$"), ("device", r"device$|model"),
    ("date", r"birthday|birth_?date|(^|_)date$"), ("name", r"name$"), ("id", r"(^|_)id$|_ids?$|token"),
)
_GENERIC = ("example", "Jane Doe", "test value", "abc123", "Lorem ipsum dolor sit amet", "ÅÄÖ üñí", "x")


def hint_for(name: str | None) -> str | None:
    """The realistic-value category a property or parameter name suggests, if any."""
    if not name:
        return None
    lowered = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("-", "_")
    for hint, rx in _HINT_PATTERNS:
        if re.search(rx, lowered):
            return hint
    return None


def realistic_strings(hint: str | None) -> tuple[str, ...]:
    """Plain-string values that look like real data: hinted ones first, then generic words."""
    return (_HINTS.get(hint, ()) if hint else ()) + _GENERIC


# hypothesis-jsonschema re-checks custom-format values with jsonschema's class-wide checker, whose
# `time` is draft 3's HH:MM:SS; RFC 3339 times travel under a private name (see `to_hypothesis`).
HYPOTHESIS_FORMAT_ALIASES = {"time": "x-contract-rfc3339-time"}


def custom_formats(formats: set[str]) -> tuple[dict[str, st.SearchStrategy[str]], list[str]]:
    """(custom_formats for hypothesis-jsonschema, formats nobody checks → plain strings)."""
    out: dict[str, st.SearchStrategy[str]] = {}
    unknown: list[str] = []
    for name in sorted(formats):
        if name in HYPOTHESIS_FORMAT_ALIASES:
            out[HYPOTHESIS_FORMAT_ALIASES[name]] = FORMAT_STRATEGIES[name]
        elif name in FORMAT_STRATEGIES:
            out[name] = FORMAT_STRATEGIES[name]
        else:
            if name not in KNOWN_FORMATS:
                unknown.append(name)
            out[name] = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=24)
    return out, unknown


_HEADER_OK = re.compile(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?")


def is_header_value(text: str) -> bool:
    """Visible ASCII, inner spaces only, non-empty: what every HTTP stack passes through unchanged."""
    return bool(_HEADER_OK.fullmatch(text))


def wire_legal(text: str, part: str) -> bool:
    """Whether a parameter value arrives as the value it was sent as, in a `part` (header, query, path, cookie).

    Not empty (an empty value reads as absent, or as null, depending on the server), a legal
    header value in headers and cookies, no cookie separators in a cookie, no dot segment as a path
    segment (clients and proxies resolve it away).
    """
    if text == "":
        return False
    if part in ("header", "cookie") and not is_header_value(text):
        return False
    if part == "cookie" and any(c in text for c in ";,"):
        return False
    return not (part == "path" and text in (".", ".."))
