"""openapi-core as the reference implementation, set up once the way its docs recommend."""

from __future__ import annotations

import copy
import json
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse


def nullable_as_types(data: Any) -> Any:
    """A 3.1 document with `nullable: true` rewritten as JSON Schema 2020-12 says it (type lists).

    openapi-core follows 3.1 to the letter (nullable ignored); this lets the `auto`
    policy be cross-checked against it too.
    """
    data = copy.deepcopy(data)
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.pop("nullable", None) is True:
                t = node.get("type")
                if isinstance(t, str):
                    node["type"] = [t, "null"]
                    if isinstance(node.get("enum"), list):
                        node["enum"] = [*node["enum"], None]
                elif t is None:
                    rest = dict(node)
                    node.clear()
                    node["anyOf"] = [{"type": "null"}, rest]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return data


class Reference:
    def __init__(self, data: dict[str, Any], server: str = "https://api.adapty.io") -> None:
        # Spec validation off: the seed fails the metaschema (lint reports it) but is usable.
        self.app = OpenAPI.from_dict(data, config=Config(spec_validator_cls=None))
        self.server = server

    def request(self, method: str, path: str, body: Any, headers: dict[str, str]) -> MockRequest:
        return MockRequest(self.server, method, path, headers=headers,
                           data=json.dumps(body).encode(), content_type="application/json")

    def request_ok(self, method: str, path: str, body: Any, headers: dict[str, str]) -> bool:
        try:
            self.app.validate_request(self.request(method, path, body, headers))
        except Exception:
            return False
        return True

    def response_ok(self, method: str, path: str, status: int, body: Any, headers: dict[str, str]) -> bool:
        req = self.request(method, path, {}, headers)
        resp = MockResponse(json.dumps(body).encode(), status_code=status, content_type="application/json")
        try:
            self.app.validate_response(req, resp)
        except Exception:
            return False
        return True
