"""Exit codes and the one exception type for unusable input.

Every command maps outcomes onto these codes so CI pipelines can branch on them;
`InputError` carries a one-line message (file, location, problem) that the CLI
prints without a traceback.
"""

from __future__ import annotations

EXIT_OK = 0  # no findings at or above the threshold (or none new against the baseline)
EXIT_FINDINGS = 1  # findings at or above the threshold
EXIT_INPUT = 2  # usage error or unusable input (spec, docs page, options)
EXIT_UNREACHABLE = 3  # the target could not be reached at all


class ContractError(Exception):
    """Base class for errors the CLI reports as one line."""

    exit_code = EXIT_INPUT


class InputError(ContractError):
    """A spec, docs page or option the tool cannot use.

    The message names the file, where in it (line/column or JSON pointer), and what is wrong.
    """

    def __init__(self, file: str | None, problem: str, *, line: int | None = None, column: int | None = None,
                 pointer: str | None = None) -> None:
        self.file = file
        self.problem = problem
        self.line = line
        self.column = column
        self.pointer = pointer
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.pointer:
            where += f" (at {self.pointer})"
        return f"{where}: {self.problem}"


class TargetUnreachable(ContractError):
    """The target did not answer a single request (connection refused, DNS, ...)."""

    exit_code = EXIT_UNREACHABLE
