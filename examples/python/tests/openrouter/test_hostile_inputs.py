# Maintained by the OpenRouter app template: copier update replaces this file.
"""Hostile inputs: the shared table's rows, in this project (rows: hostile_scenarios.py).

The starter and verify run in-process (fast); login and keys run as users run
them, a process (login with the test as its browser), and so does verify when
a row gives it a stdout of its own (/dev/full, a reader that stops early). What a row says the operating system
refuses is simulated here, for the files named, so that it holds for root too.
The starter's rows hold the starter, asked "Say hello", to what the kit
promises: one clear message for a broken env file, key file or stream.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from my_openrouter_app.openrouter import verify
from my_openrouter_app.openrouter.config import (
    DEFAULT_ENVIRONMENT,
    ENVIRONMENTS,
)

import reference_starter as starter
from fake_server import FakeOpenRouter
from hostile_scenarios import ROWS, TIME_BOUND, Project, Row, Setup, check, refuse

KIT = "my_openrouter_app.openrouter"
#: The commands that run as processes, and their arguments. login: the test plays the
#: browser, with a limit, because production keys need one.
PROCESSES = {
    "login": (f"{KIT}.login", "--no-browser", "--limit", "5"),
    "keys": (f"{KIT}.keys", "list"),
    "verify": (f"{KIT}.verify", "--json"),
}
HOSTILE_SCENARIOS = str(Path(__file__).with_name("hostile_scenarios.py"))


def run_process(row: Row, setup: Setup) -> tuple[int, str, str]:
    """python -m <the row's command>, setup.browser opening any URL it prints on stderr.

    Run through hostile_scenarios.py, which makes the system refuse what the row says; stdin
    and stdout are what the row gives (nothing, and a pipe read to the end, unless it says).
    """
    refusals = {"unreadable": setup.unreadable, "unchangeable": setup.unchangeable}
    command = [sys.executable, HOSTILE_SCENARIOS, *PROCESSES[row.command], *setup.args]
    with contextlib.ExitStack() as files:
        stdin = files.enter_context(open(setup.stdin, "rb")) if setup.stdin else subprocess.DEVNULL
        stdout = files.enter_context(open(setup.stdout, "wb")) if setup.stdout else subprocess.PIPE
        process = subprocess.Popen(
            command,
            cwd=setup.directory,
            env={**os.environ, **setup.env, "REFUSE": json.dumps(refusals, default=str)},
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered: what is read here, communicate() does not read again
        )
    out = b""
    if process.stdout is not None and setup.stdout_read is not None:
        # A reader that stops early: it takes this many bytes, then closes its end.
        while chunk := process.stdout.read(setup.stdout_read - len(out)):
            out += chunk
        process.stdout.close()
    assert process.stderr is not None
    printed = b""
    while line := process.stderr.readline():
        printed += line
        if line.startswith((b"http://", b"https://")):
            setup.browser(line.decode().strip())
            break
    if process.stdout is not None and not process.stdout.closed:
        rest, err = process.communicate(timeout=TIME_BOUND)
        out += rest
    else:
        err = process.stderr.read()
        process.wait(timeout=TIME_BOUND)
    return process.returncode, out.decode(errors="replace"), (printed + err).decode()


def run(row: Row, setup: Setup, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the row's command as its table says; returns the exit status, stdout and stderr."""
    if row.command in ("login", "keys") or not setup.whole_stdout or setup.stdin:
        return run_process(row, setup)
    with pytest.MonkeyPatch.context() as patch:  # undone before the test reads files back
        for name, value in setup.env.items():
            patch.setenv(name, value)
        refuse(patch, setup.unreadable, setup.unchangeable)
        if row.command == "start":
            status = starter.main(["Say hello", *setup.args])
        else:
            status = verify.main(["--json", *setup.args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_hostile_input_gets_one_clear_message_and_loses_nothing(
    row: Row,
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup = Setup(Project(DEFAULT_ENVIRONMENT, ENVIRONMENTS), fake, isolated)
    row.prepare(setup)
    check(row, setup, lambda: run(row, setup, capsys))
