"""JSON Schemas compiled once, validated fast, explained precisely.

The hot path is `is_valid` on jsonschema-rs (compiled Rust, microseconds); only
invalid instances pay for building `Violation`s with pointer, keyword, expected
and actual. `reference_errors` runs the pure-Python jsonschema on the same
schema so tests can cross-check the two.

A real spec's schemas share a large graph of components; compiling each
operation's schema with its own copy of that graph costs jsonschema-rs about
8 MB and 75 ms per schema on Stripe's spec (35 s, 5 GB for all of them). A
`SchemaBundle` compiles every schema of a spec once, as the `properties` of one
wrapper schema over one shared `$defs`, and validates `{key: instance}`.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import jsonschema_rs

from contract.core import pointer as jp
from contract.core.pointer import join
from contract.model import Violation
from contract.schema import DIALECT
from contract.validate.formats import FORMAT_CHECKER, RS_FORMATS


def _pointer(path: Any) -> str:
    return join("", *path)


class _Engine:
    """One compiled schema: jsonschema-rs when it accepts the schema, jsonschema otherwise."""

    __slots__ = ("_reference", "_rs", "broken", "schema")

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._reference: Any = None
        self.broken: str | None = None  # why no validator could be built, if so
        try:
            self._rs: Any = jsonschema_rs.Draft202012Validator(schema, validate_formats=True, formats=RS_FORMATS)
        except (jsonschema_rs.ValidationError, ValueError) as exc:
            self._rs = None
            try:
                self.reference().check_schema(schema)
            except jsonschema.SchemaError as err:
                self.broken = f"schema is not valid JSON Schema: {err.message}"
            except Exception:
                self.broken = f"schema cannot be compiled: {str(exc).splitlines()[0]}"

    def reference(self) -> Any:
        if self._reference is None:
            self._reference = jsonschema.Draft202012Validator(self.schema, format_checker=FORMAT_CHECKER)
        return self._reference

    def is_valid(self, instance: Any) -> bool:
        if self._rs is not None:
            return bool(self._rs.is_valid(instance))
        if self.broken:
            return True  # nothing can be checked; the owner reports `broken` once
        return bool(self.reference().is_valid(instance))

    def raw_errors(self, instance: Any) -> list[tuple[list[Any], list[Any], str, str]]:
        """(instance path, schema path, keyword, message) of every error."""
        if self._rs is not None:
            out = []
            for err in self._rs.iter_errors(instance):
                schema_path = list(err.schema_path)
                keyword = str(schema_path[-1]) if schema_path else type(err.kind).__name__
                out.append((list(err.instance_path), schema_path, keyword, err.message))
            return out
        return self.reference_raw_errors(instance)

    def reference_raw_errors(self, instance: Any) -> list[tuple[list[Any], list[Any], str, str]]:
        if self.broken:
            return []
        return [(list(e.absolute_path), list(e.absolute_schema_path), str(e.validator), e.message)
                for e in self.reference().iter_errors(instance)]


def _violations(raw: list[tuple[list[Any], list[Any], str, str]], root_schema: dict[str, Any], instance: Any,
                part: str, strip: int = 0) -> list[Violation]:
    out = []
    for instance_path, schema_path, keyword, message in raw:
        out.append(Violation(part, _pointer(instance_path[strip:]), keyword, message,
                             _expected(root_schema, schema_path), _at(instance, instance_path)))
    out.sort(key=lambda v: (v.pointer, v.keyword))
    return out


class CompiledSchema:
    """One self-contained JSON Schema (draft 2020-12) ready to validate instances."""

    __slots__ = ("_engine",)

    def __init__(self, schema: dict[str, Any]) -> None:
        self._engine = _Engine(schema)

    @property
    def schema(self) -> dict[str, Any]:
        return self._engine.schema

    @property
    def broken(self) -> str | None:
        return self._engine.broken

    @property
    def native(self) -> bool:
        """Whether jsonschema-rs compiled it (else jsonschema validates, or nothing: `broken`)."""
        return self._engine._rs is not None

    def is_valid(self, instance: Any) -> bool:
        return self._engine.is_valid(instance)

    def errors(self, instance: Any, part: str = "body") -> list[Violation]:
        """Every violation, sorted by pointer then keyword."""
        if self._engine.is_valid(instance):
            return []
        return _violations(self._engine.raw_errors(instance), self.schema, instance, part)

    def root_cause(self, instance: Any, part: str = "body") -> Violation | None:
        """The one violation that explains an invalid instance best, descending into `oneOf`/`anyOf` branches
        (jsonschema's `best_match`): "'BASE_TYPE_CHOICES' is not of type 'integer'" at
        `/errors/activities/0/platform/_errors/0/code`, not "… is not valid under any of the given schemas"
        at `/errors`. None when the instance is valid (or nothing can be checked)."""
        if self._engine.is_valid(instance) or self._engine.broken:
            return None
        best = jsonschema.exceptions.best_match(self._engine.reference().iter_errors(instance))
        if best is None:
            return None
        raw = [(list(best.absolute_path), list(best.absolute_schema_path), str(best.validator), best.message)]
        return _violations(raw, self.schema, instance, part)[0]

    def reference_errors(self, instance: Any, part: str = "body") -> list[Violation]:
        """The same errors found by the pure-Python jsonschema (for cross-checks)."""
        return _violations(self._engine.reference_raw_errors(instance), self.schema, instance, part)


class SchemaBundle:
    """Many schemas over one shared `$defs`, compiled once."""

    def __init__(self, bodies: dict[str, dict[str, Any]], defs: dict[str, Any],
                 closures: dict[str, set[str]] | None = None) -> None:
        self._bodies = bodies
        self._defs = defs
        self._closures = closures or {}
        wrapper: dict[str, Any] = {"$schema": DIALECT, "type": "object", "properties": bodies}
        if defs:
            wrapper["$defs"] = defs
        self._engine: _Engine | None = _Engine(wrapper)
        if self._engine.broken or self._engine._rs is None:
            # One bad schema must not disable the others: compile them one by one instead.
            self._engine = None
        self._single: dict[str, CompiledSchema] = {}

    def get(self, key: str) -> BundledSchema | CompiledSchema:
        if self._engine is not None:
            return BundledSchema(self._engine, key)
        single = self._single.get(key)
        if single is None:
            single = self._single[key] = CompiledSchema(self.standalone(key))
        return single

    def broken(self) -> list[str]:
        """`key: reason` for every schema no validator could be built for (only in the fallback)."""
        if self._engine is not None:
            return []
        return [f"{key}: {self.get(key).broken}" for key in self._bodies if self.get(key).broken]

    def standalone(self, key: str) -> dict[str, Any]:
        """A self-contained schema for one key (for generation, reports, and the fallback)."""
        body = dict(self._bodies[key])
        names = self._closures.get(key)
        defs = self._defs if names is None else {n: self._defs[n] for n in sorted(names)}
        if defs:
            body["$defs"] = defs
        body["$schema"] = DIALECT
        return body


class BundledSchema:
    """One schema of a bundle; the same interface as `CompiledSchema`."""

    __slots__ = ("_engine", "key")

    def __init__(self, engine: _Engine, key: str) -> None:
        self._engine = engine
        self.key = key

    @property
    def schema(self) -> dict[str, Any]:
        return self._engine.schema

    @property
    def broken(self) -> str | None:
        return None

    def is_valid(self, instance: Any) -> bool:
        return self._engine.is_valid({self.key: instance})

    def errors(self, instance: Any, part: str = "body") -> list[Violation]:
        wrapped = {self.key: instance}
        if self._engine.is_valid(wrapped):
            return []
        return _violations(self._engine.raw_errors(wrapped), self._engine.schema, wrapped, part, strip=1)

    def reference_errors(self, instance: Any, part: str = "body") -> list[Violation]:
        wrapped = {self.key: instance}
        return _violations(self._engine.reference_raw_errors(wrapped), self._engine.schema, wrapped, part,
                           strip=1)


def _at(instance: Any, path: list[Any]) -> Any:
    node = instance
    try:
        for p in path:
            node = node[p]
    except (LookupError, TypeError):
        return None
    return node


def _expected(schema: dict[str, Any], schema_path: list[Any]) -> Any:
    node: Any = schema
    for p in schema_path:
        if (isinstance(node, dict) and p in node) or (isinstance(node, list) and isinstance(p, int) and p < len(node)):
            node = node[p]
        elif isinstance(node, dict) and "$ref" in node and isinstance(node["$ref"], str):
            # schema_path runs through $ref: follow it inside this self-contained schema
            target = jp.resolve(schema, node["$ref"], None)
            if isinstance(target, dict) and p in target:
                node = target[p]
            else:
                return None
        else:
            return None
    if isinstance(node, dict | list) and len(str(node)) > 300:
        return None  # a whole subschema is no use as "expected"; the message says it
    return node
