# Maintained by the OpenRouter app template: copier update replaces this file.
"""The kit's scenario player: login and keys run in-process the way a user runs them.

A terminal to read (stderr) and type into (stdin), a browser (the scenario's
own), and Ctrl-C at the moment a scenario asks for it. tests/conftest.py's
`play` fixture plays each scenario of keys_scenarios through play().
"""

from __future__ import annotations

import io
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from my_openrouter_app.openrouter import (
    keys,
    login,
)
from my_openrouter_app.openrouter.config import (
    ENVIRONMENTS,
    PROJECT_SLUG,
)

from fake_server import FakeOpenRouter
from keys_scenarios import Project, Scenario, Setup, assert_outcome, snapshot

PROJECT = Project(PROJECT_SLUG, ENVIRONMENTS)
#: Generous: events end every wait long before it (the fake's request log, a printed line).
PATIENCE = 60.0

# Ctrl-C reaches the commands as it does from a terminal: a shell starts background jobs with
# SIGINT ignored, and the tests that press Ctrl-C would wait for nothing.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


class Terminal(io.StringIO):
    """stderr as the user sees it, that a test can wait on."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def write(self, text: str) -> int:
        with self._changed:
            written = super().write(text)
            self._changed.notify_all()
        return written

    def isatty(self) -> bool:
        return False

    def wait_until(self, found: Callable[[str], object]) -> object:
        with self._changed:
            result = self._changed.wait_for(lambda: found(self.getvalue()), PATIENCE)
        assert result, f"waited in vain; printed so far:\n{self.getvalue()}"
        return result


class User:
    """The user at an in-process command: reads its stderr, types into its stdin."""

    def __init__(self, terminal: Terminal, stdin: int) -> None:
        self.terminal = terminal
        self._stdin: int | None = stdin

    def wait_for(self, text: str) -> None:
        self.terminal.wait_until(lambda printed: text in printed)

    def url(self) -> str:
        found = self.terminal.wait_until(lambda printed: re.search(r"^https?://\S+", printed, re.M))
        assert isinstance(found, re.Match)
        return str(found[0])

    def type(self, text: str) -> None:
        if self._stdin is not None:
            os.write(self._stdin, f"{text}\n".encode() if text else b"")
            self.end_input()

    def end_input(self) -> None:
        if self._stdin is not None:
            os.close(self._stdin)
            self._stdin = None


def _interrupt_when(setup: Setup, method: str, path: str) -> None:
    """Ctrl-C (or the scenario's signal) for the main thread, once the fake has received the
    request (and hangs on it)."""
    number = getattr(signal, setup.interrupt_with)

    def watch() -> None:
        never = threading.Event()
        while not never.wait(0.005):
            if setup.received(method, path):
                signal.pthread_kill(threading.main_thread().ident or 0, number)
                return

    threading.Thread(target=watch, daemon=True).start()


def play(
    scenario: Scenario,
    directory: Path,
    fake: FakeOpenRouter,
    monkeypatch: pytest.MonkeyPatch,
    cleanups: list[Callable[[], None]],
) -> None:
    """Set the scenario up in directory, run its command in-process, and check its row."""
    setup = Setup(PROJECT, fake, directory)
    scenario.prepare(setup)
    if setup.cleanup is not None:
        cleanups.append(setup.cleanup)
    for name, value in setup.env.items():
        monkeypatch.setenv(name, value)
    before = snapshot(setup.env_file(scenario.environment))
    terminal, out = Terminal(), io.StringIO()
    reading, typing = os.pipe()
    stdin = os.fdopen(reading, encoding="utf-8")
    user = User(terminal, typing)
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stdin", stdin)
    try:
        if scenario.program == "keys":
            user.end_input()
            if setup.interrupt_on is not None:
                _interrupt_when(setup, *setup.interrupt_on)
            status: int | None = keys.main(scenario.args)
        else:
            ended: list[int] = []
            worker = threading.Thread(
                target=lambda: ended.append(login.main(scenario.args)), daemon=True
            )
            worker.start()
            if setup.browse is not None:
                setup.browse(user.url(), user)
            user.end_input()
            worker.join(PATIENCE)
            status = ended[0] if ended else None
    finally:
        user.end_input()
        stdin.close()
    assert_outcome(scenario, setup, status, out.getvalue(), terminal.getvalue(), before)
