"""Keys stay out of git: ignore rules, the answered key's one home, the pre-commit hook."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import render
from harness import FakeOpenRouter, install, new_key

LANGUAGES = ["python", "typescript"]


def git(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=check,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_real_env_files_are_ignored_and_examples_are_tracked(copie: Any, language: str) -> None:
    key = new_key()
    result = copie.copy(extra_answers={"language": language, "openrouter_api_key": key})
    assert result.exit_code == 0, result.exception
    project = result.project_dir
    for name in (".env", ".env.production", ".env.local", "settings.local"):
        (project / name).write_text(f"OPENROUTER_API_KEY={new_key()}\n")
    git(project, "init", "-q")
    git(project, "add", "-A")

    tracked = git(project, "ls-files").stdout.split()
    real = [".env", ".env.development", ".env.production", ".env.local", "settings.local"]
    for name in real:
        assert git(project, "check-ignore", "-q", name, check=False).returncode == 0, (
            f"{name} is not ignored"
        )
        assert name not in tracked
    for environment in ("development", "staging", "production"):
        example = f".env.{environment}.example"
        assert git(project, "check-ignore", "-q", example, check=False).returncode == 1, (
            f"{example} is ignored"
        )
        assert example in tracked

    assert (project / ".env.development").read_text().count(key) == 1
    assert git(project, "grep", "-q", key, check=False).returncode == 1, (
        "a tracked file holds the key"
    )
    answers = (project / ".copier-answers.yml").read_text()
    assert key not in answers and "openrouter_api_key" not in answers


GUARDS = {"no-openrouter-keys", "no-conflict-markers"}


def local_hooks_config(project: Path, tmp_path: Path) -> Path:
    """The project's pre-commit config, keeping only the guards (which need no download)."""
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    local = [repo for repo in config["repos"] if repo["repo"] == "local"]
    hooks = [hook for repo in local for hook in repo["hooks"] if hook["id"] in GUARDS]
    assert {hook["id"] for hook in hooks} == GUARDS
    assert {hook["language"] for hook in hooks} <= {"system", "pygrep"}, "no download"
    path = tmp_path / "pre-commit-local.yaml"
    path.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pre_commit_hook_refuses_a_key_and_conflict_markers_never_printing_the_key(
    copie: Any, node_bin: Path, tmp_path: Path, language: str
) -> None:
    result = copie.copy(extra_answers={"language": language})
    assert result.exit_code == 0, result.exception
    project = result.project_dir
    config = local_hooks_config(project, tmp_path)
    git(project, "init", "-q")
    git(project, "add", "-A")

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        command = [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "--config",
            str(config),
            "--files",
            *files,
        ]
        return subprocess.run(command, cwd=project, capture_output=True, text=True)

    clean = pre_commit(*git(project, "ls-files").stdout.split())
    assert clean.returncode == 0, clean.stdout

    key, other = new_key(), new_key()
    (project / "settings.py").write_text(f'# Settings\nKEY = "{key}"\nOTHER = "{other}"\n')
    (project / "notes.md").write_text(
        "<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"
    )
    git(project, "add", "settings.py", "notes.md")
    refused = pre_commit("settings.py", "notes.md")
    printed = refused.stdout + refused.stderr
    assert refused.returncode == 1
    assert f"settings.py:2: an OpenRouter API key (sk-or-v1-…{key[-4:]})" in printed
    assert f"settings.py:3: an OpenRouter API key (sk-or-v1-…{other[-4:]})" in printed
    assert "revoke it at https://openrouter.ai/settings/keys" in printed
    assert "notes.md" in printed
    assert key not in printed and other not in printed, "the hook printed a key"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answered_key_file_is_made_private_on_first_use(
    copie: Any, node_bin: Path, language: str
) -> None:
    """Copier writes files without tasks, so with the reader's umask; the project's first
    run (verify, the starter, login) makes any env file holding a key mode 600."""
    project = install(render(copie, language, openrouter_api_key=new_key()), node_bin)
    env_file = project.path / ".env.development"
    env_file.chmod(0o644)
    with FakeOpenRouter() as fake:
        result = project.run(
            *project.entry("verify", "--json"),
            env={"OPENROUTER_BASE_URL": fake.base_url},
            check=False,
        )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert "made private" in json.loads(result.stdout)["checks"][0]["message"]
