"""The warm-start cache: a warm run says exactly what a cold one says, and no entry is trusted when it
should not be (the file changed, the code changed, the entry is corrupt)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from contract.lint import lint
from contract.load import cache as spec_cache
from contract.load import load_spec
from contract.load import spec as spec_module
from tests.conftest import CORPUS, SEED_SPEC

# Real specs of each shape: YAML, JSON, Swagger 2.0 (read as 3.0), OpenAPI 3.1, with findings of every severity.
CORPUS_SPECS = ["petstore-2.0.json", "twilio-lookups-v2-3.0.yaml", "netlify-2.0.yaml", "adyen-binlookup-v54-3.1.yaml",
                "uspto-3.0.json", "callback-example-3.0.yaml"]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of this test's own, every load worth storing stored (however small and fast)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CONTRACT_CACHE", raising=False)
    monkeypatch.setattr(spec_module, "STORE_AFTER", 0.0)
    monkeypatch.setattr(spec_module, "SMALL_FILE", 0)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from contract.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out + captured.err


def _report(folder: Path) -> dict[str, object]:
    report = json.loads((folder / "report.json").read_text())
    report.pop("generated_at", None)
    return report


@pytest.mark.parametrize("name", CORPUS_SPECS)
def test_warm_lint_says_what_cold_lint_says(name: str, cache_dir: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    spec = CORPUS / name
    if not spec.is_file():
        pytest.skip("shared corpus not present")
    out = tmp_path / "reports"

    def lint_cli(*extra: str) -> tuple[int, str, dict[str, object], dict[str, str]]:
        code, printed = _run(capsys, "lint", str(spec), "--report-dir", str(out), *extra)
        others = {n: (out / n).read_text() for n in ("junit.xml", "report.sarif", "annotations.txt", "report.md")}
        return code, printed, _report(out), others

    uncached = lint_cli("--no-cache")
    assert _entries(cache_dir) == []  # --no-cache neither reads nor writes
    cold = lint_cli()
    # the loaded spec (a JSON one is not stored: it re-parses faster than its pickle reads back) and its findings
    assert len(_entries(cache_dir)) == (1 if spec.suffix == ".json" else 2)
    warm = lint_cli()
    assert uncached == cold == warm  # exit code, every printed line, report.json and the other formats


def test_warm_spec_is_the_cold_spec(cache_dir: Path) -> None:
    cold = load_spec(SEED_SPEC)
    warm = load_spec(SEED_SPEC)
    assert warm is not cold
    assert repr(warm.operations) == repr(cold.operations)
    assert warm.data == cold.data
    for pointer in ("/paths", "/components/schemas", "/paths/~1api~1v2~1server-side-api~1profile~1/get", "/nope/x"):
        assert warm.location(pointer) == cold.location(pointer)
    schemas = [(c.schema, w.schema) for o, p in zip(cold.operations, warm.operations, strict=True)
               for r, q in zip(o.responses.values(), p.responses.values(), strict=True)
               for c, w in zip(r.content.values(), q.content.values(), strict=True) if c.schema is not None]
    assert schemas
    for c, w in schemas:
        assert warm.json_schema(w, "response") == cold.json_schema(c, "response")


def test_changed_file_is_a_new_entry(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    shutil.copy(SEED_SPEC, path)
    first = load_spec(path)
    text = path.read_text().replace("title:", "title: Changed", 1)
    path.write_text(text)
    second = load_spec(path)
    assert second.title != first.title and second.title.startswith("Changed")
    assert len([e for e in _entries(cache_dir)]) == 2


def test_changed_referenced_file_is_a_miss(cache_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "schemas.yaml").write_text("Thing: {type: object, properties: {a: {type: string}}}\n")
    root = tmp_path / "api.yaml"
    root.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /t:\n    get:\n      responses:\n"
                    "        '200':\n          description: ok\n          content:\n            application/json:\n"
                    "              schema: {$ref: 'schemas.yaml#/Thing'}\n")
    assert load_spec(root).operations[0].responses["200"].content  # stored
    (tmp_path / "schemas.yaml").write_text("Thing: {type: object, properties: {b: {type: integer}}}\n")
    spec = load_spec(root)
    ref = spec.operations[0].responses["200"].content["application/json"].schema["$ref"]
    assert list(spec.resolve_ref(ref)["properties"]) == ["b"]


@pytest.mark.parametrize("other", ["contract", "python"])
def test_entry_of_another_version_is_not_read(other: str, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    load_spec(SEED_SPEC)
    before = _entries(cache_dir)
    spec_cache.fingerprint.cache_clear()
    if other == "python":
        monkeypatch.setattr(sys, "version", "3.99.0 (another build)")
    else:
        real = spec_cache.installed_version
        monkeypatch.setattr(spec_cache, "installed_version", lambda name: "99.0" if name == "contract" else real(name))
    try:
        load_spec(SEED_SPEC)
    finally:
        monkeypatch.undo()
        spec_cache.fingerprint.cache_clear()
    assert len(_entries(cache_dir)) == len(before) + 1  # a new key: the old entry was not trusted


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05\x95\x00\x00", None])
def test_corrupt_entry_is_ignored_and_rewritten(garbage: bytes | None, cache_dir: Path) -> None:
    cold = load_spec(SEED_SPEC)
    (entry,) = _entries(cache_dir)
    if garbage is None:  # a valid pickle of something else
        import pickle
        entry.write_bytes(pickle.dumps(("another key", [1, 2, 3])))
    else:
        entry.write_bytes(garbage)
    again = load_spec(SEED_SPEC)
    assert repr(again.operations) == repr(cold.operations)
    assert spec_cache.read(entry.stem) is not None  # rewritten whole
    assert not list(cache_dir.glob("*.tmp"))


def test_unwritable_cache_is_a_cold_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(spec_module, "STORE_AFTER", 0.0)
    assert load_spec(SEED_SPEC).operations


def test_switched_off_by_environment(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTRACT_CACHE", "0")
    spec = load_spec(SEED_SPEC)
    assert _entries(cache_dir) == [] and spec.cache_key is None
    assert lint(spec, reuse=True) == lint(spec)
    assert _entries(cache_dir) == []


def test_folder_default_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CONTRACT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert spec_cache.folder() == tmp_path / "xdg" / "contract"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert spec_cache.folder() == tmp_path / "home" / ".cache" / "contract"


def test_lint_timeout_is_not_kept(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import contract.lint as lint_module

    spec = load_spec(SEED_SPEC)
    monkeypatch.setattr(lint_module, "_metaschema_errors", lambda spec, budget: None)  # "did not finish"
    skipped = lint(spec, reuse=True)
    assert any(f.check == "lint.metaschema" and "did not finish" in f.message for f in skipped)
    monkeypatch.undo()
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(cache_dir))
    assert not any("did not finish" in f.message for f in lint(spec, reuse=True))


def test_lint_reuse_only_when_asked(cache_dir: Path) -> None:
    spec = load_spec(SEED_SPEC)
    lint(spec)
    assert len(_entries(cache_dir)) == 1  # the spec only: a lint without reuse neither reads nor writes
    first = lint(spec, reuse=True)
    assert len(_entries(cache_dir)) == 2
    assert lint(spec, reuse=True) == first


def test_installed_versions_are_those_importlib_reads() -> None:
    """The fingerprint reads versions from the dist-info folder names; they are the installed ones."""
    from importlib import metadata

    for name in spec_cache._LIBRARIES:
        try:
            expected: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = None
        assert spec_cache.installed_version(name) == expected
    assert spec_cache.installed_version("no-such-distribution-here") is None


def test_small_spec_is_neither_looked_up_nor_stored_but_its_lint_is(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(folder))
    monkeypatch.setattr(spec_module, "STORE_AFTER", 0.0)
    assert SEED_SPEC.stat().st_size < spec_module.SMALL_FILE
    reads: list[str] = []
    real_read = spec_cache.read
    monkeypatch.setattr(spec_cache, "read", lambda name: reads.append(name) or real_read(name))
    spec = load_spec(SEED_SPEC)
    assert reads == [] and _entries(folder) == []
    first = lint(spec, reuse=True)  # the findings' entry is named (lazily) from the spec's bytes all the same
    assert len(_entries(folder)) == 1 and spec.cache_key is not None
    assert lint(load_spec(SEED_SPEC), reuse=True) == first and len(reads) == 2


def test_json_spec_is_not_stored(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(load_spec(SEED_SPEC, cache=False).data))
    cold = load_spec(path)
    assert _entries(cache_dir) == [] and cold.cache_key is not None
    assert repr(load_spec(path).operations) == repr(cold.operations)
