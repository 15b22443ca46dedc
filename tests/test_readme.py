"""The generated README's quick start works as written, and copier's next steps say the same.

The commands are read from the rendered README and run with `sh -e`, as a
user would paste them, against the fake OpenRouter (its URL and, where no key
was answered, a key it accepts exported as a user would).
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uv

from conftest import render
from harness import ROOT, FakeOpenRouter, Project


def shell_blocks(project: Project, section: str = "Quick start") -> list[str]:
    """The ```sh blocks of one section of the project's README, in order."""
    readme = (project.path / "README.md").read_text(encoding="utf-8")
    body = readme.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", body, re.DOTALL)


def user_path(tmp_path: Path, project: Project, *more: Path) -> str:
    """PATH as a user with uv installed has it: uv and uvx, then the machine's."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("uv", "uvx"):
        (tools / name).symlink_to(Path(uv.find_uv_bin()).with_name(name))
    return os.pathsep.join([str(tools), *map(str, more), project.env["PATH"]])


def path_without_uv(project: Project, *more: Path) -> str:
    """PATH as on a fresh machine with python3, git and node: no directory holding uv."""
    directories = [*map(str, more), *project.env["PATH"].split(os.pathsep)]
    path = os.pathsep.join(
        directory
        for directory in directories
        if directory and not (Path(directory) / "uv").exists()
    )
    assert shutil.which("uv", path=path) is None, path
    return path


def run_as_written(project: Project, block: str, **env: str) -> subprocess.CompletedProcess[str]:
    return project.run("sh", "-e", "-c", block, env=env)


@pytest.mark.long
def test_the_python_quick_start_works_as_written_and_keeps_the_answered_key(
    copie: Any, fake: FakeOpenRouter, tmp_path: Path
) -> None:
    key = fake.add_key()
    project = render(copie, "python", openrouter_api_key=key)
    env_file = project.path / ".env.development"
    answered = env_file.read_text(encoding="utf-8")
    fake.serve_model(project.answers["default_model"])

    quick_start = shell_blocks(project)[0]
    assert "uv sync" in quick_start and "git init" in quick_start
    # A machine without uv: the first line puts it into .venv, and uv sync keeps it there.
    result = run_as_written(
        project, quick_start, PATH=path_without_uv(project), OPENROUTER_BASE_URL=fake.base_url
    )
    assert result.stdout.endswith(fake.reply + "\n"), result.stdout
    assert env_file.read_text(encoding="utf-8") == answered, "the answered key was overwritten"
    assert (project.path / ".git" / "hooks" / "pre-commit").is_file()
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {key}"
    assert (project.path / ".venv" / "bin" / "uv").is_file(), "uv sync removed uv from .venv"


def test_the_python_quick_start_with_uv_installed_leaves_uv_alone(
    copie: Any, fake: FakeOpenRouter, tmp_path: Path
) -> None:
    """With uv on PATH the first line does nothing: no pip, and uv sync makes .venv."""
    project = render(copie, "python")
    fake.serve_model(project.answers["default_model"])
    result = run_as_written(
        project,
        shell_blocks(project)[0],
        PATH=user_path(tmp_path, project),
        OPENROUTER_BASE_URL=fake.base_url,
        OPENROUTER_API_KEY=fake.add_key(),
    )
    assert result.stdout.endswith(fake.reply + "\n"), result.stdout
    assert not (project.path / ".venv" / "bin" / "pip").exists(), "pip made .venv, not uv"


def test_the_typescript_quick_start_works_as_written(
    copie: Any, fake: FakeOpenRouter, node_bin: Path
) -> None:
    """On a machine without uv (or any Python tooling): npm installs the key hook too."""
    project = render(copie, "typescript")
    fake.serve_model(project.answers["default_model"])

    quick_start = shell_blocks(project)[0]
    assert "npm install" in quick_start and "git init" in quick_start
    result = run_as_written(
        project,
        quick_start,
        PATH=path_without_uv(project, node_bin),
        OPENROUTER_BASE_URL=fake.base_url,
        OPENROUTER_API_KEY=fake.add_key(),
    )
    assert result.stdout.endswith(fake.reply + "\n"), result.stdout
    example = project.path / ".env.development.example"
    assert (project.path / ".env.development").read_bytes() == example.read_bytes()
    assert (project.path / ".git" / "hooks" / "pre-commit").is_file()


@pytest.mark.long
def test_the_pip_alternative_works_as_written(copie: Any, fake: FakeOpenRouter) -> None:
    """Without uv: a venv, pip >= 25.1, `pip install -e . --group dev`, the tools in .venv/bin."""
    project = render(copie, "python")
    fake.serve_model(project.answers["default_model"])
    pip_block = shell_blocks(project)[1]
    assert "--group dev" in pip_block
    project.run("git", "init", "-q")

    run_as_written(
        project, pip_block, OPENROUTER_BASE_URL=fake.base_url, OPENROUTER_API_KEY=fake.add_key()
    )
    bin_dir = project.path / ".venv" / "bin"
    pip_version = project.run(str(bin_dir / "pip"), "--version").stdout.split()[1]
    assert tuple(int(part) for part in pip_version.split(".")[:2]) >= (25, 1), pip_version
    for tool in ("ruff", "mypy"):
        project.run(str(bin_dir / tool), "--version")
    project.run(
        str(bin_dir / "pytest"), "-q", "-p", "no:cacheprovider", "tests/openrouter/test_config.py"
    )


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_the_next_steps_are_the_readme_quick_start(tmp_path: Path, language: str) -> None:
    destination = tmp_path / "my app"
    copy = [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD"]
    result = subprocess.run(
        [*copy, "-d", f"language={language}", str(ROOT), str(destination)],
        capture_output=True,
        text=True,
        check=True,
    )
    project = Project(destination, language, {}, {})
    steps = [f"cd {shlex.quote(str(destination))}", *shell_blocks(project)[0].splitlines()]
    assert "\n".join(f"  {step}" for step in steps) in result.stderr, result.stderr


@contextmanager
def serving(project: Project, command: str, **env: str) -> Iterator[str]:
    """Run a server command; give the first line it prints on stdout ("" if it ends first)."""
    process = subprocess.Popen(
        ["sh", "-c", f"exec {command}"],
        cwd=project.path,
        env={**project.env, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        yield process.stdout.readline() if ready else ""
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_the_fakes_options_work_as_the_readme_writes_them(
    copie: Any, language: str, request: pytest.FixtureRequest
) -> None:
    """`--port` and `--management-key`, spelled as "Try it without a key" spells them (npm
    takes options before `--` as its own)."""
    project = render(copie, language)
    path = project.env["PATH"]
    if language == "typescript":
        path = os.pathsep.join([str(request.getfixturevalue("node_bin")), path])
    (block,) = shell_blocks(project, "Try it without a key")
    fake = block.strip()
    readme = (project.path / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Try it without a key\n", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(rf"`({re.escape(fake)} [^`]*)`", section)
    options = [option.split()[-2] for option in documented]
    assert options == ["--port", "--management-key"], documented
    # The fake uses the standard library alone: the machine's Python runs it, as uv run would.
    python = shlex.quote(sys.executable)

    def as_run(command: str) -> str:
        return command.replace("uv run python", python, 1)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    on_port = as_run(documented[0].replace("5555", str(port)))
    with serving(project, on_port, PATH=path) as line:
        assert line == f"OPENROUTER_BASE_URL=http://127.0.0.1:{port}/api/v1\n"
    management_key = "sk-or-v1-" + "5" * 64
    with_key = as_run(documented[1].replace("KEY", management_key))
    with serving(project, with_key, PATH=path) as line:
        base_url = line.strip().removeprefix("OPENROUTER_BASE_URL=")
        listing = urllib.request.Request(
            f"{base_url}/keys", headers={"Authorization": f"Bearer {management_key}"}
        )
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with direct.open(listing, timeout=30) as response:
            assert response.status == 200
