"""What a value *means*, as prose states it: a unit, a code standard, a date notation.

"Measured in seconds since the Unix epoch", "Two-letter country code (ISO 3166-1
alpha-2)", "Three-letter ISO currency code, in lowercase" say what a value is where the
schema only says `integer` or `string`. Drift compares what spec and docs say
(`drift.semantic_mismatch`), generation honours what the schema leaves out
(`generate.extra`), and the live check `live.value_semantics` judges response values;
all read sentences through this one module so they agree on what a sentence means.

Each semantic is one entry of `_SEMANTICS`, its comment naming real descriptions that
write it so (the corpus under `../shared/corpus/`, or a public spec). Precision first: a
sentence that names two standards ("alpha-2 or alpha-3"), a numeric variant ("three-digit
currency code") or a duration ("ISO 8601 duration") states no semantic here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from contract.core.schema_facts import Resolve, effective

__all__ = ["Semantic", "contradiction", "generator_schema", "open_meanings", "semantics"]


@dataclass(frozen=True, slots=True)
class Semantic:
    """One meaning read from a description.

    `name` is the meaning ("unix-seconds", "country-alpha2", …), `family` what two meanings must share to be
    compared ("time", "country", "currency", "id"), `case` the letter case the text states for a code
    ("lower", "upper" or None), `text` the sentence it came from.
    """

    name: str
    family: str
    text: str
    case: str | None = None

    def says(self) -> str:
        """The meaning in words, for messages."""
        words = _WORDS[self.name]
        return f"{words}, {self.case}case" if self.case else words


@dataclass(frozen=True, slots=True)
class _Def:
    name: str
    family: str
    rx: re.Pattern[str]
    unless: re.Pattern[str] | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_EPOCH = r"(?:the\s+)?(?:unix|posix)?\s*epoch"
_SEMANTICS: tuple[_Def, ...] = (
    # Milliseconds since the epoch: "The time (in ms since POSIX epoch) when added to the server."
    # (audiobookshelf's OpenAPI components), "Timestamp as Unix epoch with millisecond precision"
    # (NordicSemiconductor asset-tracker-cloud-docs), "Timestamp in unix timestamp (milliseconds)". Checked
    # before seconds: "Unix timestamp in milliseconds" is not seconds. "Milliseconds since Discord Epoch" (a
    # snowflake's bits, Discord's reference page) is another epoch: not matched.
    _Def("unix-milliseconds", "time", _rx(
        rf"(?:milliseconds?|\bms)\s+since\s+{_EPOCH}\b|(?:unix|posix)\s+(?:epoch|time(?:stamp)?)\s*"
        r"(?:\(\s*|in\s+|with\s+)(?:milliseconds?|ms)\b|epoch\s+milliseconds")),
    # Seconds since the epoch: Stripe's "Time at which the object was created. Measured in seconds since the
    # Unix epoch." (hundreds, both Stripe specs), "in epoch seconds" (Stripe's file links), OpenAI's "The Unix
    # timestamp (in seconds) for when the batch was created.", Netlify's and Discord's "Unix timestamp".
    # A bare "Unix timestamp" is seconds (POSIX time); a sentence naming another unit is left alone.
    _Def("unix-seconds", "time", _rx(
        rf"seconds\s+since\s+{_EPOCH}\b|epoch\s+seconds|\bunix\s+(?:timestamp|time)\b"),
        _rx(r"milli|micro|nano|\bms\b")),
    # ISO 3166-1 alpha-2: Stripe's "Two-letter country code ([ISO 3166-1 alpha-2](…))." (both specs), Adyen's
    # "The shopper country code. Format: [ISO 3166-1 alpha-2](…)" and "The two-character ISO-3166-1 alpha-2
    # country code". Not when alpha-3 is offered too (Adyen: "alpha-2 or three-letter … alpha-3").
    _Def("country-alpha2", "country", _rx(
        r"ISO[\s-]?3166(?:-1)?[\s-]*alpha[\s-]?2|two[\s-](?:letter|character)\s+country\s+code"),
        _rx(r"alpha[\s-]?3|three[\s-](?:letter|character)|3166-2|639|language|locale")),
    # ISO 3166-1 alpha-3: Adyen's "The three-letter [ISO 3166-1 alpha-3 country code](…) for the destination
    # address" and "The three-letter country code of the sub-merchant's address".
    _Def("country-alpha3", "country", _rx(
        r"ISO[\s-]?3166(?:-1)?[\s-]*alpha[\s-]?3|three[\s-](?:letter|character)\s+country\s+code"),
        _rx(r"alpha[\s-]?2|two[\s-](?:letter|character)")),
    # ISO 4217 alphabetic codes: Stripe's "Three-letter [ISO currency code](…iso-4217…), in lowercase." and
    # "Three-letter [ISO code for the currency](…)" (both specs), Adyen's "The three-character [ISO currency code](…ISO_4217)", OpenAI's "Lowercase ISO-4217
    # currency e.g. "usd"". Not the numeric codes (Adyen: "three-digit currency code", "currency number").
    _Def("currency-alpha3", "currency", _rx(
        r"ISO[\s-]?4217|three[\s-](?:letter|character)\s+(?:\[\s*)?ISO\s+(?:currency\s+code|code\s+for\s+the\s+currency)"),
        _rx(r"digit|numeric|number")),
    # ISO 8601 / RFC 3339 dates and times: Adyen's "The date the session expires in [ISO8601](…) format",
    # Kubernetes' "RFC 3339 date and time at which the object was acknowledged", Twilio's "in ISO 8601 format".
    # Not durations or intervals (ISO 8601 defines those too).
    _Def("iso8601", "time", _rx(r"ISO[\s-]?8601|RFC[\s-]?3339"),
         _rx(r"duration|interval|period|\bweek")),
    # UUIDs: Box's "A UUID to identify the metadata instance." and "… object.", Kubernetes' "datasetUUID is the
    # UUID of the dataset". Not a recommendation (Adyen: "we recommend a UUID").
    _Def("uuid", "id", _rx(r"\b(?:an?|the)\s+UUID\b|\bUUID\s+(?:v4|format)\b|\bin\s+UUID\s+format"),
         _rx(r"recommend|suggest|\bor\b")),
)
_WORDS = {
    "unix-milliseconds": "milliseconds since the Unix epoch", "unix-seconds": "seconds since the Unix epoch",
    "country-alpha2": "an ISO 3166-1 alpha-2 country code (two letters)",
    "country-alpha3": "an ISO 3166-1 alpha-3 country code (three letters)",
    "currency-alpha3": "an ISO 4217 currency code (three letters)", "iso8601": "an ISO 8601 date or time",
    "uuid": "a UUID",
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*_\[])|\n\s*\n")
_LOWER = _rx(r"\bin\s+lower[\s-]?case\b|^lower[\s-]?case\b|\blower[\s-]?case\s+ISO")
_UPPER = _rx(r"\bin\s+upper[\s-]?case\b|\bupper[\s-]?case\s+ISO|\bcapital\s+letters\b")
# A cheap gate: every semantic's pattern needs one of these words (most descriptions have none).
_ANY = _rx(r"epoch|unix|posix|3166|4217|8601|3339|uuid|country\s+code|currency|iso\s+code")
_OF_KEYS = _rx(r"\b(?:each|every|the)\s+keys?\b|\bkeys\s+(?:are|must)|\bkeyed\s+by\b")
_TEMPLATE = re.compile(r"[Yy]{4}")  # "ISO 8601 format `yyyy-MM-dd HH:mm`": a notation of its own


def semantics(text: str | None) -> list[Semantic]:
    """The meanings a description states, one per family (the first sentence that states one wins)."""
    if not text:
        return []
    return list(_semantics(text))


@functools.lru_cache(maxsize=8192)
def _semantics(text: str) -> tuple[Semantic, ...]:
    """`semantics`, read once per text: a spec repeats its descriptions in every schema that shares a component,
    and the live check reads them per exchange."""
    if not _ANY.search(text):
        return ()
    out: dict[str, Semantic] = {}
    for raw in _SENTENCE.split(text):
        sentence = " ".join(raw.split())
        if _OF_KEYS.search(sentence):
            continue  # "Each key must be a three-letter ISO currency code": the map's keys, not the value
        for d in _SEMANTICS:
            if d.family in out or not d.rx.search(sentence) or (d.unless and d.unless.search(sentence)):
                continue
            case = None
            if d.family in ("currency", "country"):
                case = "lower" if _LOWER.search(sentence) else "upper" if _UPPER.search(sentence) else None
            out[d.family] = Semantic(d.name, d.family, sentence, case)
    return tuple(out.values())


def generator_schema(semantic: Semantic) -> dict[str, Any] | None:
    """The JSON Schema keywords a generated value must meet to honour `semantic` (None: nothing a value can
    show: any integer is a valid count of seconds, the unit is in its meaning)."""
    if semantic.name in ("country-alpha2", "country-alpha3", "currency-alpha3"):
        size = 2 if semantic.name == "country-alpha2" else 3
        letters = {"lower": "a-z", "upper": "A-Z"}.get(semantic.case or "", "A-Z" if semantic.family == "country"
                                                                        else "A-Za-z")
        return {"pattern": f"^[{letters}]{{{size}}}$"}
    if semantic.name == "uuid":
        return {"format": "uuid"}
    if semantic.name == "iso8601" and not _TEMPLATE.search(semantic.text):
        return {"format": "date" if _date_only(semantic.text) else "date-time"}
    return None


def open_meanings(schema: Any, description: str | None, resolve: Resolve, *, ref_siblings: bool = False
                  ) -> list[tuple[str, Any, str]]:
    """(keyword, value, sentence) for each meaning `description` states that `schema` leaves open: a country
    code's pattern on a bare string, `format: date-time` on a string described as ISO 8601. Nothing where the
    schema already pins the value (an enum, a const, a format, a pattern) or is not a string."""
    found = semantics(description)

    def stated(keyword: str) -> Any:
        hit = effective(schema, keyword, resolve, ref_siblings=ref_siblings)
        return None if hit is None else hit.value

    if not found or any(stated(k) is not None for k in ("enum", "const", "format", "pattern")):
        return []
    types = stated("type")
    if types is not None and "string" not in types:
        return []
    return [(keyword, value, s.text) for s in found for keyword, value in (generator_schema(s) or {}).items()]


def _date_only(text: str) -> bool:
    return bool(re.search(r"\bdate\b", text, re.IGNORECASE)) and not re.search(
        r"\btime|timestamp|hh:mm|date-time|datetime", text, re.IGNORECASE)


# --------------------------------------------------------------------------- live values

# A count of seconds since 1970 this large is after the year 5000: a milliseconds value. A count of
# milliseconds this small is before 1970-01-12 as milliseconds and a recent date as seconds.
_SECONDS_CEILING = 100_000_000_000
_MS_FLOOR = 1_000_000_000
_MS_CEILING = 10_000_000_000_000  # year 2286 as milliseconds
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_ISO_START = re.compile(r"^[+-]?\d{4}(?:-\d{2}(?:-\d{2})?|\d{4}|-W\d{2}|-\d{3})?(?:$|[T ]\d{2})")


def contradiction(semantic: Semantic, value: Any) -> str | None:
    """Why `value` clearly cannot be what `semantic` says (None: it can, or the value is of a kind the
    semantic says nothing about, such as null or a string holding a number)."""
    if value is None or isinstance(value, bool):
        return None
    name = semantic.name
    if name in ("unix-seconds", "unix-milliseconds"):
        if not isinstance(value, int | float):
            return None
        if name == "unix-seconds" and value >= _SECONDS_CEILING and value / 1000 < _SECONDS_CEILING:
            return (f"{value} is not a count of seconds (as seconds it is after the year 5000) but reads as "
                    f"milliseconds: {_as_date(value / 1000)}")
        if name == "unix-milliseconds" and _MS_FLOOR <= value < _SECONDS_CEILING:
            return (f"{value} is not a count of milliseconds (as milliseconds it is {_as_date(value / 1000)}) "
                    f"but reads as seconds: {_as_date(value)}")
        if name == "unix-milliseconds" and value >= _MS_CEILING:
            return f"{value} is too large for milliseconds since 1970 (after the year 2286): microseconds?"
        return None
    if not isinstance(value, str):
        return f"{value!r} is a {type(value).__name__}, not a string" if name != "iso8601" or not isinstance(
            value, int | float) else f"{value!r} is a number, not an ISO 8601 string"
    if name in ("country-alpha2", "country-alpha3", "currency-alpha3"):
        size = 2 if name == "country-alpha2" else 3
        if not re.fullmatch(rf"[A-Za-z]{{{size}}}", value):
            return f"{value!r} is not {size} letters"
        if semantic.case == "lower" and value != value.lower():
            return f"{value!r} is not lowercase, as the description says"
        if (semantic.case == "upper" or semantic.family == "country") and value != value.upper():
            return f"{value!r} is not upper-case" + (" (ISO 3166 codes are)" if semantic.family == "country" else "")
        return None
    if name == "uuid":
        return None if _UUID.match(value) else f"{value!r} is not a UUID (8-4-4-4-12 hexadecimal digits)"
    if name == "iso8601":
        return None if _ISO_START.match(value.strip()) else f"{value!r} does not start with an ISO 8601 date"
    return None


def _as_date(seconds: float) -> str:
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return "out of range"
