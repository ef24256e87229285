"""openapi-spec-validator's errors, each placed where it is written and listed in a fixed order.

openapi-spec-validator checks a document in two passes: the whole document against the OpenAPI JSON
Schema (errors carry their document path), then a walk over paths and components in which every
Schema Object is checked against its dialect's metaschema and its `default` against the schema. The
walk's errors carry a path *relative to the schema or value checked*, and the metaschema check keeps
only the first error jsonschema yields for a schema — whose choice, among sibling properties, follows
the iteration order of a `set` of names (jsonschema's `additionalProperties`), i.e. the process's hash
seed. Read naively, the same file gave another subset of errors on every run, all at line 1, and
errors of different schemas with the same relative path looked like one.

Here the walk's keyword validators (the library's own extension point, `keyword_validators`) record
where each schema was reached, the place is resolved through local `$ref`s to where the schema is
written, and a schema's metaschema errors are all kept, sorted. The caller sorts the whole list.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import ExtraParametersError, OpenAPIValidationError

from contract.core.pointer import join, split

# The attribute an error carries: the SchemaPath parts of the node it is about, and the key below it.
_PLACE = "_contract_place"
SpecValidator = type[OpenAPIV2SpecValidator | OpenAPIV30SpecValidator | OpenAPIV31SpecValidator]


def _place(err: ValidationError, parts: tuple[Any, ...], below: str = "") -> ValidationError:
    if hasattr(err, _PLACE):  # the innermost call that saw it knows best
        return err
    if not isinstance(err, OpenAPIValidationError):  # else the library's own wrapping would drop the place
        err = OpenAPIValidationError.create_from(err)
    setattr(err, _PLACE, (parts, below))
    return err


def _every_meta_error(checker: Any, value: Any) -> list[ValidationError] | None:
    """All of the metaschema's errors for `value`, sorted by place; None when `checker` is not one of
    the two first-error checks known here (then the library's own first-error reading stands).

    `checker` is jsonschema's `check_schema` or openapi-schema-validator's `check_openapi_schema`
    (the same with the OpenAPI dialects' registry), partly applied: both raise the first error of
    one `iter_errors` call, which is called here in full with the same validator.
    """
    func = checker.func if isinstance(checker, partial) else checker
    cls: Any = getattr(func, "__self__", None)
    options: dict[str, Any] = dict(checker.keywords) if isinstance(checker, partial) else {}
    name = getattr(func, "__name__", None)
    if name == "check_openapi_schema":
        try:
            from openapi_schema_validator._specifications import REGISTRY
        except ImportError:  # pragma: no cover - another layout of the library
            return None
        options["registry"] = REGISTRY
    elif name != "check_schema":
        return None
    if not hasattr(cls, "META_SCHEMA"):
        return None
    meta = validator_for(cls.META_SCHEMA, default=cls)
    options.setdefault("format_checker", getattr(cls, "FORMAT_CHECKER", None))
    validator = meta(cls.META_SCHEMA, **options)
    return sorted(validator.iter_errors(value), key=lambda e: (join("", *e.path), e.message))


def _schema_validator(base: type[keywords.SchemaValidator]) -> type[keywords.SchemaValidator]:
    class Placed(base):  # type: ignore[valid-type,misc]
        def __call__(self, schema: SchemaPath, require_properties: bool = True,
                     meta_checked: bool = False) -> Iterator[ValidationError]:
            parts = tuple(schema.parts)
            value = schema.read_value()
            if not meta_checked and isinstance(value, Mapping | bool) and id(value) not in self.meta_checked_schema_ids:
                found = None
                with contextlib.suppress(ValueError):  # an unknown dialect: the library's own reading says so
                    found = _every_meta_error(self._get_schema_checker(schema, value), value)
                if found is not None:
                    self.meta_checked_schema_ids.append(id(value))
                    if found:
                        for err in found:
                            yield _place(err, parts)
                        return
                    meta_checked = True
            for err in super().__call__(schema, require_properties, meta_checked):
                yield _place(err, parts, "required" if isinstance(err, ExtraParametersError) else "")

    Placed.__name__ = f"Placed{base.__name__}"
    return Placed


def _value_validator(base: type[keywords.ValueValidator]) -> type[keywords.ValueValidator]:
    class Placed(base):  # type: ignore[valid-type,misc]
        def __call__(self, schema: SchemaPath, value: Any) -> Iterator[ValidationError]:
            parts = tuple(schema.parts)
            for err in super().__call__(schema, value):
                yield _place(err, parts, "default")  # the one value openapi-spec-validator checks

    Placed.__name__ = f"Placed{base.__name__}"
    return Placed


def placed_validator(cls: SpecValidator) -> SpecValidator:
    """`cls` whose walk places its errors (see `place`) and keeps every metaschema error of a schema."""
    table: dict[str, Any] = dict(cls.keyword_validators)
    table["schema"] = _schema_validator(table["schema"])
    table["default"] = _value_validator(table["default"])
    return type(f"Placed{cls.__name__}", (cls,), {"keyword_validators": table})


def place(data: Any, err: Any) -> str:
    """The JSON pointer, in `data` as written, of what `err` is about.

    A walk error's place is the path the walk took, which may pass through local `$ref`s: each is
    followed, so a component schema's error points into the component, not into its first user.
    """
    parts, below = getattr(err, _PLACE, ((), ""))
    node, pointer = data, ""
    for key in (*parts, *([below] if below else [])):
        node, pointer = _follow(data, node, pointer)
        held = ((isinstance(node, dict) and key in node)
                or (isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)))
        node = node[key] if held else None
        pointer = join(pointer, key)
    if below:  # the path within the value checked
        return join(pointer, *(getattr(err, "path", None) or []))
    node, pointer = _follow(data, node, pointer)
    return join(pointer, *(getattr(err, "path", None) or []))


def _follow(data: Any, node: Any, pointer: str) -> tuple[Any, str]:
    """Through local `$ref`s (`#/...`) to the node they name; an outside or broken one stays put."""
    for _ in range(64):  # a $ref cycle is the refs check's business, not a hang here
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        target: Any = data
        for token in split(ref[1:]):
            if isinstance(target, dict) and token in target:
                target = target[token]
            elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                return node, pointer
        node, pointer = target, ref[1:]
    return node, pointer
