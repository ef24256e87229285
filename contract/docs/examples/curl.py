"""curl command lines, tokenised with :mod:`shlex` the way a POSIX shell would."""

from __future__ import annotations

import re
import shlex

from contract.docs.examples.base import Extraction, Problem, Request, json_body

# Options whose value is the next word (or joined, for short ones) but that we do not interpret.
_TAKES_VALUE = {
    "-u", "--user", "-o", "--output", "-A", "--user-agent", "-b", "--cookie", "-c", "--cookie-jar",
    "-e", "--referer", "-m", "--max-time", "--connect-timeout", "-w", "--write-out", "-x", "--proxy",
    "-T", "--upload-file", "-K", "--config", "--cacert", "--cert", "--key", "-r", "--range",
    "--retry", "--resolve", "-E", "-y", "-Y", "-z", "-U", "--proxy-user", "--limit-rate", "-F", "--form",
}
_DATA = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}
_START = re.compile(r"^[ \t]*(?:\$[ \t]+)?curl(?:\.exe)?\s", re.MULTILINE)


def _commands(text: str, first_line: int) -> list[tuple[int, str]]:
    """Each `curl ...` command of a block with the line it starts on (shell line continuations joined)."""
    starts = [m.start() for m in _START.finditer(text)]
    out = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        chunk = text[start:end]
        line = first_line + text.count("\n", 0, start)
        body = re.sub(r"^\s*\$\s+", "", chunk)
        out.append((line, body.replace("\\\r\n", " ").replace("\\\n", " ")))
    return out


_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<tag>[A-Za-z_]\w*)\1[ \t]*$", re.MULTILINE)


def _stdin(command: str) -> tuple[str, str | None]:
    """A here-document fed to the command (`curl … --data-binary @- << EOF` … `EOF`): the command without it,
    and the text it feeds to standard input (what `@-` reads)."""
    m = _HEREDOC.search(command)
    if m is None:
        return command, None
    rest = command[m.end():].split("\n")[1:]
    end = next((i for i, ln in enumerate(rest) if ln.strip() == m.group("tag")), None)
    if end is None:
        return command, None
    return command[:m.start()], "\n".join(rest[:end])


def _header(raw: str) -> tuple[str, str] | None:
    name, sep, value = raw.partition(":")
    if not sep or not name.strip():
        return None
    return name.strip(), value.strip()


class _Words:
    """The words of one command, consumed left to right; `--opt=value` and `-Xvalue` split apart."""

    def __init__(self, words: list[str], line: int, out: Extraction) -> None:
        self.words, self.i, self.line, self.out = words, 1, line, out  # words[0] is "curl"

    def next_option(self) -> tuple[str, str | None] | None:
        if self.i >= len(self.words):
            return None
        word = self.words[self.i]
        self.i += 1
        if word.startswith("--") and "=" in word:
            name, value = word.split("=", 1)
            return name, value
        if len(word) > 2 and word[0] == "-" and word[1] != "-" and word[:2] in ("-X", "-H", "-d"):
            return word[:2], word[2:]
        return word, None

    def value(self, option: str, joined: str | None) -> str | None:
        if joined is not None:
            return joined
        if self.i >= len(self.words):
            self.out.problems.append(Problem(self.line, f"curl option {option} has no value"))
            return None
        self.i += 1
        return self.words[self.i - 1]


def _parse(words: list[str], line: int, out: Extraction, stdin: str | None = None) -> Request:
    req = Request(line=line)
    data: list[str] = []
    explicit_method: str | None = None
    as_query = False
    reader = _Words(words, line, out)
    while (item := reader.next_option()) is not None:
        word, joined = item
        if word in ("-X", "--request"):
            explicit_method = (reader.value(word, joined) or "").upper() or None
        elif word in ("-H", "--header"):
            raw = reader.value(word, joined)
            pair = _header(raw) if raw is not None else None
            if pair:
                req.headers[pair[0]] = pair[1]
            elif raw is not None:
                out.problems.append(Problem(line, f"curl header without a name: {raw!r}"))
        elif word in _DATA:
            raw = reader.value(word, joined)
            if raw is not None:
                data.append(raw)
            if word == "--json":
                req.headers.setdefault("Content-Type", "application/json")
                req.headers.setdefault("Accept", "application/json")
        elif word == "--url":
            req.url = reader.value(word, joined)
        elif word in ("-G", "--get"):
            as_query = True
        elif word in ("-I", "--head"):
            explicit_method = explicit_method or "HEAD"
        elif word in _TAKES_VALUE:
            reader.value(word, joined)
        elif word.startswith("-") and len(word) > 1:
            pass  # a flag without a value: --location, -s, -i, --compressed, ...
        elif req.url is None:
            req.url = word
    if data and not as_query:
        data = [stdin if d == "@-" and stdin is not None else d for d in data]
        text = "&".join(data)
        req.raw_body, req.has_body = text, True
        if any(d.startswith("@") for d in data):
            out.problems.append(Problem(line, "curl body is read from a file (@...), not shown in the docs"))
            req.broken = True
        else:
            req.body, error = json_body(text, req.headers)
            if error:
                out.problems.append(Problem(line, f"curl {error}"))
                req.broken = True
    req.method = explicit_method or ("POST" if data and not as_query else "GET")
    if req.url is None:
        out.problems.append(Problem(line, "curl command without a URL"))
        req.broken = True
    return req


def extract_curl(text: str, first_line: int) -> Extraction:
    """Every curl request of a shell snippet; unparseable commands become problems."""
    out = Extraction()
    for line, whole in _commands(text, first_line):
        command, stdin = _stdin(whole)
        lines = [ln for ln in command.splitlines() if not ln.lstrip().startswith("#")]
        try:
            words = shlex.split("\n".join(lines), comments=False, posix=True)
        except ValueError as exc:
            out.problems.append(Problem(line, f"curl command cannot be tokenised: {exc}"))
            continue
        if not words or not words[0].startswith("curl"):
            continue
        out.requests.append(_parse(words, line, out, stdin))
    if not out.requests and not out.problems:
        out.problems.append(Problem(first_line, "no curl command found"))
    return out
