# Maintained by the OpenRouter app template: copier update replaces this file.
"""Hostile machines, files and servers: each row sets up one, by its name in EXPECTED.

EXPECTED (generated from the template's shared table, which the TypeScript
flavour uses too) says which command runs (start, verify, login or keys), its
exit status, and a phrase it must print. Whatever the row, the command must
also print one clear message and never a key, lose no file and leave none
behind, and end in bounded time and memory (check() below). The rows run in
tests/openrouter/test_hostile_inputs.py.

What the operating system refuses (reading a file, changing its mode) is only
declared here, in Setup.unreadable and Setup.unchangeable: the runner makes it
so, whatever user the tests run as (root may read and chmod anything), with
refuse() in its own process, or by running a command through this file:
REFUSE='{"unreadable": [...], "unchangeable": [...]}' python tests/openrouter/hostile_scenarios.py MODULE ARGS...
"""

from __future__ import annotations

import errno
import io
import json
import os
import runpy
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fake_server import FakeOpenRouter, new_key

PathLike = str | os.PathLike[str]
#: Seconds any row may take: generous, since the fake answers at once and nothing waits.
TIME_BOUND = 30.0


def refuse(
    patch: pytest.MonkeyPatch, unreadable: Iterable[PathLike], unchangeable: Iterable[PathLike]
) -> None:
    """Make opening unreadable (EACCES) and chmodding unchangeable (EPERM) fail, as for another's file."""
    refused_open = {Path(path).resolve() for path in unreadable}
    refused_chmod = {Path(path).resolve() for path in unchangeable}
    real_open, real_os_open, real_chmod = io.open, os.open, os.chmod

    def named(file: Any, among: set[Path]) -> bool:
        return isinstance(file, (str, os.PathLike)) and Path(file).resolve() in among

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if named(file, refused_open):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real_open(file, *args, **kwargs)

    def guarded_os_open(file: Any, *args: Any, **kwargs: Any) -> int:
        if named(file, refused_open):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real_os_open(file, *args, **kwargs)

    def guarded_chmod(path: Any, *args: Any, **kwargs: Any) -> None:
        if named(path, refused_chmod):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(path))
        real_chmod(path, *args, **kwargs)

    patch.setattr(io, "open", guarded_open)
    patch.setattr(os, "open", guarded_os_open)
    patch.setattr(os, "chmod", guarded_chmod)


@dataclass(frozen=True)
class Project:
    """What the rows need to know about the project under test."""

    environment: str
    environments: tuple[str, ...]


def open_in_browser(url: str) -> None:
    """What a browser does with login's URL: open it and follow the fake's redirect back."""
    with urllib.request.urlopen(url, timeout=30) as page:
        page.read()


@dataclass
class Setup:
    """One row's world: the fake, the project directory, the command line, what the OS refuses."""

    project: Project
    fake: FakeOpenRouter
    directory: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    # Files the operating system refuses to read, or to change the mode of.
    unreadable: list[Path] = field(default_factory=list)
    unchangeable: list[Path] = field(default_factory=list)
    # Files the command may create (any other new file is one left behind).
    creates: set[str] = field(default_factory=set)
    # What the test's browser does with the URL login prints.
    browser: Callable[[str], None] = open_in_browser
    # The command's stdin: a file it reads (/dev/zero: an endless line), else nothing.
    stdin: str | None = None
    # Its stdout: a file it writes to (/dev/full: a full disk), else a pipe; stdout_read:
    # how many bytes the pipe's reader takes before it closes its end (None: everything).
    stdout: str | None = None
    stdout_read: int | None = None

    @property
    def whole_stdout(self) -> bool:
        """Whether the test reads everything the command prints on stdout."""
        return self.stdout is None and self.stdout_read is None

    @property
    def env_file(self) -> Path:
        return self.directory / f".env.{self.project.environment}"

    def write(self, name: str, text: str | bytes, mode: int = 0o600) -> Path:
        """A file in the project directory, with these contents and this mode."""
        path = self.directory / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        path.chmod(mode)
        return path

    def use_fake(self) -> None:
        """Point the project at the fake, in .env."""
        self.write(".env", f"OPENROUTER_BASE_URL={self.fake.base_url}\n")

    def good_key(self) -> str:
        """A key the fake accepts, within every environment's policy."""
        return self.fake.add_key(None, limit=5.0, limit_remaining=4.0)


