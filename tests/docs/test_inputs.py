"""Docs inputs as people keep them: several pages after one --docs, folders, globs, config, plugin."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contract.docs.inputs import expand_docs
from contract.errors import InputError
from contract.pipeline import read_pages
from tests.conftest import ROOT
from tests.docs.helpers import MDX

DISCORD = ROOT / "tests" / "docs" / "vendor" / "discord"
DISCORD_SPEC = DISCORD / "spec.json"
PAGES = sorted(p for p in DISCORD.iterdir() if p.suffix == ".mdx")


def _contract(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contract", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd or ROOT)


def _report(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def _findings(report: dict) -> list[tuple[str, str]]:
    return sorted((f["check"], f["message"]) for f in report["findings"])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A Docusaurus-like tree: pages in nested folders, a components folder, hidden and dependency folders."""
    root = tmp_path / "site"
    (root / "docs" / "guides").mkdir(parents=True)
    (root / "docs" / "components").mkdir()
    (root / "docs" / ".cache").mkdir()
    (root / "docs" / "node_modules" / "pkg").mkdir(parents=True)
    shutil.copy(PAGES[0], root / "docs" / "b.mdx")
    shutil.copy(PAGES[1], root / "docs" / "guides" / "a.md")
    (root / "docs" / "guides" / "notes.html").write_text("<h1>Notes</h1>", encoding="utf-8")
    (root / "docs" / "logo.png").write_bytes(b"\x89PNG")
    (root / "docs" / "components" / "Unauthorized.md").write_text("| Field | Type |\n|---|---|\n", encoding="utf-8")
    (root / "docs" / ".cache" / "old.md").write_text("# old", encoding="utf-8")
    (root / "docs" / "node_modules" / "pkg" / "README.md").write_text("# dep", encoding="utf-8")
    return root


def test_a_folder_is_read_recursively_by_extension_skipping_hidden_dependency_and_component_folders(site: Path):
    docs = site / "docs"
    got = expand_docs([str(docs)], components_dir=docs / "components")
    assert [Path(p).relative_to(docs).as_posix() for p in got] == ["b.mdx", "guides/a.md", "guides/notes.html"]
    # without --components-dir the components folder is just more pages
    assert str(docs / "components" / "Unauthorized.md") in expand_docs([str(docs)])


def test_globs_files_and_folders_mix_each_page_once_in_the_order_given(site: Path):
    docs = site / "docs"
    got = expand_docs([str(docs / "guides" / "a.md"), str(docs / "**" / "*.md*"), str(docs / "guides")],
                      components_dir=docs / "components")
    assert [Path(p).relative_to(docs).as_posix() for p in got] == ["guides/a.md", "b.mdx", "guides/notes.html"]
    # a file named explicitly is read whatever its extension
    assert expand_docs([str(docs / "logo.png")]) == [str(docs / "logo.png")]


@pytest.mark.parametrize(("item", "problem"), [
    ("missing.md", "docs page not found"),
    ("empty", "no docs pages (.md, .mdx, .markdown, .html, .htm, .txt) in this folder"),
    ("*.nothing", "no docs page matches this pattern"),
])
def test_unusable_docs_inputs_are_one_line_errors_naming_the_item(tmp_path: Path, item: str, problem: str):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "image.png").write_bytes(b"x")
    with pytest.raises(InputError) as info:
        expand_docs([str(tmp_path / item)])
    assert str(info.value) == f"{tmp_path / item}: {problem}"


def test_a_file_another_page_includes_is_a_component_not_a_page(tmp_path: Path):
    (tmp_path / "_unauthorized.mdx").write_text(
        "| Field | Type | Description |\n|---|---|---|\n| error_code | string | Always `unauthorized` |\n",
        encoding="utf-8")
    page = MDX.read_text(encoding="utf-8").replace(
        "import ProfileResponseUnauthorized from '@site/src/components/reusable/ProfileResponseUnauthorized.md';",
        "import ProfileResponseUnauthorized from './_unauthorized.mdx';")
    (tmp_path / "update-profile.mdx").write_text(page, encoding="utf-8")
    pages, left_out = read_pages([str(tmp_path)])
    assert [Path(p.file).name for p in pages] == ["update-profile.mdx"]
    assert left_out == [{"file": str(tmp_path / "_unauthorized.mdx"),
                         "reason": f"a component, included by {tmp_path / 'update-profile.mdx'}"}]
    assert any(i.name == "ProfileResponseUnauthorized" and i.resolved for i in pages[0].includes)


