"""Pre-commit hook: refuse files that hold an OpenRouter API key, never printing the key.

pre-commit passes the names of the files to commit; each key found is reported
as file:line with the key masked (sk-or-v1-…abcd), and the commit is refused.
A key is found as text (UTF-8 or ASCII), as UTF-16 (either byte order, with
or without a byte-order mark), and base64-encoded (a Kubernetes Secret's data:
value, at any offset of a longer blob). Files are read in chunks, so memory
stays bounded whatever their size, and a file that cannot be read is refused
too: what cannot be checked could hold a key. Standard library only, so any
python3 runs it and pre-commit installs nothing.
"""

from __future__ import annotations

import base64
import errno
import re
import sys
from collections.abc import Callable, Iterator

# The key's shape, from the catalog the project's code is generated from.
KEY = re.compile(b"sk-or-v1-[0-9a-f]{64}")
PREFIX = "sk-or-v1-"
FOUND = "{file}:{line}: an OpenRouter API key ({masked})"
WHAT_TO_DO = "Remove it from the file: keys belong in .env.<environment> files, which git ignores. If it was ever pushed, revoke it at https://openrouter.ai/settings/keys."
UNREADABLE = "{file}: cannot be read ({reason}), so it cannot be checked for OpenRouter API keys"
CHUNK = 1048576
# Longer than any key in any form (UTF-16: 146 bytes; base64: 104 characters), twice over.
OVERLAP = 512


def _utf16(spell: Callable[[bytes], bytes]) -> re.Pattern[bytes]:
    """The key as UTF-16, each character's bytes as spell() gives them."""
    prefix = b"".join(re.escape(spell(character.encode())) for character in PREFIX)
    digits = b"|".join(re.escape(spell(digit.encode())) for digit in "0123456789abcdef")
    return re.compile(prefix + b"(?:" + digits + b"){64}")


# The key as UTF-16: each character's byte, then a zero (little-endian) or the other way round.
UTF16 = {
    "UTF-16": _utf16(lambda character: character + b"\0"),
    "UTF-16BE": _utf16(lambda character: b"\0" + character),
}
# A run of base64 (or base64url) long enough to hold a key.
BASE64 = re.compile(rb"[A-Za-z0-9+/_-]{96,}")


def main(paths: list[str]) -> int:
    """Report every key in the files, and every file that cannot be read; 1 if any, else 0."""
    found = 0
    for path in paths:
        try:
            for line, masked in keys_in(path):
                print(FOUND.format(file=path, line=line, masked=masked))
                found += 1
        except OSError as error:
            print(UNREADABLE.format(file=path, reason=reason(error)))
            found += 1
    if found:
        print(WHAT_TO_DO)
    return 1 if found else 0


def reason(error: OSError) -> str:
    """Why a file could not be read, in the words the TypeScript hook uses."""
    if error.errno == errno.ENOENT:
        return "it does not exist"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EISDIR:
        return "it is a directory"
    return (errno.errorcode.get(error.errno or 0) or type(error).__name__).lower()


def keys_in(path: str) -> Iterator[tuple[int, str]]:
    """Each key in the file, once: its line and its masked form."""
    seen: set[tuple[int, str]] = set()
    lines = 0  # line breaks before the window
    tail = b""  # the end of the previous chunk, read again with the next
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            window = tail + chunk
            for position, masked in _found(window):
                line = lines + window.count(b"\n", 0, position) + 1
                if (line, masked) not in seen:
                    seen.add((line, masked))
                    yield line, masked
            tail = window[-OVERLAP:]
            lines += window.count(b"\n", 0, len(window) - len(tail))


def _found(window: bytes) -> Iterator[tuple[int, str]]:
    """Where each key in the window starts, and its masked form (saying how it was spelled)."""
    for match in KEY.finditer(window):
        yield match.start(), _masked(match[0])
    for order, pattern in UTF16.items():
        for match in pattern.finditer(window):
            key = match[0].decode("utf-16-le" if order == "UTF-16" else "utf-16-be")
            yield match.start(), f"{_masked(key.encode())}, {order}"
    for run in BASE64.finditer(window):
        for offset in range(4):  # one of them is where the blob's groups of four begin
            for match in KEY.finditer(_decoded(run[0][offset:])):
                yield run.start(), f"{_masked(match[0])}, base64"


def _decoded(text: bytes) -> bytes:
    """Base64 (or base64url) as its bytes; a last group of one character carries none."""
    text = text.replace(b"-", b"+").replace(b"_", b"/")
    text = text[: len(text) - 1] if len(text) % 4 == 1 else text
    return base64.b64decode(text + b"=" * (-len(text) % 4))


def _masked(key: bytes) -> str:
    return f"{PREFIX}…{key[-4:].decode()}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
