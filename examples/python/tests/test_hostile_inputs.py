"""Hostile inputs: the shared table's rows, in this project (rows: hostile_inputs.py).

verify runs in-process (fast); login runs as users run it, a process with the
test as its browser. What a row says the operating system refuses is simulated
here, for the files named, so that it holds for root too. The starter's rows
run in test_starter.py, which is yours with the starter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from my_openrouter_app import verify
from my_openrouter_app.config import (
    DEFAULT_ENVIRONMENT,
    ENVIRONMENTS,
)

from fake_openrouter import FakeOpenRouter
from hostile_inputs import ROWS, TIME_BOUND, Project, Row, Setup, check, refuse

LOGIN_MODULE = "my_openrouter_app.login"
# The test plays the browser; a limit, because production keys need one.
LOGIN_ARGUMENTS = ("--no-browser", "--limit", "5")
HOSTILE_INPUTS = str(Path(__file__).with_name("hostile_inputs.py"))


def run_login(setup: Setup) -> tuple[int, str, str]:
    """python -m <package>.login --no-browser --limit 5, with setup.browser opening the URL it prints.

    Run through hostile_inputs.py, which makes the system refuse what the row says.
    """
    refusals = {"unreadable": setup.unreadable, "unchangeable": setup.unchangeable}
    command = [sys.executable, HOSTILE_INPUTS, LOGIN_MODULE, *LOGIN_ARGUMENTS, *setup.args]
    process = subprocess.Popen(
        command,
        cwd=setup.directory,
        env={**os.environ, **setup.env, "REFUSE": json.dumps(refusals, default=str)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    printed = ""
    while line := process.stderr.readline():
        printed += line
        if line.startswith(("http://", "https://")):
            setup.browser(line.strip())
            break
    out, err = process.communicate(timeout=TIME_BOUND)
    return process.returncode, out, printed + err


def run(row: Row, setup: Setup, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the row's command as its table says; returns the exit status, stdout and stderr."""
    if row.command == "login":
        return run_login(setup)
    with pytest.MonkeyPatch.context() as patch:  # undone before the test reads files back
        for name, value in setup.env.items():
            patch.setenv(name, value)
        refuse(patch, setup.unreadable, setup.unchangeable)
        status = verify.main(["--json", *setup.args])
    out, err = capsys.readouterr()
    return status, out, err


OTHER_ROWS = [row for row in ROWS if row.command != "start"]


@pytest.mark.parametrize("row", OTHER_ROWS, ids=[row.name for row in OTHER_ROWS])
def test_hostile_input_gets_one_clear_message_and_loses_nothing(
    row: Row,
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup = Setup(Project(DEFAULT_ENVIRONMENT, ENVIRONMENTS), fake, isolated)
    row.prepare(setup)
    check(row, setup, lambda: run(row, setup, capsys))