EXPECTED: dict[str, tuple[str, int, str]] = {
    "non_utf8_env_file": (
        "start",
        2,
        "the first bad byte is at offset 24",
    ),
    "bom_before_key": (
        "start",
        0,
        "Hello from the fake OpenRouter.",
    ),
    "env_file_unreadable": (
        "start",
        2,
        "error: .env cannot be read: permission denied",
    ),
    "env_file_is_a_directory": (
        "verify",
        2,
        "cannot be read: it is a directory",
    ),
    "key_file_missing": (
        "start",
        2,
        "OPENROUTER_API_KEY_FILE (no-such-key-file, set in .env) cannot be read: it does not exist",
    ),
    "key_file_unreadable": (
        "verify",
        2,
        "OPENROUTER_API_KEY_FILE (openrouter-key, set in the process environment) cannot be read: permission denied",
    ),
    "key_file_not_utf8": (
        "start",
        2,
        "is not UTF-8 text: the first bad byte is at offset 9",
    ),
    "key_file_not_chmoddable": (
        "verify",
        0,
        "could not be made private",
    ),
    "key_file_not_chmoddable_start": (
        "start",
        0,
        "Hello from the fake OpenRouter.",
    ),
    "key_file_not_chmoddable_login": (
        "login",
        2,
        "cannot be written: it is read-only",
    ),
    "key_with_a_hash": (
        "login",
        0,
        "Saved the new key",
    ),
    "env_file_is_a_fifo": (
        "verify",
        2,
        "cannot be read: it is not a regular file",
    ),
    "env_file_links_to_dev_zero": (
        "start",
        2,
        ".env cannot be read: it is not a regular file",
    ),
    "env_file_too_large": (
        "verify",
        2,
        ".env is larger than 1024 KiB",
    ),
    "key_file_is_a_fifo": (
        "start",
        2,
        "OPENROUTER_API_KEY_FILE (openrouter-key, set in .env) cannot be read: it is not a regular file",
    ),
    "key_file_links_to_dev_zero": (
        "verify",
        2,
        "OPENROUTER_API_KEY_FILE (/dev/zero, set in the process environment) cannot be read: it is not a regular file",
    ),
    "key_file_too_large": (
        "start",
        2,
        "is larger than 64 KiB",
    ),
    "malformed_stream": (
        "start",
        1,
        "an event that is not JSON",
    ),
    "reset_mid_stream": (
        "start",
        1,
        "stopped before the model finished",
    ),
    "keys_list_fat_pages": (
        "keys",
        0,
        "No keys named",
    ),
    "login_headless_endless_stdin": (
        "login",
        1,
        "the line is longer than 4 KiB",
    ),
    "verify_stdout_closed_early": (
        "verify",
        0,
        "",
    ),
    "verify_stdout_reader_gone": (
        "verify",
        0,
        "",
    ),
    "verify_stdout_full": (
        "verify",
        1,
        "error: Could not write to standard output: no space left on device",
    ),
    "management_key_env_not_chmoddable": (
        "keys",
        0,
        "holds OPENROUTER_MANAGEMENT_KEY and can be read by other users",
    ),
}


@dataclass(frozen=True)
class Row:
    name: str
    prepare: Callable[[Setup], None]
    command: str
    exit_code: int
    phrase: str


