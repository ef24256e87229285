"""The project's own promises: the README's two commands, and CI running the same test command."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme.split("## What it does", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head)


def test_readme_opens_with_exactly_two_commands():
    main, tests = _commands()
    assert main.endswith("contract check")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1] in ci.splitlines()


def test_both_commands_install_the_lock():
    for command in _commands():
        assert " -c constraints.txt " in command, command


def test_the_lock_pins_every_dependency_exactly():
    """Every runtime and dev dependency of pyproject.toml is pinned with ==, and nothing is left unpinned."""
    import tomllib

    from tools.canary import REFRESH, pins

    lock = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    pinned = pins(lock)
    requirement_lines = [ln for ln in lock.splitlines() if ln and not ln.startswith((" ", "#"))]
    assert len(requirement_lines) == len(pinned)  # no line without ==
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in pinned, requirement
    assert REFRESH in lock and REFRESH in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_tracked_file_is_a_link_out_of_the_repository():
    """A clean clone must hold only the project: a committed symlink to a machine's virtualenv (a worktree's
    `.venv -> /work/main/.venv`) made `python3 -m venv .venv` in CI fail with "File exists"."""
    import subprocess

    if not (ROOT / ".git").exists():
        return  # an sdist or a copy without git: nothing is tracked
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    links = [line.split("\t", 1)[1] for line in listed.splitlines() if line.startswith("120000 ")]
    outside = [name for name in links if not (ROOT / name).resolve().is_relative_to(ROOT.resolve())]
    assert not outside, outside
    assert not [name for name in listed.split("\n") if name.split("\t")[-1].split("/")[0].startswith(".venv")]
