"""Play the shared keys and login scenarios against a generated project, as its user would.

The scenarios live in template/shared/keys-scenarios.yml; a rendered Python
project's tests/openrouter/keys_scenarios.py sets each one up (the fake's behaviour, the
files, the environment, what the user does in the browser and at the terminal)
and checks its outcome. Here the command runs as a process of either language:
the user reads its stderr, types into its stdin, and presses Ctrl-C (SIGINT)
when the fake has received the request the scenario names.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import yaml

from harness import ROOT, FakeOpenRouter, Project, load_module

TABLE = yaml.safe_load((ROOT / "template" / "shared" / "keys-scenarios.yml").read_text())
PATIENCE = 60.0  # generous: every wait ends on an event long before


def load_scenarios(python_app: Project) -> ModuleType:
    """keys_scenarios, as rendered into the default Python project: one scenario per row."""
    path = python_app.path / "tests" / "openrouter" / "keys_scenarios.py"
    module = load_module("keys_scenarios", path)
    names = [scenario.name for scenario in module.SCENARIOS]
    assert names == [*TABLE["keys"], *TABLE["login"]], "one scenario per row, in order"
    return module


class ProcessUser:
    """The user at a command running as a process: reads its output, types into it."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self._changed = threading.Condition()
        self._printed = {"out": "", "err": ""}
        self._readers = [
            threading.Thread(target=self._read, args=(name, stream), daemon=True)
            for name, stream in (("out", process.stdout), ("err", process.stderr))
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, name: str, stream: IO[str] | None) -> None:
        assert stream is not None
        for chunk in iter(lambda: stream.read(1), ""):
            with self._changed:
                self._printed[name] += chunk
                self._changed.notify_all()

    def _wait(self, found: Any) -> Any:
        with self._changed:
            result = self._changed.wait_for(lambda: found(self._printed["err"]), PATIENCE)
        assert result, f"waited in vain; printed so far:\n{self._printed['err']}"
        return result

    def wait_for(self, text: str) -> None:
        self._wait(lambda printed: text in printed)

    def url(self) -> str:
        found = self._wait(lambda printed: re.search(r"^https?://\S+", printed, re.MULTILINE))
        return str(found[0])

    def type(self, text: str) -> None:
        stdin = self.process.stdin
        if stdin is not None and not stdin.closed:
            stdin.write(f"{text}\n" if text else "")
            stdin.close()

    def end_input(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()

    def finish(self) -> tuple[int, str, str]:
        status = self.process.wait(timeout=PATIENCE)
        for reader in self._readers:
            reader.join(PATIENCE)
        return status, self._printed["out"], self._printed["err"]


@dataclass
class Played:
    status: int
    out: str
    err: str


def play(app: Project, scenarios: ModuleType, scenario: Any, directory: Path) -> Played:
    """Set the scenario up in an empty directory, run its command there, check the row."""
    directory.mkdir()
    project = scenarios.Project(app.answers["project_slug"], tuple(app.answers["environments"]))
    with FakeOpenRouter() as fake:
        fake.serve_model(app.answers["default_model"])
        setup = scenarios.Setup(project, fake, directory)
        scenario.prepare(setup)
        process: subprocess.Popen[str] | None = None
        try:
            before = scenarios.snapshot(setup.env_file(scenario.environment))
            process = subprocess.Popen(
                app.warm_entry(scenario.program, *scenario.args),
                cwd=directory,
                env={**app.env, **setup.env},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            user = ProcessUser(process)
            if setup.interrupt_on is not None:
                interrupt_when_received(process, setup)
            if setup.browse is not None:
                setup.browse(user.url(), user)
            user.end_input()
            status, out, err = user.finish()
            scenarios.assert_outcome(scenario, setup, status, out, err, before)
        finally:
            if process is not None and process.poll() is None:
                process.kill()
            if setup.cleanup is not None:
                setup.cleanup()
    return Played(status, out, err)


def play_both(
    scenarios: ModuleType,
    name: str,
    python_app: Project,
    typescript_app: Project,
    directory: Path,
) -> dict[str, Played]:
    """Play the scenario of this name in both languages, each in its own directory below this
    one. A command refused before any request (exit 2) says the same words in both."""
    scenario = next(scenario for scenario in scenarios.SCENARIOS if scenario.name == name)
    played = {
        app.language: play(app, scenarios, scenario, directory / app.language)
        for app in (python_app, typescript_app)
    }
    if scenario.exit_code == 2:
        python = same_words(played["python"], python_app)
        assert python == same_words(played["typescript"], typescript_app), python
    return played


def interrupt_when_received(process: subprocess.Popen[str], setup: Any) -> None:
    """Press Ctrl-C (or send the scenario's signal: SIGTERM, SIGHUP) once the fake has the
    request the scenario names (polled: the fake records requests from its own threads),
    never waiting past PATIENCE or the process."""
    deadline = time.monotonic() + PATIENCE
    while not setup.received(*setup.interrupt_on):
        assert process.poll() is None, f"exited {process.returncode} before {setup.interrupt_on}"
        assert time.monotonic() < deadline, f"the fake never received {setup.interrupt_on}"
        time.sleep(0.005)
    process.send_signal(getattr(signal, setup.interrupt_with))


def same_words(played: Played, app: Project) -> str:
    """What a command printed on stderr, with the language's spelling of commands taken out."""
    spelled = rf"python -m {app.package}\.openrouter\.(\w+)|npm run --silent (\w+)(?: --)?"
    return re.sub(spelled, lambda match: match[1] or match[2], played.err)