ROWS: list[Row] = []


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file and directory under directory: a file's bytes, None for a directory.

    A link stands for where it points, a FIFO or a socket for its kind: neither is read.
    """
    return {str(path.relative_to(directory)): _content(path) for path in directory.rglob("*")}


def _content(path: Path) -> bytes | None:
    if path.is_symlink():
        return b"a link to " + os.fsencode(os.readlink(path))
    if path.is_dir():
        return None
    return path.read_bytes() if path.is_file() else b"not a regular file"


def check(row: Row, setup: Setup, run: Callable[[], tuple[int, str, str]]) -> None:
    """Run the row's command (run returns its exit status, stdout and stderr) and hold it to the
    table: its exit status and phrase, one clear message, no key printed, no file lost or left."""
    before = snapshot(setup.directory)
    started = time.monotonic()

    status, out, err = run()

    assert time.monotonic() - started < TIME_BOUND
    assert (status, row.phrase in out + err) == (row.exit_code, True), out + err
    assert "Traceback" not in err and "    at " not in err
    if row.command == "verify" and setup.whole_stdout:
        json.loads(out)  # strict JSON, even here
        assert err == ""
    elif row.command == "verify" and setup.stdout is None:
        assert err == "", err  # a reader that stops early is no failure: not a word
    else:
        assert err.count("error: ") <= 1, err
    if row.command == "start":
        assert err.count("\n") <= 1, err
    # Every key a row makes, the fake knows; the others come from the environment.
    keys = {
        *setup.fake.keys,
        *(value for name, value in setup.env.items() if name.endswith("_KEY")),
    }
    assert not [key for key in keys if len(key) > 12 and key in out + err], "a key was printed"
    after = snapshot(setup.directory)
    assert set(before) <= set(after), "a file was lost"
    assert set(after) - set(before) <= setup.creates, "a file was left behind"
    assert not [name for name in after if ".tmp" in name]
    changed = [name for name in before if before[name] != after[name]]
    assert set(changed) <= setup.creates, f"{changed} changed"


def row(prepare: Callable[[Setup], None]) -> Callable[[Setup], None]:
    """Register the decorated function as the set-up of the row of its name in EXPECTED."""
    command, exit_code, phrase = EXPECTED[prepare.__name__]
    ROWS.append(Row(prepare.__name__, prepare, command, exit_code, phrase))
    return prepare


# --- env files and key files: read, never crash ------------------------------------


@row
def non_utf8_env_file(setup: Setup) -> None:
    """A title saved as Latin-1 by an old editor: é is byte 24, not UTF-8."""
    setup.write(".env", b"OPENROUTER_APP_TITLE=Caf\xe9 Cr\xe8me\nOPENROUTER_MODEL=x/y\n")


@row
def bom_before_key(setup: Setup) -> None:
    """A Windows editor's byte-order mark right before the key's name."""
    key = setup.good_key()
    setup.write(setup.env_file.name, f"\ufeffOPENROUTER_API_KEY={key}\r\n")
    setup.use_fake()


@row
def env_file_unreadable(setup: Setup) -> None:
    setup.unreadable.append(setup.write(".env", f"OPENROUTER_API_KEY={setup.good_key()}\n"))


@row
def env_file_is_a_directory(setup: Setup) -> None:
    setup.env_file.mkdir()


@row
def key_file_missing(setup: Setup) -> None:
    setup.write(".env", "OPENROUTER_API_KEY_FILE=no-such-key-file\n")


@row
def key_file_unreadable(setup: Setup) -> None:
    setup.unreadable.append(setup.write("openrouter-key", f"{setup.good_key()}\n", 0o400))
    setup.env["OPENROUTER_API_KEY_FILE"] = "openrouter-key"


@row
def key_file_not_utf8(setup: Setup) -> None:
    setup.write("openrouter-key", b"sk-or-v1-\xff\xfe\n")
    setup.write(".env", "OPENROUTER_API_KEY_FILE=openrouter-key\n")


@row
def key_file_not_chmoddable(setup: Setup) -> None:
    """The env file holding the key is readable by others and owned by someone else.

    Root-owned 0640 files, Kubernetes secret mounts and read-only filesystems
    are like this: verify warns that it could not be made private, and carries on.
    """
    key = setup.good_key()
    path = setup.write(setup.env_file.name, f"OPENROUTER_API_KEY={key}\n", 0o644)
    setup.unchangeable.append(path)
    setup.use_fake()


@row
def key_file_not_chmoddable_start(setup: Setup) -> None:
    """The starter carries on, quietly: verify is where the warning belongs."""
    key_file_not_chmoddable(setup)


@row
def key_file_not_chmoddable_login(setup: Setup) -> None:
    """Such a file is read-only to this user too: login --force says so before signing in."""
    key_file_not_chmoddable(setup)
    setup.env_file.chmod(0o444)
    setup.args.append("--force")


@row
def key_with_a_hash(setup: Setup) -> None:
    """OpenRouter hands out a key with a #: login must quote it so that it reads back whole.

    verify then checks the key read back from the file: only the whole key works.
    """
    key = new_key()[:40] + "#" + new_key()[-33:]
    setup.fake.add_key(key, limit=5.0, limit_remaining=4.0)
    setup.fake.respond("/api/v1/auth/keys", json_body={"key": key, "user_id": None})
    setup.use_fake()
    setup.creates.add(setup.env_file.name)


@row
def env_file_is_a_fifo(setup: Setup) -> None:
    """A named pipe nobody writes to: reading it would wait for ever."""
    os.mkfifo(setup.env_file)


@row
def env_file_links_to_dev_zero(setup: Setup) -> None:
    """Reading /dev/zero never ends: the file is refused, not read."""
    (setup.directory / ".env").symlink_to("/dev/zero")


@row
def env_file_too_large(setup: Setup) -> None:
    """A log written where .env should be: larger than any env file."""
    setup.write(".env", "# log line\n" * (1024 * 1024 // 11 + 1))


@row
def key_file_is_a_fifo(setup: Setup) -> None:
    os.mkfifo(setup.directory / "openrouter-key")
    setup.write(".env", "OPENROUTER_API_KEY_FILE=openrouter-key\n")


@row
def key_file_links_to_dev_zero(setup: Setup) -> None:
    setup.env["OPENROUTER_API_KEY_FILE"] = "/dev/zero"


@row
def key_file_too_large(setup: Setup) -> None:
    setup.write("openrouter-key", f"{setup.good_key()}\n" * 1000)
    setup.write(".env", "OPENROUTER_API_KEY_FILE=openrouter-key\n")


# --- the starter's stream, broken mid-reply -------------------------------------------


@row
def malformed_stream(setup: Setup) -> None:
    setup.write(".env", f"OPENROUTER_API_KEY={setup.good_key()}\n")
    setup.env["OPENROUTER_BASE_URL"] = setup.fake.base_url
    setup.fake.malformed_stream()


@row
def reset_mid_stream(setup: Setup) -> None:
    setup.write(".env", f"OPENROUTER_API_KEY={setup.good_key()}\n")
    setup.env["OPENROUTER_BASE_URL"] = setup.fake.base_url
    setup.fake.reset_mid_stream()


# --- everything bounded: account listings, stdin, stdout ------------------------------


@row
def keys_list_fat_pages(setup: Setup) -> None:
    """100 pages of 100 keys of another project, each about 10 KB: list keeps only its own."""
    setup.fake.fat_key_pages()
    setup.env["OPENROUTER_MANAGEMENT_KEY"] = setup.fake.add_management_key()
    setup.use_fake()


@row
def login_headless_endless_stdin(setup: Setup) -> None:
    """An endless line where the code should be pasted: read up to 4 KiB, then refused."""
    setup.use_fake()
    setup.args.append("--headless")
    setup.stdin = "/dev/zero"
    setup.browser = lambda url: None  # nobody approves: the line is what login reads


@row
def verify_stdout_closed_early(setup: Setup) -> None:
    """verify --json | head -c 10: the rest is dropped without a word."""
    setup.write(setup.env_file.name, f"OPENROUTER_API_KEY={setup.good_key()}\n")
    setup.use_fake()
    setup.stdout_read = 10


@row
def verify_stdout_reader_gone(setup: Setup) -> None:
    """The reader is gone before verify writes: the write fails (EPIPE), without a word."""
    verify_stdout_closed_early(setup)
    setup.stdout_read = 0


@row
def verify_stdout_full(setup: Setup) -> None:
    """verify --json > /dev/full: one line on stderr, and exit 1."""
    setup.write(setup.env_file.name, f"OPENROUTER_API_KEY={setup.good_key()}\n")
    setup.use_fake()
    setup.stdout = "/dev/full"


@row
def management_key_env_not_chmoddable(setup: Setup) -> None:
    """.env holds the management key, readable by others, owned by someone else: keys warns."""
    key = setup.fake.add_management_key()
    text = f"OPENROUTER_MANAGEMENT_KEY={key}\nOPENROUTER_BASE_URL={setup.fake.base_url}\n"
    setup.unchangeable.append(setup.write(".env", text, 0o644))


# --- server behaviours (verify and the starter against a hostile OpenRouter) -------------


# --- login: callbacks, idle connections, targets it cannot write ------------------------


if __name__ == "__main__":
    refused = json.loads(os.environ.pop("REFUSE"))
    refuse(pytest.MonkeyPatch(), refused["unreadable"], refused["unchangeable"])
    runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
