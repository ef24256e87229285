"""Docs inputs the way people keep them: pages, folders (recursively) and shell globs.

A docs site is a folder of 40 pages, not 40 flags: every command, the config file and the
pytest plugin take any mix of files, folders and glob patterns and get one ordered list of
pages back. A file named explicitly is always read (whatever its extension); a folder or a
glob contributes the files with a page extension, in sorted order, skipping hidden folders
and dependency folders (`node_modules`). A file that another page of the set includes as a
component (MDX `import` + `<Name />`) is a component, not a page: :func:`split_components`
takes it out (and says so in the report), so a shared snippet is read once, through the pages
that use it, instead of once more without any operation around it.

A folder often holds the repository's own files beside the pages: README.md, SOURCES.md, LICENSE.md,
CHANGELOG.md. Such a file found by a folder or glob that documents nothing of an API (no endpoint,
table, example, object or enum, read as any page is) is not a page: :func:`split_metadata` leaves it
out and says so. A README that documents endpoints is a page like any other, and a file named
explicitly is always a page.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

from contract.docs.model import DocsPage
from contract.errors import InputError

__all__ = ["PAGE_SUFFIXES", "expand_docs", "split_components", "split_metadata"]

PAGE_SUFFIXES = (".md", ".mdx", ".markdown", ".html", ".htm", ".txt")
_SKIP_FOLDERS = frozenset({"node_modules", "__pycache__"})
_GLOB_MAGIC = frozenset("*?[")


def expand_docs(items: Iterable[str], *, components_dir: str | Path | None = None) -> list[str]:
    """Every page the items stand for, each once, in the order given (a folder's or glob's pages sorted).

    Raises :class:`InputError` (one line, naming the item) for a path that does not exist, or a folder
    or pattern with no page in it. Files under `components_dir` are components, never pages.
    """
    skip = Path(components_dir).resolve() if components_dir is not None else None
    out: list[str] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(str(path))

    for item in items:
        path = Path(item)
        if path.is_file():
            add(path)
        elif path.is_dir():
            found = _pages_in(path, skip)
            if not found:
                raise InputError(item, f"no docs pages ({', '.join(PAGE_SUFFIXES)}) in this folder")
            for page in found:
                add(page)
        elif _GLOB_MAGIC & set(item):
            found = _matches(item, skip)
            if not found:
                raise InputError(item, "no docs page matches this pattern")
            for page in found:
                add(page)
        elif path.exists():
            raise InputError(item, "not a file or folder")
        else:
            raise InputError(item, "docs page not found")
    return out


def split_components(pages: Sequence[DocsPage]) -> tuple[list[DocsPage], list[dict[str, str]]]:
    """The pages to compare, and the files left out because another page of the set includes them.

    Two pages that include each other both stay: neither is the other's component.
    """
    includers: dict[Path, list[Path]] = {}
    for page in pages:
        for inc in page.includes:
            if inc.resolved_file is not None:
                includers.setdefault(Path(inc.resolved_file).resolve(), []).append(Path(page.file).resolve())
    by_file = {Path(page.file).resolve(): page.file for page in pages}
    kept: list[DocsPage] = []
    left_out: list[dict[str, str]] = []
    for page in pages:
        me = Path(page.file).resolve()
        by = next((q for q in includers.get(me, []) if q != me and q in by_file
                   and me not in includers.get(q, [])), None)
        if by is None:
            kept.append(page)
        else:
            left_out.append({"file": page.file, "reason": f"a component, included by {by_file[by]}"})
    return kept, left_out


# Names repositories give their own files (GitHub's community files, vendoring notes), compared without suffix.
_METADATA_NAMES = frozenset({"readme", "sources", "license", "licence", "copying", "notice", "changelog", "changes",
                             "history", "contributing", "code_of_conduct", "security", "authors", "maintainers"})


def split_metadata(pages: Sequence[DocsPage], explicit: Iterable[str] = ()) -> tuple[list[DocsPage],
                                                                                    list[dict[str, str]]]:
    """The pages, and the repository files among them (README, SOURCES, LICENSE, …) that document nothing of
    an API, left out with why. `explicit`: files the user named themselves, always pages."""
    named = {Path(p).resolve() for p in explicit}
    kept: list[DocsPage] = []
    left_out: list[dict[str, str]] = []
    for page in pages:
        path = Path(page.file)
        documents = page.endpoints or page.fields or page.examples or page.objects or page.enums
        if path.stem.lower() in _METADATA_NAMES and not documents and path.resolve() not in named:
            left_out.append({"file": page.file, "reason": f"repository file ({path.name}): no endpoint, table, "
                                                          "example, object or enum on it"})
        else:
            kept.append(page)
    return kept, left_out


def _pages_in(folder: Path, skip: Path | None) -> list[Path]:
    found: list[Path] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") or part in _SKIP_FOLDERS for part in rel[:-1]):
            continue
        if _is_page(path, skip):
            found.append(path)
    return found


def _matches(pattern: str, skip: Path | None) -> list[Path]:
    found: list[Path] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        if _SKIP_FOLDERS.intersection(path.parts[:-1]):
            continue
        if path.is_dir():
            found.extend(_pages_in(path, skip))
        elif _is_page(path, skip):
            found.append(path)
    return found


def _is_page(path: Path, skip: Path | None) -> bool:
    if not path.is_file() or path.suffix.lower() not in PAGE_SUFFIXES or path.name.startswith("."):
        return False
    return skip is None or not path.resolve().is_relative_to(skip)
