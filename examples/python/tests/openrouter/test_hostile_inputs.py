# Maintained by the OpenRouter app template: copier update replaces this file.
"""Hostile inputs: the shared table's rows, in this project (rows: hostile_scenarios.py).

The starter and verify run in-process (fast); login runs as users run it, a
process with the test as its browser. What a row says the operating system
refuses is simulated here, for the files named, so that it holds for root too.
The starter's rows hold the starter, asked "Say hello", to what the kit
promises: one clear message for a broken env file, key file or stream.
"""

from __future__ import annotations

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

LOGIN_MODULE = "my_openrouter_app.openrouter.login"
# The test plays the browser; a limit, because production keys need one.
LOGIN_ARGUMENTS = ("--no-browser", "--limit", "5")
HOSTILE_SCENARIOS = str(Path(__file__).with_name("hostile_scenarios.py"))


def run_login(setup: Setup) -> tuple[int, str, str]:
    """python -m <package>.login --no-browser --limit 5, with setup.browser opening the URL it prints.

    Run through hostile_scenarios.py, which makes the system refuse what the row says.
    """
    refusals = {"unreadable": setup.unreadable, "unchangeable": setup.unchangeable}
    command = [sys.executable, HOSTILE_SCENARIOS, LOGIN_MODULE, *LOGIN_ARGUMENTS, *setup.args]
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
