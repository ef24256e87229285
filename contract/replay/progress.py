"""Progress output: a rich bar on an interactive terminal, plain lines otherwise (and under CI).

Lines carry counts and operation names only, never a header or a value, and still
go through the redactor so a secret cannot reach a log even by accident.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TextIO

from contract.redact import Redactor

__all__ = ["Progress", "make_progress"]


class Progress:
    """Plain-line progress: a line per phase and about every 10% of a phase."""

    def __init__(self, redactor: Redactor, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.redactor = redactor
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._lock = threading.Lock()
        self._total = 0
        self._done = 0
        self._next = 0
        self._label = ""

    def phase(self, label: str, total: int) -> None:
        with self._lock:
            self._label, self._total, self._done = label, total, 0
            self._next = max(1, total // 10)
        self.line(f"{label}: {total} requests")

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self._done += n
            report = self._done >= self._next and self._total > 0
            if report:
                self._next = self._done + max(1, self._total // 10)
            done, total, label = self._done, self._total, self._label
        if report:
            self.line(f"{label}: {done}/{total}" if done <= total else f"{label}: {done} requests")

    def line(self, text: str) -> None:
        if self.enabled:
            print(f"contract: {self.redactor.text(text)}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


class RichProgress(Progress):
    """A single rich progress bar (stderr), re-labelled per phase."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(redactor)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task("starting", total=1)

    def phase(self, label: str, total: int) -> None:
        self._bar.update(self._task, description=self.redactor.text(label), total=max(total, 1), completed=0)

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)

    def line(self, text: str) -> None:
        self._bar.console.print(f"contract: {self.redactor.text(text)}", markup=False, highlight=False)

    def close(self) -> None:
        self._bar.stop()


def make_progress(redactor: Redactor, mode: str = "auto") -> Progress:
    """`auto`: a bar on a TTY unless CI is set; `plain`: lines; `off`: nothing."""
    if mode == "off":
        return Progress(redactor, enabled=False)
    if mode == "auto" and sys.stderr.isatty() and not os.environ.get("CI"):
        return RichProgress(redactor)
    return Progress(redactor)
