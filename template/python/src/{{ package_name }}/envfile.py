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
import re
import secrets
import stat
from pathlib import Path
from typing import Literal

from . import catalog
from .catalog import Problem

BOM = "\ufeff"
# What Node's parser trims around names and values: spaces, tabs and line breaks, nothing else.
_BLANK = " \t\n"
# A line that sets the key, as parse() reads names: `export ` may come first.
_KEY_LINE = re.compile(r"^[ \t]*(?:export [ \t]*)?OPENROUTER_API_KEY[ \t]*=[ \t]*")

Privacy = Literal["private", "made_private", "left_readable"]
#: Why a FIFO, a device or a socket is not read as a file.
NOT_REGULAR = "it is not a regular file (a pipe, a device or a socket)"


def parse(text: str) -> dict[str, str]:
    """The variables a .env file's text sets, exactly as Node's util.parseEnv reads them.

    A port of Node 24's parser (src/node_dotenv.cc), so that odd files read the
    same in both flavours: every carriage return is dropped first (so CR-only
    line endings join the lines); names are whatever precedes `=`, trimmed,
    after an optional `export `; "...", '...' and `...` values may span lines,
    and only "..." turns \\n into a line break; an unquoted value ends at #;
    a quote left open takes the rest of its line as written; later lines win.
    """
    values: dict[str, str] = {}
    content = text.replace("\r", "").strip(_BLANK)
    while content:
        if content[0] in "\n#":  # an empty line or a comment
            content = content.partition("\n")[2]
            continue
        equals, newline = content.find("="), content.find("\n")
        if equals == -1 or -1 < newline < equals:  # no `=` on this line: skip it
            if newline == -1:
                break
            content = content[newline + 1 :].strip(_BLANK)
            continue
        key, content = content[:equals].strip(_BLANK), content[equals + 1 :]
        if not content or content[0] == "\n":  # KEY= with nothing after it
            values[key] = ""
            continue
        content = content.strip(_BLANK)
        if not key:
            continue
        if key.startswith("export "):
            key = key[len("export ") :].strip(_BLANK)
        if not content:
            values[key] = ""
            break
        quote = content[0]
        closing = content.find(quote, 1) if quote in "\"'`" else -1
        if closing != -1:
            value = content[1:closing]
            values[key] = value.replace("\\n", "\n") if quote == '"' else value
            newline = content.find("\n", closing + 1)
            content = "" if newline == -1 else content[newline + 1 :]
            continue
        line, _, content = content.partition("\n")
        if quote in "\"'`":  # never closed: the line as written
            values[key] = line
        else:
            values[key] = line.partition("#")[0].strip(_BLANK)
        content = content.strip(_BLANK)
    return values


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


def quoted(value: str) -> str:
    """The value as an env file must spell it to read back exactly: bare if it can be.

    A #, surrounding spaces or a leading quote need quotes; the first kind of
    quote that reads back whole is used. Problem if none does.
    """
    for spelled in (value, f'"{value}"', f"'{value}'", f"`{value}`"):
        if parse(f"VALUE={spelled}\n").get("VALUE") == value:
            return spelled
    raise Problem(catalog.say("envfile.unwritable_value"))


def with_key(text: str, key: str, file: str) -> str:
    """The env file's text with the key set: only the OPENROUTER_API_KEY line changes.

    Every other byte stays: comments, the byte-order mark, CRLF line endings.
    Without such a line, one is added. Problem if the result would not read
    back as this key (the line sits inside a multi-line quoted value, say).
    """
    bom = BOM if text.startswith(BOM) else ""
    body = text.removeprefix(BOM)
    newline = "\r\n" if "\r\n" in body else "\n"
    value = quoted(key)
    lines = body.split("\n")
    replaced = False
    for index, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if match:
            ending = "\r" if line.endswith("\r") else ""
            lines[index] = f"{match[0]}{value}{ending}"
            replaced = True
    updated = "\n".join(lines)
    if not replaced:
        if updated and not updated.endswith("\n"):
            updated += newline
        updated += f"OPENROUTER_API_KEY={value}{newline}"
    if parse(updated).get("OPENROUTER_API_KEY") != key:
        raise Problem(catalog.say("envfile.key_unreadable_after_write", file=file))
    return bom + updated


def write_key(path: Path, key: str) -> None:
    """Put the key in the env file, mode 600 from the start: only its OPENROUTER_API_KEY line changes.

    A missing file starts as a copy of its .example. The new text goes to a
    temporary file next to it (.env.<environment>.tmp-<random>, which .gitignore
    covers, created exclusively and never through a symlink), reaches the disk,
    then replaces the file in one step: an interruption leaves the old file
    whole, and a failure leaves no temporary file behind (and is a Problem).
    """
    text = read_text(path, keep_bom=True)
    if text is None:
        text = read_text(path.with_name(path.name + ".example"), keep_bom=True) or ""
    updated = with_key(text, key, path.name).encode("utf-8")
    temporary = path.with_name(f"{path.name}.tmp-{secrets.token_hex(6)}")
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
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        failure = catalog.say("envfile.unwritable", file=path.name, reason=reason(error))
        raise Problem(failure) from None


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
