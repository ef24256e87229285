"""Meanings stated in prose (`contract.semantics`), read from real spec descriptions: what each sentence
means, what a value must look like, what generation adds, what the live check says."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
import yaml

from contract.core import pointer as jp
from contract.generate.extra import prose_constraints
from contract.load import Spec, load_spec
from contract.model import Exchange
from contract.replay.checks import CheckContext, Observation, run_checks
from contract.replay.operations import LiveOperation
from contract.semantics import contradiction, semantics
from contract.validate import Validators
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@functools.cache
def _document(file: str) -> Any:
    path = CORPUS / file
    if file.endswith(".json"):
        return json.loads(path.read_text())
    return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _description(file: str, pointer: str) -> str:
    node = jp.resolve(_document(file), pointer)
    assert isinstance(node, dict) and isinstance(node.get("description"), str), pointer
    return node["description"]


# (file, pointer to a schema with that description, meaning, letter case) — each meaning from ≥2 real specs
REAL = [
    ("stripe-2023-3.0.yaml", "/components/schemas/customer/properties/created", "unix-seconds", None),
    ("openai-3.1.yaml", "/components/schemas/Batch/properties/created_at", "unix-seconds", None),
    ("stripe-2023-3.0.yaml", "/components/schemas/address/properties/country", "country-alpha2", None),
    ("adyen-checkout-v71-3.1.json", "/components/schemas/Address/properties/country", "country-alpha2", None),
    ("stripe-2023-3.0.yaml", "/components/schemas/charge/properties/currency", "currency-alpha3", "lower"),
    ("stripe-2023-3.0.yaml", "/components/schemas/customer/properties/currency", "currency-alpha3", None),
    ("adyen-checkout-v71-3.1.json", "/components/schemas/Amount/properties/currency", "currency-alpha3", None),
    ("box-3.0.json", "/components/schemas/SkillCardsMetadata/properties/$id", "uuid", None),
]


@pytest.mark.parametrize(("file", "pointer", "name", "letter_case"), REAL, ids=[f"{r[0]}:{r[1]}" for r in REAL])
def test_real_descriptions_state_their_meaning(file, pointer, name, letter_case):
    found = semantics(_description(file, pointer))
    assert [(s.name, s.case) for s in found] == [(name, letter_case)]


@pytest.mark.parametrize("text", [
    # Adyen: two standards offered; a locale; the numeric currency codes; a recommendation
    "The two-letter [ISO 3166-1 alpha-2](https://x) or three-letter [ISO 3166-1 alpha-3 country code](https://y).",
    "The value combines the two-letter ISO 639-1 language code with the two-letter ISO 3166-1 alpha-2 country code.",
    "For prepaid or gift card purchase, ISO 4217 three-digit currency code of the gift card.",
    "A unique identifier for the message with a maximum of 64 characters (we recommend a UUID).",
    # Discord's snowflake: milliseconds, but since Discord's own epoch; Stripe's currency-keyed maps
    "Milliseconds since Discord Epoch, the first second of 2015 or 1420070400000.",
    "Each key must be a three-letter [ISO currency code](https://www.iso.org/iso-4217-currency-codes.html).",
    # OpenAI: a duration in milliseconds is no timestamp
    "Optional timeout in milliseconds for the command.",
])
def test_sentences_that_state_no_single_meaning(text):
    assert semantics(text) == []


def test_milliseconds_since_the_epoch_is_not_seconds():
    # audiobookshelf's OpenAPI components; NordicSemiconductor's asset-tracker cloud protocol
    for text in ("The time (in ms since POSIX epoch) when added to the server.",
                 "Timestamp as Unix epoch with millisecond precision (UTC)"):
        assert [s.name for s in semantics(text)] == ["unix-milliseconds"]


def test_only_a_clear_contradiction_of_the_unit():
    seconds = semantics("Measured in seconds since the Unix epoch.")[0]
    assert contradiction(seconds, 1_700_000_000) is None
    assert contradiction(seconds, 0) is None  # a plausible count of seconds
    why = contradiction(seconds, 1_700_000_000_000)
    assert why is not None and "milliseconds" in why and "2023-11-14" in why
    ms = semantics("The time (in ms since POSIX epoch) when added to the server.")[0]
    assert contradiction(ms, 1_633_522_963_509) is None
    assert "reads as seconds" in (contradiction(ms, 1_633_522_963) or "")
    assert contradiction(ms, 42) is None  # 1970 as milliseconds, but nothing says it is seconds instead
    assert contradiction(seconds, "1700000000") is None  # a string holding a number: not this check's call


def test_codes_and_their_stated_case():
    country = semantics("Two-letter country code ([ISO 3166-1 alpha-2](https://x)).")[0]
    assert contradiction(country, "US") is None
    assert "2 letters" in (contradiction(country, "USA") or "")
    assert "upper-case" in (contradiction(country, "us") or "")
    currency = semantics("Three-letter [ISO currency code](https://www.iso.org/iso-4217-currency-codes.html), "
                         "in lowercase.")[0]
    assert contradiction(currency, "usd") is None
    assert "lowercase" in (contradiction(currency, "USD") or "")
    adyen = semantics("The three-character [ISO currency code](https://en.wikipedia.org/wiki/ISO_4217).")[0]
    assert contradiction(adyen, "EUR") is None and contradiction(adyen, "eur") is None
    assert "3 letters" in (contradiction(adyen, "978") or "")
    when = semantics("The date the session expires in [ISO8601](https://x) format.")[0]
    assert contradiction(when, "2024-01-02T03:04:05Z") is None and contradiction(when, "2024-01-02") is None
    assert "number" in (contradiction(when, 1704164645) or "")
    assert "ISO 8601" in (contradiction(when, "01/02/2024") or "")


@pytest.fixture(scope="module")
def stripe() -> Spec:
    return load_spec(CORPUS / "stripe-2023-3.0.yaml")


def test_generation_honours_a_code_the_schema_leaves_open(stripe):
    extras = {(e.part, e.location): e for e in prose_constraints(stripe, stripe.operation("GET /v1/balance/history"))}
    currency = extras[("query", "currency")]
    assert (currency.keyword, currency.value, currency.source) == ("pattern", "^[a-z]{3}$", "prose")
    assert currency.where is not None and currency.where.line
    body = {(e.location, e.keyword): e.value for e in prose_constraints(stripe, stripe.operation("POST /v1/accounts"))}
    assert body[("/country", "pattern")] == "^[A-Z]{2}$"


def _answer(spec: Spec, key: str, body: Any, pages: list | None = None) -> list:
    op = spec.operation(key)
    ex = Exchange(op.method, "http://127.0.0.1:9" + op.path, {}, None, status=200,
                  response_headers={"content-type": "application/json"}, response_body=json.dumps(body).encode())
    ctx = CheckContext(spec, Validators(spec), pages=pages or [])
    return [f for f in run_checks(ctx, Observation(LiveOperation(op), None, ex)) if f.check == "live.value_semantics"]


def test_live_milliseconds_in_a_seconds_field(stripe):
    key = "GET /v1/customers/{customer}"
    assert _answer(stripe, key, {"id": "cus_1", "object": "customer", "created": 1_700_000_000}) == []
    found = _answer(stripe, key, {"id": "cus_1", "object": "customer", "created": 1_700_000_000_000,
                                  "currency": "usd"})
    assert len(found) == 1
    f = found[0]
    assert f.details["pointer"] == "/created" and f.details["meaning"] == "unix-seconds"
    assert "1700000000000" in f.message and "seconds since the Unix epoch" in f.message
    assert f.spec is not None and f.spec.line and f.spec.pointer == "/components/schemas/customer/properties/" \
        "created/description"
    lines = (CORPUS / "stripe-2023-3.0.yaml").read_text().splitlines()[f.spec.line - 1:f.spec.line + 2]
    assert lines[0].strip().startswith("description:") and "seconds since the Unix epoch" in " ".join(" ".join(lines).split())


def test_live_codes_in_lists_once_per_field(stripe):
    key = "GET /v1/charges"
    charge = {"id": "ch_1", "object": "charge", "created": 1_700_000_000, "currency": "usd"}
    page = {"object": "list", "data": [charge] * 3, "has_more": False, "url": "/v1/charges"}
    assert _answer(stripe, key, page) == []
    page["data"] = [{**charge, "currency": "USD"}] * 3  # Stripe: "Three-letter ISO currency code, in lowercase."
    found = _answer(stripe, key, page)
    assert [(f.details["pointer"], f.details["meaning"]) for f in found] == [("/data/0/currency", "currency-alpha3")]
    assert "not lowercase" in found[0].message


def test_live_branches_that_disagree_say_nothing(stripe):
    # GET /v1/customers/{customer} answers anyOf customer | deleted_customer: `created` is only described in one
    # branch, so it counts; a customer's `currency` has no stated case, so "USD" is fine
    key = "GET /v1/customers/{customer}"
    assert _answer(stripe, key, {"id": "cus_1", "object": "customer", "created": 1_700_000_000,
                                 "currency": "USD"}) == []


@pytest.mark.parametrize("key", ["GET /v1/customers/{customer}", "GET /v1/charges", "GET /v1/invoices/{invoice}",
                                 "GET /v1/balance_transactions", "POST /v1/subscriptions", "GET /v1/balance"])
def test_the_walk_that_follows_the_body_reads_what_the_whole_walk_reads_there(stripe, key):
    """The live check reads descriptions only along the fields a body has (Stripe's response schemas are trees of
    thousands of described paths): for the emulator's own answers (every optional field, and the required ones
    only) and for a body with a list and an extra field, it finds exactly the whole walk's meanings the body can
    hold a value at, with the same sentence and place."""
    from contract.generate.values import SchemaValues
    from contract.replay.checks import _EVERYWHERE, _spec_meanings_at, _values_at
    op = stripe.operation(key)
    media = op.responses["200"].content["application/json"]
    assert media.schema is not None and media.where is not None
    everything: dict[str, Any] = {}
    _spec_meanings_at(stripe, media.schema, media.where.pointer or "", "", everything, (), _EVERYWHERE)
    values = SchemaValues(seed=3)
    schema = stripe.json_schema(media.schema, "response")
    bodies = [values.draw(schema, key), values.draw(schema, key, full=False),
              {"object": "list", "data": [{"created": 1}, {"currency": "usd", "unknown": {"x": 1}}], "created": 2}]
    ctx = CheckContext(stripe, Validators(stripe))
    for body in bodies:
        said = ctx.spec_meanings(media, body)
        assert {p: m for p, m in said.items() if _values_at(body, p)} == \
            {p: m for p, m in everything.items() if _values_at(body, p)}
    assert any(ctx.spec_meanings(media, b) for b in bodies)
    walked_whole = ctx._meanings[id(media)][1]
    if key == "GET /v1/balance":  # a small schema: walked once, whole
        assert walked_whole == everything
    else:  # thousands of described paths: along each body
        assert walked_whole is None and all(len(ctx.spec_meanings(media, b)) < len(everything) for b in bodies)
