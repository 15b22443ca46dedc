"""login in both languages: a browser (played by the test) approves, the key lands in the env file."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

from harness import FakeOpenRouter, Project, new_key


def start_login(app: Project, directory: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Run login in the background; return it and the authorization URL it printed."""
    process = subprocess.Popen(
        app.entry("login", *args),
        cwd=directory,
        env=app.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines = [process.stderr.readline(), process.stderr.readline()]
    return process, lines[1].strip()


def test_login_saves_a_key_that_verify_accepts(
    app: Project, fake: FakeOpenRouter, tmp_path: Path
) -> None:
    fake.serve_model(app.answers["default_model"])
    (tmp_path / ".env").write_text(f"OPENROUTER_BASE_URL={fake.base_url}\n")
    (tmp_path / ".env.development").write_text("# mine\nOPENROUTER_API_KEY=\nOTHER=kept\n")
    process, url = start_login(app, tmp_path, "--no-browser")

    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{fake.origin}/auth?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["callback_url"][0].startswith("http://localhost:")
    with urlopen(url, timeout=60) as page:  # the fake redirects to the callback
        assert "close this tab" in page.read().decode()

    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    env_file = tmp_path / ".env.development"
    lines = env_file.read_text().splitlines()
    key = lines[1].removeprefix("OPENROUTER_API_KEY=")
    assert key in fake.keys
    assert lines == ["# mine", f"OPENROUTER_API_KEY={key}", "OTHER=kept"]
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert key not in out + err
    assert "PASS  key " in out


def test_login_failures_leave_the_env_file_as_it_was(
    app: Project, fake: FakeOpenRouter, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(f"OPENROUTER_BASE_URL={fake.base_url}\n")
    env_file = tmp_path / ".env.development"
    existing = f"OPENROUTER_API_KEY={new_key()}\n"
    env_file.write_text(existing)

    kept = subprocess.run(
        app.entry("login", "--no-browser"),
        cwd=tmp_path,
        env=app.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert kept.returncode != 0 and "--force" in kept.stderr

    fake.respond("/api/v1/auth/keys", 403, error="Invalid code or code_verifier")
    process, url = start_login(app, tmp_path, "--no-browser", "--force")
    urlopen(url, timeout=60).read()
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0 and "HTTP 403" in err

    process, url = start_login(app, tmp_path, "--no-browser", "--force")
    callback = parse_qs(urlsplit(url).query)["callback_url"][0]
    urlopen(callback + "?error=access_denied", timeout=60).read()
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0 and "access_denied" in err

    assert env_file.read_text() == existing
    assert "Traceback" not in err
