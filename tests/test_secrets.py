"""Keys stay out of git: ignore rules, the answered key's one home, the pre-commit hook."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import gitleaks
from conftest import Installed, render
from harness import ROOT, FakeOpenRouter, Project, install, install_like, new_key

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


def test_npm_install_sets_a_git_hook_that_refuses_staged_keys_and_conflict_markers(
    copie: Any, node_bin: Path
) -> None:
    """A TypeScript project installs its key hook as Node projects do, with no Python tool:
    `npm install` in a git repository (simple-git-hooks, from package.json's prepare script)."""
    project = render(copie, "typescript")
    git(project.path, "init", "-q")
    install(project, node_bin)
    hook = project.path / ".git" / "hooks" / "pre-commit"
    assert "node scripts/pre-commit.cjs" in hook.read_text()

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        return project.run(
            "git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
            "commit", "-q", "-m", message, check=False,
        )  # fmt: skip

    git(project.path, "add", "-A")
    clean = commit("A fresh project")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    key = new_key()
    (project.path / "settings.ts").write_text(f'export const KEY = "{key}";\n')
    git(project.path, "add", "settings.ts")
    (project.path / "settings.ts").write_text("export const KEY = process.env.KEY;\n")
    refused = commit("A key, staged (the working tree no longer holds it)")
    printed = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert f"settings.ts:1: an OpenRouter API key (sk-or-v1-…{key[-4:]})" in printed, printed
    assert key not in printed, "the hook printed a key"
    committed = git(project.path, "ls-tree", "-r", "--name-only", "HEAD").stdout.split()
    assert "settings.ts" not in committed

    git(project.path, "add", "settings.ts")
    (project.path / "notes.md").write_text("<<<<<<< mine\na\n=======\nb\n>>>>>>> theirs\n")
    git(project.path, "add", "notes.md")
    refused = commit("A conflict marker")
    printed = refused.stdout + refused.stderr  # git shows a hook's output on stderr
    assert refused.returncode != 0
    assert "notes.md:1: an unresolved conflict marker" in printed, printed
    assert "notes.md:5: an unresolved conflict marker" in printed, printed

    git(project.path, "rm", "-q", "--cached", "notes.md")
    fixed = commit("The key comes from the environment")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_npm_install_outside_a_git_repository_installs_no_hook_and_succeeds(
    copie: Any, node_bin: Path
) -> None:
    project = install(render(copie, "typescript"), node_bin)  # fails if npm install fails
    assert not (project.path / ".git").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answered_key_file_is_made_private_on_first_use(
    copie: Any, installed: Installed, node_bin: Path, language: str
) -> None:
    """Copier writes files without tasks, so with the reader's umask; the project's first
    run (verify, the starter, login) makes any env file holding a key mode 600."""
    project = render(copie, language, openrouter_api_key=new_key())
    install_like(project, installed(language, "defaults"), node_bin)
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


# --- the key hook on every spelling of a key: template/shared/key-hook.yml ----------------

HOOK_CASES: dict[str, list[Any]] = yaml.safe_load(
    (Path(__file__).parent.parent / "template" / "shared" / "key-hook.yml").read_text()
)
ENCODINGS = {
    "utf-8": ("utf-8", b""),
    "utf-16le": ("utf-16-le", b""),
    "utf-16be": ("utf-16-be", b""),
    "utf-16le-bom": ("utf-16-le", b"\xff\xfe"),
    "utf-16be-bom": ("utf-16-be", b"\xfe\xff"),
}


def hook(app: Project, *paths: Path) -> subprocess.CompletedProcess[str]:
    """Run the project's own key hook on these files, as pre-commit runs it."""
    if app.language == "python":
        command = [sys.executable, "scripts/no_openrouter_keys.py"]
    else:
        command = ["node", "scripts/no-openrouter-keys.cjs"]
    return app.run(*command, *map(str, paths), check=False)


def hook_file(name: str, directory: Path) -> tuple[Path, str]:
    """The row's file, written; and the key it holds."""
    text, saved_as, _, _ = HOOK_CASES[name]
    key = new_key()
    b64 = {
        "{base64}": base64.b64encode(key.encode()),
        "{base64_1}": base64.b64encode(b"\x01" + key.encode()),
        "{base64_2}": base64.b64encode(b"\x01\x02" + key.encode()),
        "{blob}": base64.b64encode(bytes(range(200)) + key.encode() + bytes(range(99))),
    }
    for placeholder, encoded in b64.items():
        text = text.replace(placeholder, encoded.decode())
    encoding, mark = ENCODINGS[saved_as]
    path = directory / f"{name}.txt"
    path.write_bytes(mark + text.replace("{key}", key).encode(encoding))
    return path, key


@pytest.mark.parametrize("name", list(HOOK_CASES))
def test_the_key_hooks_find_every_spelling_of_a_key_and_say_the_same(
    name: str, python_app: Project, typescript_app: Project, tmp_path: Path
) -> None:
    path, key = hook_file(name, tmp_path)
    _, _, phrases, status = HOOK_CASES[name]
    said = {}
    for app in (python_app, typescript_app):
        result = hook(app, path)
        printed = result.stdout + result.stderr
        assert result.returncode == status, f"{app.language}: {printed}"
        at = 0
        for phrase in phrases:
            at = printed.find(phrase, at)
            assert at != -1, f"{app.language} did not say {phrase!r}: {printed}"
        if phrases:
            assert f"…{key[-4:]}" in printed
        assert key not in printed and key[9:] not in printed, f"{app.language} printed the key"
        said[app.language] = printed
    assert said["python"] == said["typescript"]


def test_the_key_hooks_refuse_what_they_cannot_read(
    python_app: Project, typescript_app: Project, tmp_path: Path
) -> None:
    """Fail closed: a file that cannot be checked could hold a key."""
    (tmp_path / "a-directory").mkdir()
    said = {}
    for app in (python_app, typescript_app):
        result = hook(app, tmp_path / "a-directory", tmp_path / "gone.txt")
        assert result.returncode == 1, result.stdout
        assert "a-directory: cannot be read (it is a directory)" in result.stdout
        assert "gone.txt: cannot be read (it does not exist)" in result.stdout
        said[app.language] = result.stdout
    assert said["python"] == said["typescript"]


@pytest.mark.long
def test_the_key_hooks_find_a_key_in_a_320_mb_file_across_a_chunk_border_in_bounded_memory(
    python_app: Project, typescript_app: Project, tmp_path: Path
) -> None:
    """Chunks of the catalog's size, each read with the end of the one before: a key that a
    border cuts in two is found, and the hook's memory stays under half the file's size."""
    chunk = int(
        yaml.safe_load((ROOT / "template" / "shared" / "catalog.yml").read_text())[
            "key_hook_chunk_bytes"
        ]
    )
    key, encoded = new_key(), base64.b64encode(new_key().encode())
    path = tmp_path / "huge.bin"
    with path.open("wb") as file:  # sparse: zeros cost no disk
        file.truncate(320 * 1024 * 1024)
        file.seek(150 * chunk - 30)
        file.write(key.encode())
        file.seek(250 * chunk - 50)
        file.write(b"\n" + encoded + b"\n")
    for app in (python_app, typescript_app):
        command = (
            [sys.executable, "scripts/no_openrouter_keys.py"]
            if app.language == "python"
            else ["node", "scripts/no-openrouter-keys.cjs"]
        )
        process = subprocess.Popen(
            [*command, str(path)], cwd=app.path, env=app.env, stdout=subprocess.PIPE, text=True
        )
        _, wait_status, usage = os.wait4(process.pid, 0)
        out = process.stdout.read() if process.stdout else ""
        assert os.waitstatus_to_exitcode(wait_status) == 1, out
        assert f"huge.bin:1: an OpenRouter API key (sk-or-v1-…{key[-4:]})" in out, out
        assert "huge.bin:2: an OpenRouter API key (sk-or-v1-…" in out and ", base64)" in out, out
        assert usage.ru_maxrss < 160 * 1024, f"{app.language} peaked at {usage.ru_maxrss} KiB"


def hex64(seed: str) -> str:
    """64 hex digits, the same on every run."""
    return hashlib.sha256(seed.encode()).hexdigest()


KEY, OTHER = f"sk-or-v1-{hex64('key')}", f"sk-or-v1-{hex64('other')}"

# Files the key check refuses or lets through: the hook test's own, and the edges
# of a key's shape. gitleaks, with the project's config, must judge each alike.
KEY_CASES: dict[str, bytes] = {
    "settings.py": f'# Settings\nKEY = "{KEY}"\nOTHER = "{OTHER}"\n'.encode(),
    "notes.md": b"<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n",
    ".env.development.example": (
        "OPENROUTER_API_KEY=\n# OPENROUTER_API_KEY=sk-or-v1-...\n"
        "# sk-or-v1-<your key> sk-or-v1-… sk-or-v1-xxxx sk-or-v1-0000 sk-or-v1-your-key-here\n"
        "# OPENROUTER_API_KEY=sk-or-v1-replace-with-your-key\n"
    ).encode(),
    "zeros.env": f"OPENROUTER_API_KEY=sk-or-v1-{'0' * 64}\n".encode(),
    "upper.env": f"OPENROUTER_API_KEY=sk-or-v1-{hex64('upper').upper()}\n".encode(),
    "prefix-upper.env": f"OPENROUTER_API_KEY={KEY.upper()}\n".encode(),
    "short.env": f"OPENROUTER_API_KEY={KEY[:-1]}\n".encode(),
    "long.env": f"OPENROUTER_API_KEY={KEY}0\n".encode(),
    "glued.sh": f"export TOKEN=x{KEY}y\n".encode(),
    "two-on-a-line.json": f'{{"a": "{KEY}", "b": "{OTHER}"}}\n'.encode(),
    "url.txt": f"\n\n\nhttps://example.com/?key={OTHER}&x=1\n".encode(),
    "crlf.env": f"A=1\r\nOPENROUTER_API_KEY={KEY}\r\n".encode(),
    "latin1.txt": b"caf\xe9\n" + KEY.encode() + b"\n",
    "split.txt": f"{KEY[:40]}\n{KEY[40:]}\n".encode(),
    "placeholder-words.txt": f"# replace {KEY}: your key here\n".encode(),
}

FOUND = re.compile(
    r"^(?P<file>[^\n]+):(?P<line>\d+): an OpenRouter API key \(sk-or-v1-…(?P<end>\w{4})\)$"
)


def hook_command(project: Path, language: str, node_bin: Path) -> list[str]:
    """The key check as the project's pre-commit config runs it."""
    if language == "python":
        return [sys.executable, str(project / "scripts" / "no_openrouter_keys.py")]
    return [str(node_bin / "node"), str(project / "scripts" / "no-openrouter-keys.cjs")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_gitleaks_config_finds_what_the_key_hook_refuses(
    copie: Any, node_bin: Path, tmp_path: Path, language: str
) -> None:
    """The project's .gitleaks.toml, read as gitleaks reads it (tests/gitleaks.py), reports
    the keys the pre-commit hook reports, file by file and line by line, and nothing else."""
    result = copie.copy(extra_answers={"language": language})
    assert result.exit_code == 0, result.exception
    project = result.project_dir
    config = gitleaks.load(project / ".gitleaks.toml")
    assert config.raw["extend"] == {"useDefault": True}, "gitleaks' own rules stay on"
    [rule] = config.rules
    assert rule.id == "openrouter-api-key" and rule.keywords == ["sk-or-v1-"]
    assert config.allowlists, "the placeholders are allowed"

    cases = tmp_path / "cases"
    cases.mkdir()
    for name, data in KEY_CASES.items():
        (cases / name).write_bytes(data)
    hook = subprocess.run(
        [*hook_command(project, language, node_bin), *KEY_CASES],
        cwd=cases,
        capture_output=True,
        text=True,
        check=False,
    )
    refused = {
        (match["file"], int(match["line"]), match["end"])
        for match in map(FOUND.match, hook.stdout.splitlines())
        if match
    }
    assert hook.returncode == (1 if refused else 0), hook.stdout + hook.stderr
    reported = {
        (name, line, secret[-4:])
        for name, data in KEY_CASES.items()
        for _, line, secret in gitleaks.findings(config, name, data)
    }
    assert reported == refused
    by_file = {name for name, _, _ in refused}
    assert by_file == {
        "settings.py", "zeros.env", "long.env", "glued.sh", "two-on-a-line.json", "url.txt",
        "crlf.env", "latin1.txt", "placeholder-words.txt",
    }, "the cases cover both verdicts"  # fmt: skip

    # The placeholders docs write for a key pass every rule (gitleaks' generic-api-key takes
    # "sk-or-v1-placeholder-0123456789" for a secret); no key of the rule's shape does.
    placeholders = ["sk-or-v1-...", "sk-or-v1-<your key>", "sk-or-v1-…", "sk-or-v1-xxxx"]
    placeholders += ["sk-or-v1-your-key-here", "sk-or-v1-placeholder-0123456789"]
    for secret, allowed in [*((each, True) for each in placeholders), (KEY, False)]:
        verdict = any(
            each.allows("README.md", secret, secret, secret) for each in config.allowlists
        )
        assert verdict is allowed, secret

    # A fresh project holds no key, for either (the hook test checks every tracked file).
    files = [
        path
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    ]
    for path in files:
        relative = path.relative_to(project).as_posix()
        assert gitleaks.findings(config, relative, path.read_bytes()) == [], relative


def test_the_gitleaks_config_is_one_file_in_both_languages(copie: Any) -> None:
    texts = set()
    for language in LANGUAGES:
        result = copie.copy(extra_answers={"language": language})
        assert result.exit_code == 0, result.exception
        texts.add((result.project_dir / ".gitleaks.toml").read_text(encoding="utf-8"))
    assert len(texts) == 1
