"""Both languages' verify, against the same fake OpenRouter, in every scenario.

The scenarios are the ones the generated projects test themselves with: their
expected results come from template/shared/verify-scenarios.yml, and a rendered
Python project's tests/openrouter/verify_scenarios.py sets them up. Here they run against
the Python and the TypeScript project alike, as users run them: a separate
process, in a project directory, with the key in an env file or the environment.
Every --json output is parsed as strict JSON, and each run's peak memory is
measured, so a hostile server's answer (a gzip bomb of 1 GiB) is seen to cost
megabytes, not the gigabyte.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE
from types import ModuleType
from typing import IO, Any

import pytest
import yaml

from harness import ROOT, FakeOpenRouter, Project, load_module

SHARED = ROOT / "template" / "shared"
CATALOG = yaml.safe_load((SHARED / "catalog.yml").read_text())
EXPECTED = yaml.safe_load((SHARED / "verify-scenarios.yml").read_text())
#: The rows whose runs' peak memory is compared.
MEASURED = ("gzip_bomb", "all_good")


@pytest.fixture(scope="module")
def scenarios(python_app: Project) -> ModuleType:
    """verify_scenarios, as rendered into the default Python project."""
    path = python_app.path / "tests" / "openrouter" / "verify_scenarios.py"
    module = load_module("verify_scenarios", path)
    assert sorted(scenario.name for scenario in module.SCENARIOS) == sorted(EXPECTED), (
        "one scenario per name"
    )
    return module


class FirstRequest:
    """The moment a server received verify's first request: the network phase began.

    Time bounds are measured from this event to the process's exit, so a busy
    machine's slow process start-up (imports, type stripping) never counts.
    contacted says whether any server (the fake, a stalled listener) was reached.
    """

    def __init__(self, contacted: Callable[[], bool]) -> None:
        self.at: float | None = None
        self._contacted = contacted
        self._done = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while self.at is None and not self._done.wait(0.005):
            if self._contacted():
                self.at = time.monotonic()

    def __enter__(self) -> FirstRequest:
        self._watcher.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._watcher.join()


@dataclass
class Run:
    result: subprocess.CompletedProcess[str]
    keys: set[str]  # every key the scenario made: none may be printed
    timeout: float | None  # the run's --timeout, if it set one
    after_first_request: float | None  # seconds from the fake's first request to the exit
    peak_kib: int  # the process's peak resident memory
    expected: Callable[[str], str]  # the scenario's phrase, {key_hash} filled in


def measured(
    app: Project, command: list[str], *, cwd: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run a command as app.run does, and measure its peak memory (KiB) as it exits."""
    output: dict[str, str] = {}

    def read(name: str, pipe: IO[str] | None) -> None:
        output[name] = pipe.read() if pipe else ""

    with subprocess.Popen(
        command, cwd=cwd, env={**app.env, **env}, stdout=PIPE, stderr=PIPE, text=True
    ) as process:
        readers = [
            threading.Thread(target=read, args=("stdout", process.stdout)),
            threading.Thread(target=read, args=("stderr", process.stderr)),
        ]
        for reader in readers:
            reader.start()
        watchdog = threading.Timer(300, process.kill)
        watchdog.start()
        try:
            _, wait_status, usage = os.wait4(process.pid, 0)  # wait(), with the child's rusage
        finally:
            watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        for reader in readers:
            reader.join()
    result = subprocess.CompletedProcess(
        command, process.returncode, output["stdout"], output["stderr"]
    )
    return result, usage.ru_maxrss


def run_scenario(app: Project, scenarios: ModuleType, scenario: Any, directory: Path) -> Run:
    """Prepare the scenario in an empty directory and run the app's verify there."""
    directory.mkdir()
    project = scenarios.Project(
        "development",
        ("development", "staging", "production"),
        CATALOG["policy"]["development"]["limit_usd"],
    )
    with FakeOpenRouter() as fake:
        fake.serve_model(app.answers["default_model"])
        setup = scenarios.Setup(project, fake, directory)
        try:
            scenario.prepare(setup)

            def contacted() -> bool:
                return bool(fake.requests or (setup.stalled and setup.stalled.accepted))

            with FirstRequest(contacted) as first:
                # A warm run's memory is its client's: the rows that measure it start verify.
                entry = app.entry if scenario.name in MEASURED else app.warm_entry
                result, peak_kib = measured(
                    app, entry("verify", *setup.args, "--json"), cwd=directory, env=setup.env
                )
                exited = time.monotonic()
        finally:
            setup.close()
        keys = {*fake.keys, *setup.env.values()}
    for path in directory.glob(".env*"):
        keys |= {
            line.split("=", 1)[1].strip('"')
            for line in path.read_text().splitlines()
            if line.startswith("OPENROUTER_API_KEY=")
        }
    args = list(setup.args)
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else None
    return Run(
        result,
        {key for key in keys if len(key) > 12},
        timeout,
        None if first.at is None else exited - first.at,
        peak_kib,
        setup.expected,
    )


