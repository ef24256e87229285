"""Canary: the test suite against the newest releases `pyproject.toml` allows, before a user meets them.

    python3 tools/canary.py                # resolve newest, diff against constraints.txt, run the suite
    python3 tools/canary.py --update-lock  # the same, and if the suite passes, write the result as the lock
    python3 tools/canary.py -- tests/generate -x   # pass arguments to pytest instead of the default `-n 2`

CI and the README's commands install exactly `constraints.txt` (pip-compile output), so a new release of a
dependency can never turn a fresh clone red by itself. This script is how the next break is seen early: it
resolves the newest allowed versions with pip-compile (the same tool that wrote the lock), installs them in a
temporary venv, prints which packages differ from the lock, runs the suite, and says whether it passed.
Exit status: 0 passed, 1 the suite failed, 2 the environment could not be built (resolution or install).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "constraints.txt"
REFRESH = "python3 tools/canary.py --update-lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", re.MULTILINE)


def pins(text: str) -> dict[str, str]:
    """`name==version` lines of a requirements/constraints file, names normalised as PEP 503 does."""
    return {re.sub(r"[-_.]+", "-", m.group(1)).lower(): m.group(2) for m in _PIN.finditer(text)}


def compile_lock(python: Path, output: Path) -> None:
    """pip-compile the project's runtime + dev dependencies, newest allowed, into `output`."""
    env = {**os.environ, "CUSTOM_COMPILE_COMMAND": REFRESH}
    subprocess.run([str(python), "-m", "piptools", "compile", "--quiet", "--upgrade", "--extra", "dev",
                    "--strip-extras", "--no-emit-index-url", "--no-emit-trusted-host", "--no-emit-find-links",
                    "--output-file", str(output), str(ROOT / "pyproject.toml")], check=True, env=env, cwd=ROOT)


def diff(locked: dict[str, str], newest: dict[str, str]) -> list[tuple[str, str, str]]:
    """(package, locked version or '-', newest version or '-') for every package that differs."""
    names = sorted(set(locked) | set(newest))
    return [(n, locked.get(n, "-"), newest.get(n, "-")) for n in names if locked.get(n) != newest.get(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update-lock", action="store_true",
                        help="if the suite passes, write the newest resolution to constraints.txt")
    parser.add_argument("--keep", action="store_true", help="keep the temporary venv and print its path")
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (default: -n 2 -q)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="contract-canary-"))
    try:
        env_dir = work / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        python = env_dir / "bin" / "python"
        newest_file = work / "constraints.txt"
        try:
            subprocess.run([str(python), "-m", "pip", "install", "-q", "pip-tools"], check=True)
            compile_lock(python, newest_file)
            subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(newest_file), "-e", ".[dev]"],
                           check=True, cwd=ROOT)
        except subprocess.CalledProcessError as exc:
            print(f"canary: could not build the environment: {' '.join(map(str, exc.cmd[:5]))} … exited "
                  f"{exc.returncode}", file=sys.stderr)
            return 2
        changed = diff(pins(LOCK.read_text(encoding="utf-8")), pins(newest_file.read_text(encoding="utf-8")))
        print(f"canary: {len(changed)} package(s) differ from {LOCK.name}")
        if changed:
            width = max(len(n) for n, _, _ in changed)
            print(f"  {'package':<{width}}  {'locked':<16} newest")
            for name, old, new in changed:
                print(f"  {name:<{width}}  {old:<16} {new}")
        command = [str(env_dir / "bin" / "pytest"), *(args.pytest_args or ["-n", "2", "-q"]),
                   "-p", "no:cacheprovider"]
        result = subprocess.run(command, cwd=ROOT)
        passed = result.returncode == 0
        print(f"canary: suite {'PASSED' if passed else f'FAILED (pytest exit {result.returncode})'} "
              f"with the newest allowed versions")
        if passed and args.update_lock:
            shutil.copyfile(newest_file, LOCK)
            print(f"canary: wrote {LOCK.relative_to(ROOT)}")
        elif args.update_lock:
            print(f"canary: {LOCK.relative_to(ROOT)} left as it is (the suite failed)")
        return 0 if passed else 1
    finally:
        if args.keep:
            print(f"canary: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
