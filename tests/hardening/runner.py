"""Run the CLI on one hostile input in a child process with a wall-clock and an address-space limit.

A hostile input must fail loudly, not take the machine down: the child gets
`RLIMIT_AS` (so a blow-up is a MemoryError/crash we can see, not swapping) and a
timeout, and it reports its own peak RSS (VmHWM) on exit: `wait4`'s ru_maxrss starts
from the forking parent's high-water mark, so inside a pytest worker that grew to
345 MB every child would "peak" at 345 MB whatever it did.
"""

from __future__ import annotations

import os
import resource
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.hardening.corpus import SEED_SPEC, Hostile

MEMORY_LIMIT = 1536 * 1024 * 1024  # 1.5 GB of address space for the child
TIMEOUT = 30.0  # seconds per input


@dataclass(frozen=True)
class Outcome:
    """What one CLI run gave: exit code, output, wall time and peak resident memory."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    timed_out: bool = False


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def command_for(hostile: Hostile, path: Path, report_dir: Path) -> list[str]:
    """`lint SPEC` for a spec, `drift --spec SEED --docs PAGE` for a docs page."""
    if hostile.kind == "spec":
        return ["lint", str(path), "--report-dir", str(report_dir)]
    return ["drift", "--spec", str(SEED_SPEC), "--docs", str(path), "--report-dir", str(report_dir)]


_PEAK = "contract-peak-rss-kb"
_WRAPPER = f"""
import atexit, os, runpy, sys
def _peak():
    with open('/proc/self/status') as f:
        kb = next((ln.split()[1] for ln in f if ln.startswith('VmHWM:')), '')
    os.write(2, ('\\n{_PEAK} ' + kb + '\\n').encode())
atexit.register(_peak)
sys.argv = ['contract', *sys.argv[1:]]
runpy.run_module('contract', run_name='__main__', alter_sys=True)
"""


def run_cli(args: list[str], *, timeout: float = TIMEOUT) -> Outcome:
    """`python -m contract ARGS` under the limits; a timeout kills the child and is reported, not raised.

    Peak RSS is what the child reported; a child killed before reporting counts as infinite,
    so a memory check on it fails loudly.
    """
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=_limit_memory, env=env)
    timed_out = False
    try:
        out, err = _communicate(proc, timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = _communicate(proc, None)
        timed_out = True
    code = proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    seconds = time.perf_counter() - start
    peak_kb = [ln.split()[1] for ln in err.splitlines() if ln.startswith(_PEAK) and len(ln.split()) == 2]
    err = "\n".join(ln for ln in err.splitlines() if not ln.startswith(_PEAK))
    rss_mb = int(peak_kb[-1]) / 1024 if peak_kb else float("inf")
    return Outcome(code, out, err, seconds, rss_mb, timed_out)


def _communicate(proc: subprocess.Popen[bytes], timeout: float | None) -> tuple[str, str]:
    """Read both pipes until EOF or the deadline (a child may fill one pipe while we wait on the other)."""
    assert proc.stdout is not None and proc.stderr is not None
    chunks: dict[int, list[bytes]] = {proc.stdout.fileno(): [], proc.stderr.fileno(): []}
    sel = selectors.DefaultSelector()
    for stream in (proc.stdout, proc.stderr):
        sel.register(stream, selectors.EVENT_READ)
    deadline = None if timeout is None else time.monotonic() + timeout
    while sel.get_map():
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise subprocess.TimeoutExpired(proc.args, timeout or 0)
        for key, _ in sel.select(remaining):
            data = os.read(key.fd, 65536)
            if not data:
                sel.unregister(key.fileobj)
            else:
                chunks[key.fd].append(data)
    sel.close()
    out = b"".join(chunks[proc.stdout.fileno()]).decode("utf-8", "replace")
    return out, b"".join(chunks[proc.stderr.fileno()]).decode("utf-8", "replace")
