"""Pre-commit hook: refuse files that hold an OpenRouter API key, never printing the key.

pre-commit passes the names of the files to commit; each key found is reported
as file:line with the key masked (sk-or-v1-…abcd), and the commit is refused.
Standard library only, so any python3 runs it and pre-commit installs nothing.
"""

from __future__ import annotations

import re
import sys

# The key's shape, from the catalog the project's code is generated from.
KEY = re.compile(b"sk-or-v1-[0-9a-f]{64}")
PREFIX = "sk-or-v1-"
FOUND = "{file}:{line}: an OpenRouter API key ({masked})"
WHAT_TO_DO = "Remove it from the file: keys belong in .env.<environment> files, which git ignores. If it was ever pushed, revoke it at https://openrouter.ai/settings/keys."


def main(paths: list[str]) -> int:
    """Report every key in the files; 1 if there was one, else 0."""
    found = 0
    for path in paths:
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            continue  # deleted or unreadable: nothing of it is committed
        for match in KEY.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            masked = f"{PREFIX}…{match[0][-4:].decode()}"
            print(FOUND.format(file=path, line=line, masked=masked))
            found += 1
    if found:
        print(WHAT_TO_DO)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
