# Maintained by the OpenRouter app template: copier update replaces this file.
"""The .env file format: reading it exactly as Node does, and the one change this project makes.

Both flavours of this starter read the same files, so a file means the same to
python -m <package> as to `node --env-file`: parse() is Node's util.parseEnv,
ported step for step. Files are read as UTF-8 (a leading byte-order mark is
dropped); a file that cannot be read is a Problem naming it, never a
traceback. Env files that hold a key are kept readable by their owner only.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path
from typing import Literal, NamedTuple

from . import catalog
from .catalog import Problem

BOM = "\ufeff"
# What Node's parser trims around names and values: spaces, tabs and line breaks, nothing else.
_BLANK = " \t\n"

Privacy = Literal["private", "made_private", "left_readable"]
#: Why a FIFO, a device or a socket is not read as a file.
NOT_REGULAR = "it is not a regular file (a pipe, a device or a socket)"


class Assignment(NamedTuple):
    """One NAME=value of a .env file, and where the value is spelled in the file's text."""

    name: str
    value: str
    start: int  # the value's first character (its opening quote), in the text as given
    end: int  # just past its last (its closing quote, or the last before a # comment)


def parse(text: str) -> dict[str, str]:
    """The variables a .env file's text sets, exactly as Node's util.parseEnv reads them."""
    return {assignment.name: assignment.value for assignment in assignments(text)}


def assignments(text: str) -> list[Assignment]:
    """Every assignment of a .env file's text, in order, exactly as Node's util.parseEnv reads it.

    A port of Node 24's parser (src/node_dotenv.cc), so that odd files read the
    same in both flavours: every carriage return is dropped first (so CR-only
    line endings join the lines); names are whatever precedes `=`, trimmed,
    after an optional `export `; "...", '...' and `...` values may span lines,
    and only "..." turns \\n into a line break; an unquoted value ends at #;
    a quote left open takes the rest of its line as written; later lines win.
    Each value's span is where it is spelled in text, carriage returns counted:
    what with_key() replaces, and nothing else.
    """
    content = text.replace("\r", "")
    # Where each character of content sits in text; the end of content maps past the end of text.
    where = [index for index, character in enumerate(text) if character != "\r"]
    found: list[Assignment] = []

    def add(name: str, value: str, start: int, end: int) -> None:
        # An empty value sits right after its `=`; any other spans its first to its last character.
        stop = where[end - 1] + 1
        found.append(Assignment(name, value, where[start] if start < end else stop, stop))

    end = len(content.rstrip(_BLANK))
    at = _skip_blanks(content, 0, end)
    while at < end:
        if content[at] in "\n#":  # an empty line or a comment
            newline = content.find("\n", at, end)
            at = end if newline == -1 else newline + 1
            continue
        equals, newline = content.find("=", at, end), content.find("\n", at, end)
        if equals == -1 or -1 < newline < equals:  # no `=` on this line: skip it
            if newline == -1:
                break
            at = _skip_blanks(content, newline + 1, end)
            continue
        name, at = content[at:equals].strip(_BLANK), equals + 1
        if at == end or content[at] == "\n":  # NAME= with nothing after it
            add(name, "", at, at)
            continue
        at = _skip_blanks(content, at, end)
        if not name:
            continue
        if name.startswith("export "):
            name = name[len("export ") :].strip(_BLANK)
        quote = content[at]
        closing = content.find(quote, at + 1, end) if quote in "\"'`" else -1
        if closing != -1:
            value = content[at + 1 : closing]
            add(name, value.replace("\\n", "\n") if quote == '"' else value, at, closing + 1)
            newline = content.find("\n", closing + 1, end)
            at = end if newline == -1 else newline + 1
            continue
        newline = content.find("\n", at, end)
        line_end = end if newline == -1 else newline
        line = content[at:line_end]
        if quote in "\"'`":  # never closed: the line as written
            add(name, line, at, line_end)
        else:
            value = line.partition("#")[0].strip(_BLANK)
            add(name, value, at, at + len(value))
        at = end if newline == -1 else _skip_blanks(content, newline + 1, end)
    return found


def _skip_blanks(content: str, at: int, end: int) -> int:
    while at < end and content[at] in _BLANK:
        at += 1
    return at


def decode(data: bytes, *, keep_bom: bool = False) -> str:
    """A file's bytes as text: UTF-8, without a leading byte-order mark unless keep_bom.

    Raises UnicodeDecodeError, whose .start is the offset of the first bad byte.
    """
    text = data.decode("utf-8")
    return text if keep_bom else text.removeprefix(BOM)


