"""The .env file format: reading it as Node does, and the one change this project makes to it.

Both flavours of this starter read the same files, so a file means the same to
python -m <package> as to `node --env-file`. Env files that hold a key are kept
readable by their owner only.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from . import catalog

_ENTRY = re.compile(
    r"""^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*"""
    r"""(?:"([^"]*)"|'([^']*)'|`([^`]*)`|([^\n#]*))[^\n]*""",
    re.MULTILINE,
)
_KEY_LINE = re.compile(r"^([ \t]*(?:export[ \t]+)?OPENROUTER_API_KEY[ \t]*=).*?(\r?\n)?$")


def parse(text: str) -> dict[str, str]:
    """The variables a .env file's text sets, read as Node's util.parseEnv reads the usual forms.

    NAME=value, optionally after `export`; # starts a comment; a value in
    "...", '...' or `...` is taken as written (and may span lines), except
    that \\n in "..." becomes a line break. Later lines win. Names are letters,
    digits, _, . and -. Input outside these forms (an unclosed quote, say) is
    not guaranteed to read as Node reads it.
    """
    values: dict[str, str] = {}
    for match in _ENTRY.finditer(text.replace("\r\n", "\n")):
        name, double, single, backtick, bare = match.groups()
        if double is not None:
            values[name] = double.replace("\\n", "\n")
        elif bare is not None:
            values[name] = bare.strip()
        else:
            values[name] = single if single is not None else backtick
    return values


def read(path: Path) -> dict[str, str]:
    """The variables a .env file sets."""
    return parse(path.read_text(encoding="utf-8"))


def holds_key(path: Path) -> bool:
    """Whether the file exists and sets OPENROUTER_API_KEY."""
    return path.is_file() and bool(read(path).get("OPENROUTER_API_KEY"))


def make_private(path: Path) -> bool:
    """Make a file that holds a key readable by its owner only; True if it was not."""
    if os.name != "posix" or not path.stat().st_mode & 0o077:
        return False
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return True


def write_key(path: Path, key: str) -> None:
    """Put the key in the env file, mode 600: only its OPENROUTER_API_KEY line changes.

    A missing file starts as a copy of its .example. The file is replaced in
    one step, so an interruption leaves the old one whole.
    """
    example = path.with_name(path.name + ".example")
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    elif example.is_file():
        lines = example.read_text(encoding="utf-8").splitlines(keepends=True)
    else:
        lines = []
    replaced = False
    for index, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if match:
            lines[index] = f"{match[1]}{key}{match[2] or ''}"
            replaced = True
    if not replaced:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(f"OPENROUTER_API_KEY={key}\n")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
        file.write("".join(lines))
    os.replace(temporary, path)
    path.chmod(0o600)


def check_writable(path: Path) -> catalog.MessageId | None:
    """Why write_key() could not write the file, or None if it can.

    Checked before anything is asked of OpenRouter, so that a key is never
    issued only to be lost. The permission bits count even for root: a file or
    directory made read-only was made so on purpose.
    """
    directory = path.parent
    if not directory.is_dir():
        return "login.directory_missing"
    if path.is_dir():
        return "login.file_is_directory"
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR):
        return "login.file_read_only"
    writable = os.access(directory, os.W_OK | os.X_OK)
    if not writable or not directory.stat().st_mode & stat.S_IWUSR:
        return "login.directory_read_only"
    return None
