"""Hostile inputs: every row of the shared table, in this project (rows: hostile_inputs.py).

The starter and verify run in-process (fast); login runs as users run it, a
process with the test as its browser. What a row says the operating system
refuses is simulated here, for the files named, so that it holds for root too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from my_openrouter_app import __main__ as starter
from my_openrouter_app import verify
from my_openrouter_app.config import (
    DEFAULT_ENVIRONMENT,
    ENVIRONMENTS,
)

from fake_openrouter import FakeOpenRouter
from hostile_inputs import ROWS, Project, Row, Setup, refuse

#: Seconds any row may take: generous, since the fake answers at once and nothing waits.
TIME_BOUND = 30.0
LOGIN_MODULE = "my_openrouter_app.login"
HOSTILE_INPUTS = str(Path(__file__).with_name("hostile_inputs.py"))


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file and directory under directory: a file's bytes, None for a directory."""
    return {
        str(path.relative_to(directory)): None if path.is_dir() else path.read_bytes()
        for path in directory.rglob("*")
    }


def run_login(setup: Setup) -> tuple[int, str, str]:
    """python -m <package>.login --no-browser, with setup.browser opening the URL it prints.

    Run through hostile_inputs.py, which makes the system refuse what the row says.
    """
    refusals = {"unreadable": setup.unreadable, "unchangeable": setup.unchangeable}
    command = [sys.executable, HOSTILE_INPUTS, LOGIN_MODULE, "--no-browser", *setup.args]
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
    before = snapshot(isolated)
    started = time.monotonic()

    status, out, err = run(row, setup, capsys)

    assert time.monotonic() - started < TIME_BOUND
    assert (status, row.phrase in out + err) == (row.exit_code, True), out + err
    assert "Traceback" not in err and "    at " not in err
    if row.command == "verify":
        json.loads(out)  # strict JSON, even here
        assert err == ""
    else:
        assert err.count("error: ") <= 1, err
    if row.command == "start":
        assert err.count("\n") <= 1, err
    # Every key a row makes, the fake knows; the others come from the environment.
    keys = {*fake.keys, *(value for name, value in setup.env.items() if name.endswith("_KEY"))}
    assert not [key for key in keys if len(key) > 12 and key in out + err], "a key was printed"
    after = snapshot(isolated)
    assert set(before) <= set(after), "a file was lost"
    assert set(after) - set(before) <= setup.creates, "a file was left behind"
    assert not [name for name in after if ".tmp" in name]
    changed = [name for name in before if before[name] != after[name]]
    assert set(changed) <= setup.creates, f"{changed} changed"