def reason(error: OSError) -> str:
    """Why the operating system refused to read a file, in a few words."""
    if error.errno == errno.ENOENT:
        return "it does not exist"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EISDIR:
        return "it is a directory"
    return (error.strerror or type(error).__name__).lower()


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most limit + 1 of them (more than limit: too large).

    Only a regular file is read: a FIFO, a device (/dev/zero), a socket or a
    directory raises OSError at once, never waited on or read without end.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)  # non-blocking: opening a FIFO waits for no writer
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise OSError(None, NOT_REGULAR)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def read_text(path: Path, *, keep_bom: bool = False) -> str | None:
    """The text of an env file, or None if there is no such file.

    Any other failure is a Problem naming the file: one it may not read, a
    directory or anything else but a regular file, one over
    catalog.MAX_ENV_FILE_BYTES, bytes that are not UTF-8 (with the offset of
    the first one). A byte-order mark is dropped, unless keep_bom (to write the
    file back).
    """
    try:
        data = read_bounded(path, catalog.MAX_ENV_FILE_BYTES)
    except FileNotFoundError:
        return None
    except OSError as error:
        text = catalog.say("envfile.unreadable", file=path.name, reason=reason(error))
        raise Problem(text) from None
    if len(data) > catalog.MAX_ENV_FILE_BYTES:
        limit = catalog.MAX_ENV_FILE_BYTES // 1024
        raise Problem(catalog.say("envfile.too_large", file=path.name, limit=limit))
    try:
        return decode(data, keep_bom=keep_bom)
    except UnicodeDecodeError as error:
        text = catalog.say("envfile.not_utf8", file=path.name, offset=error.start)
        raise Problem(text) from None


def read(path: Path) -> dict[str, str] | None:
    """The variables an env file sets, or None if there is no such file (see read_text)."""
    text = read_text(path)
    return None if text is None else parse(text)


def holds_key(path: Path) -> bool:
    """Whether the file exists and sets OPENROUTER_API_KEY."""
    return bool((read(path) or {}).get("OPENROUTER_API_KEY"))


def make_private(path: Path) -> Privacy:
    """Make a file that holds a key readable by its owner only, if the system lets us.

    A file another user owns (a root-owned secret mounted 0640, say) or one on
    a read-only filesystem cannot be changed: that is left_readable, for verify
    to warn about, and the app carries on.
    """
    if os.name != "posix" or not path.stat().st_mode & 0o077:
        return "private"
    try:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    except OSError as error:
        if error.errno in (errno.EPERM, errno.EACCES, errno.EROFS):
            return "left_readable"
        raise
    return "made_private"


def spellings(value: str) -> list[str]:
    """The ways an env file may spell the value so that it reads back exactly, best first.

    Bare if it can be; a #, surrounding spaces or a leading quote need quotes.
    Problem if no kind of quote reads back whole.
    """
    found = [
        spelled
        for spelled in (value, f'"{value}"', f"'{value}'", f"`{value}`")
        if parse(f"VALUE={spelled}\n").get("VALUE") == value
    ]
    if not found:
        raise Problem(catalog.say("envfile.unwritable_value"))
    return found


def with_key(text: str, key: str, file: str) -> str:
    """The env file's text with the key set: only the value of OPENROUTER_API_KEY changes.

    The file is read as parse() reads it, and only the value of the assignment
    that counts (the last) is replaced: every other byte stays, inline comments,
    text inside other (multi-line) values, the byte-order mark and CRLF line
    endings included. Without such an assignment, one is added at the end.
    The value is spelled as spellings() says, the first way that reads back in
    its place; Problem if none does, or if the file would then read as anything
    but its old variables with this key.
    """
    bom = BOM if text.startswith(BOM) else ""
    body = text.removeprefix(BOM)
    expected = {**parse(body), "OPENROUTER_API_KEY": key}
    found = [a for a in assignments(body) if a.name == "OPENROUTER_API_KEY"]
    newline = "\r\n" if "\r\n" in body else "\n"
    ending = "" if not body or body.endswith("\n") else newline
    for spelled in spellings(key):
        if found:
            updated = body[: found[-1].start] + spelled + body[found[-1].end :]
        else:
            updated = f"{body}{ending}OPENROUTER_API_KEY={spelled}{newline}"
        if parse(updated) == expected:
            return bom + updated
    raise Problem(catalog.say("envfile.key_unreadable_after_write", file=file))


def write_key(path: Path, key: str) -> None:
    """Put the key in the env file, mode 600 from the start: only its OPENROUTER_API_KEY value changes.

    A missing file starts as a copy of its .example. The new text goes to a
    temporary file next to it (.env.<environment>.tmp-<random>, which .gitignore
    covers, created exclusively and never through a symlink), reaches the disk,
    then replaces the file in one step: an interruption leaves the old file
    whole, and a failure leaves no temporary file behind (and is a Problem).
    An env file that is a symbolic link stays one: the file it points to is
    replaced so, from a temporary file next to that one.
    """
    text = read_text(path, keep_bom=True)
    if text is None:
        text = read_text(path.with_name(path.name + ".example"), keep_bom=True) or ""
    updated = with_key(text, key, path.name).encode("utf-8")
    target = linked(path)
    temporary = target.with_name(f"{target.name}.tmp-{secrets.token_hex(6)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(temporary, flags, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                if os.name == "posix":
                    os.fchmod(file.fileno(), 0o600)  # whatever the umask
                file.write(updated)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        failure = catalog.say("envfile.unwritable", file=path.name, reason=reason(error))
        raise Problem(failure) from None


def linked(path: Path) -> Path:
    """The file a path names: itself, or the end of its chain of symbolic links (which may not exist)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable(path: Path) -> catalog.MessageId | None:
    """Why write_key() could not write the file, or None if it can.

    Checked before anything is asked of OpenRouter, so that a key is never
    issued only to be lost. The permission bits count even for root: a file or
    directory made read-only was made so on purpose. A symbolic link is judged
    by the file it points to.
    """
    path = linked(path)
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