def test_several_pages_after_one_docs_flag_a_folder_and_repeated_flags_agree(tmp_path: Path):
    spec = str(DISCORD_SPEC)
    one_flag = _contract("drift", "--spec", spec, "--docs", *map(str, PAGES), "--report-dir", str(tmp_path / "a"))
    repeated = _contract("drift", "--spec", spec, *[x for p in PAGES for x in ("--docs", str(p))],
                         "--report-dir", str(tmp_path / "b"))
    folder = _contract("drift", "--spec", spec, "--docs", str(DISCORD), "--report-dir", str(tmp_path / "c"))
    for result in (one_flag, repeated, folder):
        assert result.returncode == 1, result.stderr  # Discord's pages do disagree with the spec
    a, b, c = (_report(tmp_path / x) for x in "abc")
    assert a["inputs"]["docs"] == b["inputs"]["docs"] == [str(p) for p in PAGES]
    assert c["inputs"]["docs"] == a["inputs"]["docs"]  # SOURCES has no page extension
    assert _findings(a) == _findings(b) == _findings(c) and len(a["findings"]) > 20


def test_drift_without_docs_or_with_a_bad_path_is_a_one_line_usage_error(tmp_path: Path):
    none = _contract("drift", "--spec", str(DISCORD_SPEC))
    assert none.returncode == 2 and "--docs" in none.stderr and "Traceback" not in none.stderr
    bad = _contract("drift", "--spec", str(DISCORD_SPEC), "--docs", str(tmp_path / "nope"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [f"contract: error: {tmp_path / 'nope'}: docs page not found"]


def test_docs_folder_and_spec_from_contract_toml(tmp_path: Path):
    shutil.copy(DISCORD_SPEC, tmp_path / "api.json")
    (tmp_path / "docs").mkdir()
    for page in PAGES[:3]:
        shutil.copy(page, tmp_path / "docs" / page.name)
    (tmp_path / "contract.toml").write_text('spec = "api.json"\ndocs = "docs/"\n', encoding="utf-8")
    result = _contract("drift", "--report-dir", "out", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert _report(tmp_path / "out")["inputs"]["docs"] == [f"docs/{p.name}" for p in PAGES[:3]]


DISCORD_CORPUS = ROOT.parent / "shared" / "corpus" / "docs" / "discord"
LISTMONK = ROOT / "tests" / "docs" / "vendor" / "listmonk"


@pytest.mark.skipif(not DISCORD_CORPUS.is_dir(), reason="shared corpus not present")
def test_a_repository_file_documenting_nothing_is_left_out_and_said_so():
    # the corpus folder holds Discord's 17 pages and the SOURCES.md that says where they came from
    pages, left_out = read_pages([str(DISCORD_CORPUS)])
    assert len(pages) == 17 and not any(Path(p.file).name == "SOURCES.md" for p in pages)
    assert [(Path(x["file"]).name, x["reason"].split(":")[0]) for x in left_out] == \
        [("SOURCES.md", "repository file (SOURCES.md)")]
    # named explicitly, it is read like any page (the user asked for it)
    named, none = read_pages([str(DISCORD_CORPUS / "SOURCES.md")])
    assert [Path(p.file).name for p in named] == ["SOURCES.md"] and none == []


def test_a_readme_that_documents_endpoints_is_a_page(tmp_path: Path):
    # a docs folder whose README is itself a reference page (listmonk's lists page, renamed)
    shutil.copy(LISTMONK / "lists.md", tmp_path / "README.md")
    (tmp_path / "LICENSE.md").write_text("# License\n\nBSD 2-Clause. Copyright the authors.\n", encoding="utf-8")
    pages, left_out = read_pages([str(tmp_path)])
    assert [Path(p.file).name for p in pages] == ["README.md"] and pages[0].endpoints
    assert [Path(x["file"]).name for x in left_out] == ["LICENSE.md"]
    # a page of prose only, under any other name, stays a page (its coverage says nothing was recognised)
    (tmp_path / "introduction.md").write_text("# Introduction\n\nThe API speaks JSON.\n", encoding="utf-8")
    assert [Path(p.file).name for p in read_pages([str(tmp_path)])[0]] == ["README.md", "introduction.md"]