def strict_json(text: str) -> Any:
    """JSON as the standard says: NaN and Infinity are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} in --json output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_both_languages_report_the_same(
    name: str, scenarios: ModuleType, python_app: Project, typescript_app: Project, tmp_path: Path
) -> None:
    scenario = next(scenario for scenario in scenarios.SCENARIOS if scenario.name == name)
    reports = {}
    for app in (python_app, typescript_app):
        run = run_scenario(app, scenarios, scenario, tmp_path / app.language)
        result = run.result
        assert not [key for key in run.keys if key in result.stdout + result.stderr], (
            f"{app.language} printed a key"
        )
        assert "Traceback" not in result.stderr and "    at " not in result.stderr
        raw = [
            c
            for c in result.stdout + result.stderr
            if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
        ]
        assert not raw, f"{app.language}: raw control characters reached the terminal: {raw}"
        report = strict_json(result.stdout)
        statuses = " ".join(check["status"] for check in report["checks"])
        assert (result.returncode, statuses) == (scenario.exit_code, scenario.statuses), (
            f"{app.language}: {report}"
        )
        if scenario.name in ("server_never_answers", "stalled_tls_handshake"):
            assert run.after_first_request is not None, "the server never saw a request"
        if run.timeout is not None and run.after_first_request is not None:
            # The contract: the run ends within --timeout + 2 s, even when the server never answers.
            assert run.after_first_request < run.timeout + 2, (
                f"{app.language} ran {run.after_first_request:.1f} s after its first request"
                f" with --timeout {run.timeout:g}"
            )
        text = " ".join(f"{check['message']} {check['hint']}" for check in report["checks"])
        assert run.expected(scenario.phrase) in text, f"{app.language}: {text}"
        if scenario.name == "gzip_bomb":
            # The bomb inflates to 1 GiB; verify reads 1 MiB of it. Its peak stays within 64 MiB
            # of a run that reads a small answer (a few MiB on an idle machine: on a busy one,
            # Node's garbage collector lags behind and the heap grows by 20 MiB and more).
            normal = next(s for s in scenarios.SCENARIOS if s.name == "all_good")
            baseline = run_scenario(app, scenarios, normal, tmp_path / f"{app.language}-normal")
            grown_kib = run.peak_kib - baseline.peak_kib
            assert grown_kib < 64 * 1024, f"{app.language} peaked {grown_kib} KiB above normal"
        # Each run has its own key: its hash stands as {key_hash} when the languages are compared.
        key_hash = run.expected("{key_hash}")
        reports[app.language] = json.loads(result.stdout.replace(key_hash, "{key_hash}"))

    python, typescript = reports["python"], reports["typescript"]
    assert (
        [c["name"] for c in python["checks"]]
        == [c["name"] for c in typescript["checks"]]
        == CATALOG["checks"]
    )
    assert python["ok"] == typescript["ok"]
    assert python["environment"] == typescript["environment"]
    assert (python["key"] is None) == (typescript["key"] is None)
    # Where neither run's own details (ports, timings, keys) enter the text, it is the same words.
    same = [
        (p["message"], p["hint"], t["message"], t["hint"])
        for p, t in zip(python["checks"], typescript["checks"], strict=True)
        if p["status"] == "skip" or p["name"] in ("credits", "model")
    ]
    assert all(pm == tm and ph == th for pm, ph, tm, th in same), same


def test_colour_only_on_a_terminal_and_never_with_no_color(app: Project, tmp_path: Path) -> None:
    """Human output is coloured on a terminal, unless NO_COLOR is set; --json never is."""

    def on_a_terminal(*args: str, **env: str) -> str:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            app.entry("verify", *args),
            cwd=tmp_path,
            env={**app.env, **env},
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=30)
        os.close(leader)
        return output.decode()

    assert "\033[31mFAIL" in on_a_terminal()
    assert "\033[" not in on_a_terminal(NO_COLOR="1")
    assert "\033[" not in on_a_terminal("--json")


def test_verify_knows_the_app_categories_copier_offers() -> None:
    """verify warns about a category OpenRouter would drop: the same list the question offers."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    assert questions["app_categories"]["choices"] == CATALOG["app_categories"]
    assert f"at most {CATALOG['max_categories']}" in questions["app_categories"]["validator"]
