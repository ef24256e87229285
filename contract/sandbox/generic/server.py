"""Running the emulator: credentials for the spec's security schemes, and the background-thread server."""

from __future__ import annotations

import base64
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from contract.load import Spec, load_spec
from contract.model import SecurityScheme
from contract.sandbox.faults import check_faults
from contract.sandbox.generic.app import EmulatorApp, create_emulator
from contract.sandbox.generic.faults import GENERIC_FAULTS
from contract.sandbox.server import Sandbox

__all__ = ["Emulator", "accepted_keys", "credential_headers", "security_schemes"]


def security_schemes(spec: Spec) -> dict[str, SecurityScheme]:
    """Every security scheme an operation of the spec requires, by key."""
    out: dict[str, SecurityScheme] = {}
    for op in spec.operations:
        for requirement in op.security:
            for scheme in requirement:
                out.setdefault(scheme.key, scheme)
    return out


def accepted_keys(spec: Spec, given: Mapping[str, Sequence[str]]) -> tuple[dict[str, list[str]], str | None]:
    """The credentials each scheme accepts, and the one generated for schemes no key was given for.

    One generated credential serves every such scheme (in its own form: a Bearer token, an
    API key, Basic ``sandbox:<it>``), so one header reaches every operation; raises ValueError
    for a key naming no scheme of the spec.
    """
    schemes = security_schemes(spec)
    unknown = sorted(set(given) - set(schemes))
    if unknown:
        raise ValueError(f"no security scheme {', '.join(unknown)} in the spec "
                         f"(schemes: {', '.join(sorted(schemes)) or 'none'})")
    keys = {name: list(values) for name, values in given.items()}
    missing = [name for name in schemes if name not in keys]
    generated = f"sandbox-{secrets.token_urlsafe(18)}" if missing else None
    for name in missing:
        assert generated is not None
        keys[name] = [f"sandbox:{generated}" if _is_basic(schemes[name]) else generated]
    return keys, generated


def _is_basic(scheme: SecurityScheme) -> bool:
    return scheme.type == "http" and (scheme.scheme or "").lower() == "basic"


def credential_headers(spec: Spec, keys: Mapping[str, Sequence[str]], tenant: int = 0) -> dict[str, str]:
    """Headers carrying tenant `tenant`'s credential for the scheme most operations accept (first alternative)."""
    counts: Counter[str] = Counter()
    schemes = security_schemes(spec)
    for op in spec.operations:
        for requirement in op.security[:1]:
            for scheme in requirement:
                counts[scheme.key] += 1
    headers: dict[str, str] = {}
    for name, _n in counts.most_common():
        scheme = schemes[name]
        values = keys.get(name) or []
        if len(values) <= tenant:
            continue
        value = values[tenant]
        if scheme.type == "apiKey" and scheme.location == "header" and scheme.param_name:
            headers.setdefault(scheme.param_name, value)
        elif _is_basic(scheme):
            headers.setdefault("Authorization", "Basic " + base64.b64encode(value.encode()).decode())
        elif scheme.type in ("http", "oauth2", "openIdConnect"):
            headers.setdefault("Authorization", f"{(scheme.scheme or 'bearer').capitalize()} {value}")
        if headers:
            break
    return headers


class Emulator(Sandbox):
    """The emulator of `spec` in a background thread (see :class:`contract.sandbox.Sandbox`).

    `keys`: security scheme key → credentials (the n-th of each scheme is tenant n); schemes
    without one accept :attr:`generated`.
    """

    def __init__(self, spec: Spec | str | Path, *, keys: Mapping[str, Sequence[str]] | None = None,
                 faults: Iterable[str] = (), seed: int = 0, db_path: str | Path | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.spec = spec if isinstance(spec, Spec) else load_spec(spec)
        accepted, self.generated = accepted_keys(self.spec, keys or {})
        super().__init__(db_path=db_path, keys={}, host=host, port=port)
        self.scheme_keys = accepted
        self.faults = check_faults(faults, GENERIC_FAULTS)
        self.seed = seed

    def _make_app(self, db_path: Path) -> Any:
        return create_emulator(self.spec, db_path, self.scheme_keys, self.faults, self.seed)

    @property
    def emulator(self) -> EmulatorApp | None:
        app = self.app
        return app if isinstance(app, EmulatorApp) else None

    def headers(self, tenant: int = 0) -> dict[str, str]:
        """Headers with tenant `tenant`'s credential (empty when the spec has no security)."""
        return credential_headers(self.spec, self.scheme_keys, tenant)
