"""login: OAuth PKCE against the fake, with the test playing the browser."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from my_openrouter_app.config import (
    DEFAULT_ENVIRONMENT,
)
from my_openrouter_app.envfile import (
    parse,
)

from fake_openrouter import FakeOpenRouter, new_key

ENV_FILE = f".env.{DEFAULT_ENVIRONMENT}"
LOGIN_MODULE = "my_openrouter_app.login"


class Login:
    """python -m my_openrouter_app.login running in the background, up to its URL."""

    def __init__(self, directory: Path, *args: str, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", LOGIN_MODULE, *args]
        environ = {**os.environ, **(env or {})}
        self.process = subprocess.Popen(
            command,
            cwd=directory,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        self.before_url = self.process.stderr.readline()
        self.url = self.process.stderr.readline().strip()

    @property
    def query(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(urlsplit(self.url).query).items()}

    def browse(self, url: str) -> str:
        """Do what the browser would: open the URL, follow the redirect, read the page."""
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as error:
            return str(error.read().decode())

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, self.before_url + self.url + "\n" + err


@pytest.fixture
def project(isolated: Path, fake: FakeOpenRouter) -> Path:
    """A project whose .env points at the fake, and whose env file holds no key yet."""
    (isolated / ".env").write_text(f"OPENROUTER_BASE_URL={fake.base_url}\n")
    return isolated


def test_login_saves_a_verified_key_without_ever_showing_it(
    project: Path, fake: FakeOpenRouter
) -> None:
    kept = (
        "# my notes\nOPENROUTER_MODEL=google/gemini-2.5-flash-lite\nOPENROUTER_API_KEY=\nMY_OWN=1\n"
    )
    (project / ENV_FILE).write_text(kept)
    login = Login(project, "--no-browser")
    assert login.url.startswith(f"{fake.origin}/auth?")
    assert login.query["code_challenge_method"] == "S256"
    assert len(login.query["code_challenge"]) == 43
    assert login.query["callback_url"].startswith("http://localhost:")
    assert "close this tab" in login.browse(login.url)

    status, out, err = login.finish()
    assert status == 0, err
    saved = parse((project / ENV_FILE).read_text())
    key = saved["OPENROUTER_API_KEY"]
    assert key in fake.keys
    assert (project / ENV_FILE).read_text() == kept.replace(
        "OPENROUTER_API_KEY=", f"OPENROUTER_API_KEY={key}"
    )
    assert stat.S_IMODE((project / ENV_FILE).stat().st_mode) == 0o600
    assert key not in out + err
    assert "key_format" in out
    exchange = next(r for r in fake.requests if r.path == "/api/v1/auth/keys").json()
    assert len(exchange["code_verifier"]) >= 43
    assert exchange["code_challenge_method"] == "S256"


def test_a_missing_env_file_starts_from_its_example(project: Path, fake: FakeOpenRouter) -> None:
    (project / f"{ENV_FILE}.example").write_text("# example\nOPENROUTER_API_KEY=\n")
    login = Login(project, "--no-browser")
    login.browse(login.url)
    status, _, err = login.finish()
    assert status == 0, err
    assert (project / ENV_FILE).read_text().startswith("# example\nOPENROUTER_API_KEY=sk-or-v1-")


def test_the_browser_command_gets_the_url(project: Path, fake: FakeOpenRouter) -> None:
    browser = project / "browser.py"
    browser.write_text("import sys, urllib.request\nurllib.request.urlopen(sys.argv[1]).read()\n")
    login = Login(project, env={"BROWSER": f"{sys.executable} {browser}"})
    status, _, err = login.finish()
    assert status == 0, err
    assert parse((project / ENV_FILE).read_text())["OPENROUTER_API_KEY"] in fake.keys


def test_force_replaces_an_existing_key(project: Path, fake: FakeOpenRouter) -> None:
    old = new_key()
    (project / ENV_FILE).write_text(f"OPENROUTER_API_KEY={old}\n")
    login = Login(project, "--no-browser", "--force")
    login.browse(login.url)
    status, out, err = login.finish()
    assert status == 0, err
    assert old not in (project / ENV_FILE).read_text()
    assert old not in out + err


def assert_fails(login: Login, *, saying: str) -> None:
    status, _, err = login.finish()
    assert status == 1
    assert saying in err
    assert "Traceback" not in err


def test_an_existing_key_is_kept_without_force(project: Path) -> None:
    existing = f"OPENROUTER_API_KEY={new_key()}\n"
    (project / ENV_FILE).write_text(existing)
    assert_fails(Login(project, "--no-browser"), saying="--force")
    assert (project / ENV_FILE).read_text() == existing


@pytest.mark.parametrize(
    ("query", "expect"),
    [("", "without an authorization code"), ("?error=access_denied", "access_denied")],
)
def test_a_callback_without_a_code_changes_nothing(project: Path, query: str, expect: str) -> None:
    login = Login(project, "--no-browser")
    login.browse(login.query["callback_url"] + query)
    assert_fails(login, saying=expect)
    assert not (project / ENV_FILE).exists()


def test_a_failed_exchange_changes_nothing(project: Path, fake: FakeOpenRouter) -> None:
    fake.respond("/api/v1/auth/keys", 403, error="Invalid code or code_verifier")
    login = Login(project, "--no-browser")
    login.browse(login.url)
    assert_fails(login, saying="HTTP 403")
    assert not (project / ENV_FILE).exists()


def test_no_answer_within_the_timeout(project: Path) -> None:
    assert_fails(Login(project, "--no-browser", "--timeout", "1"), saying="within 1 s")
    assert not (project / ENV_FILE).exists()


def test_a_taken_port_is_refused(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert_fails(Login(project, "--no-browser", "--port", str(port)), saying=f"Port {port}")
    assert not (project / ENV_FILE).exists()


def test_no_browser_available(project: Path) -> None:
    assert_fails(Login(project, env={"BROWSER": "false"}), saying="--no-browser")
    assert not (project / ENV_FILE).exists()
