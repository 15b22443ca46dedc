"""Hostile machines, files and servers, in both languages: template/shared/hostile-inputs.yml.

The rows are the ones the generated projects test themselves with: a rendered Python project's
tests/openrouter/hostile_scenarios.py sets each up by name. Here each row runs against the Python and the
TypeScript project alike, as users run them (a process in a project directory), and the
operating system really refuses what the row says it refuses: a file it may not read is mode
000, a file it may not chmod belongs to another user, and as root the command runs without the
capabilities that let root read and chmod anything. Every run must end with its documented exit
status and one clear message, print no key and no stack trace, lose no file and leave none
behind, and stay within bounds of time (from the fake's first request) and memory (its peak
resident size, from wait4).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from harness import ROOT, FakeOpenRouter, Project, load_module

EXPECTED = yaml.safe_load((ROOT / "template" / "shared" / "hostile-inputs.yml").read_text())
ARGUMENTS = {
    "start": ["Say hello"],
    "verify": ["--json"],
    "login": ["--no-browser", "--limit", "5"],
    "keys": ["list"],  # with the management key the row gives it, from the fake
}
#: Seconds from the fake's first request (else from the start) to the exit: generous.
TIME_BOUND = 20.0
STARTUP_BOUND = 60.0  # a busy machine's slow start (imports, type stripping) included
MEMORY_BOUND_MB = 300
NOBODY = 65534
# Root reads and chmods any file: these capabilities are what lets it.
UNPRIVILEGED = "-dac_override,-dac_read_search,-fowner"


@pytest.fixture(scope="module")
def rows(python_app: Project) -> ModuleType:
    """hostile_scenarios, as rendered into the default Python project."""
    path = python_app.path / "tests" / "openrouter" / "hostile_scenarios.py"
    module = load_module("hostile_scenarios", path)
    assert [row.name for row in module.ROWS] == list(EXPECTED), "one set-up per row"
    return module


def can_sudo() -> bool:
    sudo = shutil.which("sudo")
    return sudo is not None and subprocess.run([sudo, "-n", "true"], check=False).returncode == 0


def refuse(app: Project, setup: Any, command: list[str]) -> tuple[list[str], dict[str, str]]:
    """Make the system refuse what the row says; the command line and variables to run with.

    A file the command may not read is mode 000. A file it may not chmod belongs to another
    user: as root, nobody's, and the command runs without the capabilities that let root read
    and chmod anything; otherwise root's, through sudo. Without root or sudo no file can belong
    to another user: each project's own means then make chmod fail as the system would (Python:
    its tests/openrouter/hostile_scenarios.py; TypeScript: its test/refuse.ts preload).
    """
    for path in setup.unreadable:
        path.chmod(0)
    if os.geteuid() == 0:
        for path in setup.unchangeable:
            os.chown(path, NOBODY, NOBODY)
        drop = [f"--inh-caps={UNPRIVILEGED}", f"--bounding-set={UNPRIVILEGED}"]
        return ["setpriv", *drop, "--", *command], {}
    if not setup.unchangeable:
        return command, {}
    if can_sudo():
        for path in setup.unchangeable:
            subprocess.run(["sudo", "-n", "chown", "0:0", str(path)], check=True)
        return command, {}
    refused = {"unreadable": [], "unchangeable": [str(path) for path in setup.unchangeable]}
    if app.language == "python":
        python, _, module, *args = command
        runner = app.path / "tests" / "openrouter" / "hostile_scenarios.py"
        command = [python, str(runner), module, *args]
    else:
        node, *rest = command
        command = [node, "--import", str(app.path / "test" / "openrouter" / "refuse.ts"), *rest]
    return command, {"REFUSE": json.dumps(refused)}


def give_back(setup: Any) -> None:
    """Undo refuse(), so that the directory can be read and removed."""
    for path in [*setup.unreadable, *setup.unchangeable]:
        if os.geteuid() != 0 and path.stat().st_uid != os.geteuid():
            subprocess.run(["sudo", "-n", "chown", f"{os.geteuid()}", str(path)], check=True)
        elif os.geteuid() == 0:
            os.chown(path, 0, 0)
        path.chmod(0o600)


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file and directory under directory: a file's bytes, None for a directory.

    A link stands for where it points, a FIFO or a socket for its kind: neither is read.
    """
    return {str(path.relative_to(directory)): content(path) for path in directory.rglob("*")}


def content(path: Path) -> bytes | None:
    if path.is_symlink():
        return b"a link to " + os.fsencode(os.readlink(path))
    if path.is_dir():
        return None
    return path.read_bytes() if path.is_file() else b"not a regular file"


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str
    seconds: float  # from the fake's first request (else from the start) to the exit
    after_request: bool  # whether the fake received one
    peak_mb: float


