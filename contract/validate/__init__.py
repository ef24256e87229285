"""Request and response validation against the spec (fast path: jsonschema-rs)."""

from contract.core.sentinel import MISSING
from contract.validate.compiled import CompiledSchema
from contract.validate.formats import FORMAT_CHECKER, KNOWN_FORMATS
from contract.validate.messages import (
    RequestValidator,
    ResponseValidator,
    Validators,
    coerce,
    is_json_media,
    match_media,
    media_base,
    typed_field,
)

__all__ = [
    "FORMAT_CHECKER",
    "KNOWN_FORMATS",
    "MISSING",
    "CompiledSchema",
    "RequestValidator",
    "ResponseValidator",
    "Validators",
    "coerce",
    "is_json_media",
    "match_media",
    "media_base",
    "typed_field",
]
