"""Generation benchmark: naive hypothesis-jsonschema vs contract.generate, on the seed and the corpus.

    .venv/bin/python bench/generation.py [--count N] [--naive N] [--corpus-count N]

For the seed's ProfileRequest, in one run: conforming cases/s and the share the
validator accepts for (a) plain `hypothesis_jsonschema.from_schema` on the
schema with `$ref`s pointed at the components, driven by `@given`, and (b) this
project (setup included); violating cases/s and the share whose label the
validator confirms; constraint coverage. Then one operation with a body from
every OpenAPI 3.x spec of the corpus (load time excluded from the rates).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_jsonschema import from_schema  # noqa: E402

from contract.errors import InputError  # noqa: E402
from contract.generate import generate_cases  # noqa: E402
from contract.generate.engine import body_operation  # noqa: E402
from contract.load import load_spec  # noqa: E402
from contract.model import Case, Violation  # noqa: E402
from contract.validate import Validators  # noqa: E402

SEED = ROOT / "specs" / "adapty-api.yaml"
CORPUS = ROOT.parent / "shared" / "corpus"


def components_schema(schema: dict) -> dict:
    """The converter's `$defs` moved to components/schemas, `$ref`s pointed there (what a naive user writes)."""
    text = json.dumps({k: v for k, v in schema.items() if k not in ("$defs", "$schema")})
    defs = json.dumps(schema.get("$defs", {}))
    text, defs = (t.replace('"#/$defs/', '"#/components/schemas/') for t in (text, defs))
    out = json.loads(text)
    out["components"] = {"schemas": json.loads(defs)}
    return out


def naive(schema: dict, validate: object, n: int) -> tuple[float, float, int]:
    strategy = from_schema(components_schema(schema))
    drawn: list[object] = []

    @settings(max_examples=n, database=None, derandomize=True, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        drawn.append(data.draw(strategy))

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()
    elapsed = time.perf_counter() - start
    valid = 0
    for body in drawn:
        try:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError, UnicodeError):
            continue
        valid += not validate(body)  # type: ignore[operator]
    return len(drawn) / elapsed, valid / max(len(drawn), 1), len(drawn)


def violation_pointer(v: Violation) -> str:
    if v.part == "body":
        return "request/body" if v.keyword == "parse" else v.pointer
    if v.part == "content-type":
        return "request/content-type"
    return "security" if v.part == "security" else f"{v.part}/{v.pointer}"


def label_confirmed(case: Case, found: list[Violation]) -> bool:
    """The validator's own verdict agrees with the label (independently of the generator's gate)."""
    label = case.label
    assert label is not None
    if label.source != "spec":
        return not found
    if not found:
        return False
    if label.keyword == "security":
        return all(v.part == "security" for v in found)
    if label.pointer == "request/body" and label.keyword == "required":
        return all((v.part, v.pointer, v.keyword) == ("body", "", "required") for v in found)
    keywords = {label.keyword, "anyOf", "oneOf"} | ({"enum", "const"} if label.keyword == "type" else set())

    def related(a: str, b: str) -> bool:
        return a == b or a.startswith(b + "/") or b.startswith(a + "/") or (b == "" and a.startswith("/"))

    return all(v.keyword in keywords and related(label.pointer, violation_pointer(v)) for v in found)


def ours(spec: object, op: object, mode: str, count: int,
         headers: dict[str, str] | None = None) -> tuple[float, float, int, object]:
    validator = Validators(spec).request(op)  # type: ignore[arg-type]
    start = time.perf_counter()
    result = generate_cases(spec, op, mode=mode, count=count, seed=1,  # type: ignore[arg-type]
                            headers=headers)
    elapsed = time.perf_counter() - start
    cases = result.cases
    if mode == "conforming":
        ok = sum(1 for c in cases if not validator.validate_case(c))
    else:
        ok = sum(1 for c in cases if label_confirmed(c, validator.validate_case(c)))
    return len(cases) / elapsed, ok / max(len(cases), 1), len(cases), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="cases per mode for the seed (default 5000)")
    parser.add_argument("--naive", type=int, default=200, help="naive examples (default 200)")
    parser.add_argument("--corpus-count", type=int, default=200, help="cases per mode per corpus spec")
    args = parser.parse_args()

    spec = load_spec(SEED)
    op = spec.operation("createProfile")
    validator = Validators(spec).request(op)
    schema = spec.json_schema(op.request_body.content["application/json"].schema, "request")
    print("ProfileRequest (createProfile)")
    n_rate, n_valid, n_count = naive(schema, validator.validate_body, args.naive)
    print(f"  (a) naive from_schema      conforming: {n_rate:8.1f} cases/s  valid {n_valid:6.1%}  ({n_count} cases)")
    auth = {"Authorization": "Api-Key bench"}
    c_rate, c_valid, c_count, _ = ours(spec, op, "conforming", args.count, auth)
    print(f"  (b) contract.generate      conforming: {c_rate:8.1f} cases/s  valid {c_valid:6.1%}  ({c_count} cases)")
    print(f"      ratio (b)/(a): {c_rate / n_rate:.1f}x")
    v_rate, v_ok, v_count, result = ours(spec, op, "violating", args.count, auth)
    print(f"  (b) contract.generate      violating:  {v_rate:8.1f} cases/s  label confirmed {v_ok:6.1%}  "
          f"({v_count} cases, {result.discarded} discarded by the gate)")
    body = [r for r in result.coverage if r.part == "body" and r.source == "spec"]
    covered_all = sum(1 for r in result.coverage if r.cases)
    print(f"  coverage: ProfileRequest {sum(1 for r in body if r.cases)}/{len(body)} schema constraints; "
          f"operation {covered_all}/{len(result.coverage)} (params, request-level and prose included)")
    for r in result.coverage:
        if not r.cases:
            print(f"    0 cases: {r.pointer} {r.keyword} — {r.note}")

    print("\ncorpus (one operation with a body per OpenAPI 3.x spec)")
    if not CORPUS.is_dir():
        print(f"  corpus not found at {CORPUS}")
        return
    for path in sorted(CORPUS.glob("*")):
        if path.suffix not in (".yaml", ".json"):
            continue
        try:
            cspec = load_spec(path)
        except InputError:
            continue  # unusable input (a spec the loader refuses)
        cop = body_operation(cspec)
        if cop is None:
            print(f"  {path.name:32} no operation with a body")
            continue
        cr, cv, cn, cres = ours(cspec, cop, "conforming", args.corpus_count)
        vr, vv, vn, vres = ours(cspec, cop, "violating", args.corpus_count)
        cov = sum(1 for r in vres.coverage if r.cases)
        notes = sorted({f.check for f in cres.findings + vres.findings} - {"generate.placeholder_credential"})
        print(f"  {path.name:32} {cop.key[:44]:44} conforming {cr:7.1f}/s valid {cv:6.1%} ({cn})  "
              f"violating {vr:7.1f}/s confirmed {vv:6.1%} ({vn})  coverage {cov}/{len(vres.coverage)}"
              + (f"  [{', '.join(notes)}]" if notes else ""))


if __name__ == "__main__":
    main()