class Reader(threading.Thread):
    """Collects one of the process's outputs; on login's URL, plays the browser."""

    def __init__(self, stream: Any, browser: Any = None, limit: int | None = None) -> None:
        super().__init__(daemon=True)
        self.stream, self.browser, self.limit, self.text = stream, browser, limit, ""

    def run(self) -> None:
        if self.stream is None:
            return
        if self.limit is not None:  # a reader that stops early, then closes its end
            while len(self.text) < self.limit and (chunk := self.stream.read(1)):
                self.text += chunk
            self.stream.close()
            return
        for line in self.stream:
            self.text += line
            if self.browser is not None and line.startswith(("http://", "https://")):
                self.browser(line.strip())


class FirstRequest(threading.Thread):
    """Notes when the fake receives its first request: the command's network phase began."""

    def __init__(self, fake: FakeOpenRouter) -> None:
        super().__init__(daemon=True)
        self.fake, self.at, self.done = fake, 0.0, threading.Event()

    def run(self) -> None:
        while not self.at and not self.done.wait(0.005):
            if self.fake.requests:
                self.at = time.monotonic()


def execute(command: list[str], setup: Any, env: dict[str, str], login: bool) -> Run:
    """Run the command to its end in setup's directory; what it printed, took and used.

    Its stdin and stdout are what the row gives: a file (/dev/zero, /dev/full), or a pipe whose
    reader closes it after setup.stdout_read bytes; else nothing, and a pipe read to the end.
    """
    with contextlib.ExitStack() as files:
        stdin = files.enter_context(open(setup.stdin, "rb")) if setup.stdin else subprocess.DEVNULL
        stdout = files.enter_context(open(setup.stdout, "wb")) if setup.stdout else subprocess.PIPE
        process = subprocess.Popen(
            command,
            cwd=setup.directory,
            env=env,
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
    started = time.monotonic()
    out = Reader(process.stdout, limit=setup.stdout_read) if process.stdout else Reader(None)
    err = Reader(process.stderr, setup.browser if login else None)
    first = FirstRequest(setup.fake)
    watchdog = threading.Timer(STARTUP_BOUND + TIME_BOUND, process.kill)
    for thread in (out, err, first, watchdog):
        thread.start()
    _, status, usage = os.wait4(process.pid, 0)
    exited = time.monotonic()
    process.returncode = os.waitstatus_to_exitcode(status)
    watchdog.cancel()
    first.done.set()
    for thread in (out, err, first):
        thread.join()
    return Run(
        process.returncode,
        out.text,
        err.text,
        exited - (first.at or started),
        bool(first.at),
        usage.ru_maxrss / 1024,  # KiB on Linux
    )


@pytest.mark.parametrize("name", list(EXPECTED))
def test_both_languages_give_one_clear_message_and_lose_nothing(
    name: str, rows: ModuleType, python_app: Project, typescript_app: Project, tmp_path: Path
) -> None:
    row = next(row for row in rows.ROWS if row.name == name)
    for app in (python_app, typescript_app):
        directory = tmp_path / app.language
        directory.mkdir()
        with FakeOpenRouter() as fake:
            fake.serve_model(app.answers["default_model"])
            project = rows.Project("development", ("development", "staging", "production"))
            setup = rows.Setup(project, fake, directory)
            row.prepare(setup)
            before = snapshot(directory)
            entry = app.entry(row.command, *ARGUMENTS[row.command], *setup.args)
            command, variables = refuse(app, setup, entry)
            try:
                run = execute(
                    command, setup, {**app.env, **setup.env, **variables}, row.command == "login"
                )
            finally:
                give_back(setup)
            keys = {*fake.keys, *(v for k, v in setup.env.items() if k.endswith("_KEY"))}
        after = snapshot(directory)

        printed, where = run.stdout + run.stderr, f"{app.language}: {run.stdout}{run.stderr}"
        assert run.status == row.exit_code, where
        assert row.phrase in printed, where
        assert "Traceback" not in printed and "    at " not in printed, where
        assert run.stderr.count("error: ") <= 1, where
        if row.command == "verify" and setup.whole_stdout:
            json.loads(run.stdout)  # strict JSON, whatever happened
            assert run.stderr == "", where
        elif row.command == "verify" and setup.stdout is None:
            assert run.stderr == "", where  # a reader that stops early: not a word
        if row.command == "start":
            assert run.stderr.count("\n") <= 1, where
        assert not [key for key in keys if key in printed], f"{app.language} printed a key"
        assert set(before) <= set(after), f"{app.language} lost a file"
        assert set(after) - set(before) <= setup.creates, f"{app.language} left a file behind"
        assert not [name for name in after if ".tmp" in name], (
            f"{app.language} left a temporary file"
        )
        changed = {name for name in before if before[name] != after[name]}
        assert changed <= setup.creates, f"{app.language} changed {changed}"
        bound = TIME_BOUND if run.after_request else STARTUP_BOUND
        assert run.seconds < bound, f"{app.language} took {run.seconds:.1f} s"
        peak = f"{app.language} peaked at {run.peak_mb:.0f} MB in {name}"
        print(peak)  # pytest -s: each row's peak
        assert run.peak_mb < MEMORY_BOUND_MB, peak
