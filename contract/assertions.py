"""`assert_conforms`: check any HTTP response against the spec from a consumer's own tests.

Works with httpx and requests responses (anything with `status_code`, `headers`,
`content` and a `request`), so a team can add contract checks to the API tests it
already has. A failure names every violation and gives a curl line that
reproduces the request, with credentials masked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract.core.curl import to_curl
from contract.core.paths import match_operation, server_urls
from contract.load import Spec, load_spec
from contract.model import Exchange, Operation, Violation
from contract.redact import Redactor
from contract.validate import Validators

__all__ = ["ContractAssertionError", "assert_conforms", "exchange_of", "find_operation", "use_spec"]

_default: Spec | None = None
_validators: dict[int, Validators] = {}


class ContractAssertionError(AssertionError):
    """A response broke the spec; `violations` and `curl` say how and how to reproduce it."""

    def __init__(self, message: str, violations: list[Violation], curl: str | None) -> None:
        super().__init__(message)
        self.violations = violations
        self.curl = curl


def use_spec(spec: Spec | str | Path | None) -> Spec | None:
    """Set the spec `assert_conforms` uses when none is passed (the pytest plugin does this)."""
    global _default
    _default = load_spec(spec) if isinstance(spec, str | Path) else spec
    return _default


def _validators_for(spec: Spec) -> Validators:
    v = _validators.get(id(spec))
    if v is None or v.spec is not spec:
        v = _validators[id(spec)] = Validators(spec)
    return v


def exchange_of(response: Any) -> Exchange:
    """An `Exchange` from an httpx or requests response (and the request that produced it)."""
    request = getattr(response, "request", None)
    method = str(getattr(request, "method", "GET") or "GET").upper()
    url = str(getattr(request, "url", ""))
    req_headers = {str(k): str(v) for k, v in dict(getattr(request, "headers", {}) or {}).items()}
    body = getattr(request, "content", None)  # httpx
    if body is None:
        raw = getattr(request, "body", None)  # requests
        body = raw.encode("utf-8") if isinstance(raw, str) else raw
    return Exchange(method=method, url=url, request_headers=req_headers,
                    request_body=bytes(body) if body else None, status=int(response.status_code),
                    response_headers={str(k): str(v) for k, v in response.headers.items()},
                    response_body=bytes(response.content or b""))


def find_operation(spec: Spec, method: str, url: str) -> Operation | None:
    """The spec operation a request went to: templated paths (`/pets/{id}`), the spec's `servers` base paths,
    the most specific path first (see :mod:`contract.core.paths` for the rules)."""
    return match_operation(spec.operations, method, url, servers=server_urls(spec.data))


def assert_conforms(response: Any, operation: Operation | str | None = None, *, spec: Spec | None = None) -> None:
    """Raise `ContractAssertionError` unless `response` is what the spec documents for `operation`.

    `operation` is an operationId, "METHOD /path" or an `Operation`; when omitted it
    is found from the request's method and URL.
    """
    spec = spec or _default
    if spec is None:
        raise RuntimeError("no spec: pass spec=..., call contract.assertions.use_spec(), or run pytest with "
                           "--contract-spec")
    exchange = exchange_of(response)
    if operation is None:
        op = find_operation(spec, exchange.method, exchange.url)
        if op is None:
            raise ContractAssertionError(f"{exchange.method} {exchange.url}: no operation in {spec.path} "
                                         "matches this request", [], None)
    else:
        op = operation if isinstance(operation, Operation) else spec.operation(operation)
    violations = _validators_for(spec).response(op).validate(exchange.status or 0, exchange.response_headers,
                                                             exchange.response_body)
    if not violations:
        return
    redactor = Redactor()
    redactor.learn_headers(exchange.request_headers)
    curl = to_curl(exchange, redactor) if exchange.url else None
    lines = [f"response {exchange.status} to {op.key} does not conform to {spec.path}:"]
    lines += [f"  - {v}" for v in violations[:20]]
    if len(violations) > 20:
        lines.append(f"  … and {len(violations) - 20} more")
    if curl:
        lines += ["reproduce with:", f"  {curl}"]
    raise ContractAssertionError(redactor.text("\n".join(lines)), violations, curl)
