"""The generated README's quick start works as written, and copier's next steps say the same.

The commands are read from the rendered README and run with `sh -e`, as a
user would paste them, against the fake OpenRouter (its URL and, where no key
was answered, a key it accepts exported as a user would).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
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


def run_as_written(project: Project, block: str, **env: str) -> subprocess.CompletedProcess[str]:
    return project.run("sh", "-e", "-c", block, env=env)


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
    result = run_as_written(
        project, quick_start, PATH=user_path(tmp_path, project), OPENROUTER_BASE_URL=fake.base_url
    )
    assert result.stdout.endswith(fake.reply + "\n"), result.stdout
    assert env_file.read_text(encoding="utf-8") == answered, "the answered key was overwritten"
    assert (project.path / ".git" / "hooks" / "pre-commit").is_file()
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {key}"


def test_the_typescript_quick_start_works_as_written(
    copie: Any, fake: FakeOpenRouter, node_bin: Path, tmp_path: Path
) -> None:
    project = render(copie, "typescript")
    fake.serve_model(project.answers["default_model"])

    quick_start = shell_blocks(project)[0]
    assert "npm install" in quick_start and "git init" in quick_start
    result = run_as_written(
        project,
        quick_start,
        PATH=user_path(tmp_path, project, node_bin),
        OPENROUTER_BASE_URL=fake.base_url,
        OPENROUTER_API_KEY=fake.add_key(),
    )
    assert result.stdout.endswith(fake.reply + "\n"), result.stdout
    example = project.path / ".env.development.example"
    assert (project.path / ".env.development").read_bytes() == example.read_bytes()
    assert (project.path / ".git" / "hooks" / "pre-commit").is_file()


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
