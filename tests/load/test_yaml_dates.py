"""An unquoted date in a YAML spec is the string written, as in JSON (OpenAPI 3.1 "Format": YAML 1.2,
JSON Schema ruleset) — not PyYAML's YAML 1.1 `datetime.date`, which no JSON Schema validator takes.

Real case: OpenAI's `ChatSessionResource` example writes `version: 2024-10-01`; it made
`lint.example_invalid` fail as `lint.internal_error: Unsupported type: 'date'` (jsonschema-rs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from contract.docs.embed import read_embedded
from contract.lint import lint
from contract.load import load_spec
from tests.conftest import CORPUS, corpus_specs, needs_corpus

DATES = """\
openapi: 3.0.3
info: {title: dates, version: 2024-10-01}
paths:
  /reports:
    get:
      parameters:
        - name: since
          in: query
          schema: {type: string, format: date, enum: [2024-01-01, 2024-07-01], default: 2024-01-01}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  day: {type: string, format: date}
                  at: {type: string, format: date-time}
              example: {day: 2024-10-01, at: 2024-10-01T12:30:00Z}
"""


def test_timestamps_are_the_strings_written_and_nothing_else_changes():
    from contract.core.yaml_json import load

    assert load("a: 2024-10-01\nb: 2024-10-01T12:30:00Z\nc: !!timestamp 2001-12-14\n"
                "d: 1.5\ne: true\nf: null\ng: '2024-10-01'\nh: 10\n") == {
        "a": "2024-10-01", "b": "2024-10-01T12:30:00Z", "c": "2001-12-14",
        "d": 1.5, "e": True, "f": None, "g": "2024-10-01", "h": 10}


@pytest.fixture
def dates_spec(tmp_path: Path):
    path = tmp_path / "dates.yaml"
    path.write_text(DATES)
    return load_spec(path, cache=False)


def test_a_spec_with_dates_is_json_data_and_lints_without_an_internal_error(dates_spec):
    assert dates_spec.data["info"]["version"] == "2024-10-01"
    json.dumps(dates_spec.data)  # raised TypeError: Object of type date is not JSON serializable
    found = lint(dates_spec)
    assert [f.message for f in found if f.check == "lint.internal_error"] == []
    assert [f for f in found if f.check in ("lint.example_invalid", "lint.metaschema")] == []


def test_generation_draws_the_date_enum_as_the_strings_that_travel(dates_spec):
    import contract.strategies

    drawn: set[str] = set()

    @settings(max_examples=40, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(case=contract.strategies.cases(dates_spec, "GET /reports"))
    def collect(case):
        if "since" in case.query:
            drawn.add(case.query["since"])

    collect()
    assert drawn == {"2024-01-01", "2024-07-01"}  # dates as enum members were never drawn at all


def test_a_date_in_a_spec_embedded_in_a_docs_page_is_a_string():
    body = DATES.split("paths:\n", 1)[1]
    embedded = read_embedded("paths:\n" + body, "page.md", 3)
    assert embedded.problems == []
    [example] = embedded.examples
    assert example.body == {"day": "2024-10-01", "at": "2024-10-01T12:30:00Z"}  # compared with the spec's strings


YAML_SPECS = [p for p in corpus_specs() if p.suffix == ".yaml"]


@pytest.mark.parametrize("path", YAML_SPECS, ids=[p.name for p in YAML_SPECS])
def test_every_yaml_corpus_spec_loads_as_json_data(path: Path):
    json.dumps(load_spec(path).data)


@needs_corpus("openai-3.1.yaml")
def test_openai_example_with_a_date_is_checked_not_crashed_on():
    spec = load_spec(CORPUS / "openai-3.1.yaml")
    assert spec.data["components"]["schemas"]["ChatSessionResource"]["example"]["workflow"]["version"] == "2024-10-01"
    found = lint(spec, only={"lint.example_invalid"})
    assert [f.message for f in found if f.check == "lint.internal_error"] == []
    assert len([f for f in found if f.check == "lint.example_invalid"]) >= 14
