"""YAML read as JSON data: the one loader for spec text (spec files, specs embedded in docs pages).

An OpenAPI document is JSON-compatible: the 3.1 spec (section "Format") recommends YAML 1.2 limited
to the JSON Schema ruleset, where an unquoted `2024-10-01` is a string. PyYAML reads YAML 1.1, whose
implicit `timestamp` type turns it into a `datetime.date` — a value no JSON Schema validator accepts
(jsonschema-rs: "Unsupported type: 'date'") and `json.dumps` refuses. jsonschema-path (under
openapi-core and openapi-spec-validator) and Schemathesis drop that resolver for the same reason;
so does this loader, and an explicit `!!timestamp` keeps its text too.
"""

from __future__ import annotations

import yaml

try:  # libyaml is 2-4x faster than the pure-Python loader on multi-MB specs
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - libyaml missing from this build of PyYAML
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class JsonLoader(_Base):
    """PyYAML's safe loader (libyaml where built in) with timestamps left as the strings written."""


JsonLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def _as_written(loader: JsonLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


JsonLoader.add_constructor(_TIMESTAMP, _as_written)


def load(text: str) -> object:
    """The data of one YAML document (`yaml.safe_load` with timestamps as strings)."""
    return yaml.load(text, Loader=JsonLoader)
