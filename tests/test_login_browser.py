"""login in a real browser: headless Chromium as $BROWSER, both languages, the Python fake.

The fake's /auth sends the browser on to login's callback as OpenRouter does,
and Chromium follows like a user's browser: it also fetches a favicon and opens
a spare connection. What the pages say is read from the shared catalog, so
these tests follow the pages when their words change. With --headless there is
no callback: the browser shows the code, and the user pastes it into login.

Every page's screenshot lands in .cache/screenshots/, light and dark;
`pytest tests/test_login_browser.py --refresh-screenshots` also copies the
Python project's to docs/, where the README shows them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from string import Formatter
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from browser import Browser, Visit, screenshot_in_dark_mode, visit
from harness import CACHE, ROOT, FakeOpenRouter, Project

CATALOG = ROOT / "template" / "shared" / "catalog.yml"
MESSAGES = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["messages"]
SCREENSHOTS = CACHE / "screenshots"
DOCS = ROOT / "docs"
ENVIRONMENT = "development"
LOGIN_TIMEOUT = 120  # seconds; a sign-in takes about two
PNG = b"\x89PNG\r\n\x1a\n"


def says(message_id: str, part: int = 0, **values: str) -> re.Pattern[str]:
    """A catalog text (0: the message, 1: the hint) as a page shows it.

    Placeholders given in values are filled in; the others match any text.
    """
    pattern = ""
    for literal, field, _, _ in Formatter().parse(MESSAGES[message_id][part]):
        pattern += re.escape(literal)
        if field is not None:
            pattern += re.escape(values[field]) if field in values else ".+?"
    return re.compile(pattern)


def assert_shows(page: Visit, *texts: re.Pattern[str]) -> None:
    for text in texts:
        assert text.search(page.text), f"the page lacks {text.pattern!r}: {page.text!r}"


def signed_in_page(app: Project) -> list[re.Pattern[str]]:
    title = app.answers["app_title"]
    return [
        says("login.page_signed_in", 0),
        says("login.page_signed_in", 1, app_title=title, environment=ENVIRONMENT),
        says("login.page_signed_in_next"),
    ]


def failed_page() -> list[re.Pattern[str]]:
    return [
        says("login.page_failed", 0),
        says("login.page_failed", 1, environment=ENVIRONMENT),
        says("login.page_failed_next"),
    ]


def login_in_browser(
    app: Project, directory: Path, browser: Browser
) -> tuple[subprocess.CompletedProcess[str], Visit]:
    """Run login with the browser; return how it ended and the page the browser ended on."""
    with subprocess.Popen(
        app.entry("login"),
        cwd=directory,
        env={**app.env, "BROWSER": str(browser.command)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            page = browser.next_visit(process)
            assert page.loaded, f"the browser loaded no page: {page.log}"
            out, err = process.communicate(timeout=LOGIN_TIMEOUT)
        finally:
            process.kill()  # if it is still waiting: the test failed already
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), page


def project_directory(fake: FakeOpenRouter, directory: Path, env_file: str) -> Path:
    """A directory to run login in: .env points at the fake, .env.development as given."""
    (directory / ".env").write_text(f"OPENROUTER_BASE_URL={fake.base_url}\n")
    (directory / f".env.{ENVIRONMENT}").write_text(env_file)
    return directory / f".env.{ENVIRONMENT}"


def requests_to(fake: FakeOpenRouter, method: str, path: str) -> int:
    return sum(r.method == method and urlsplit(r.path).path == path for r in fake.requests)


def keep_screenshots(
    request: pytest.FixtureRequest, chromium: Path, app: Project, page: Visit, outcome: str
) -> None:
    """Keep the page's screenshot, and one in dark mode, under .cache/screenshots/."""
    light = Path(page.screenshot)
    assert light.read_bytes().startswith(PNG), "no screenshot"
    dark = screenshot_in_dark_mode(chromium, page, light.parent)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    targets = [SCREENSHOTS / f"{app.language}-login-{outcome}"]
    if app.language == "python" and request.config.getoption("--refresh-screenshots"):
        DOCS.mkdir(exist_ok=True)
        targets.append(DOCS / f"login-{outcome}")
    for target in targets:
        shutil.copyfile(light, target.with_name(target.name + ".png"))
        shutil.copyfile(dark, target.with_name(target.name + "-dark.png"))


def test_login_in_a_browser_saves_one_key_and_ends_on_the_success_page(
    app: Project,
    fake: FakeOpenRouter,
    browser: Browser,
    chromium: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    fake.serve_model(app.answers["default_model"])
    env_file = project_directory(fake, tmp_path, "# mine\nOPENROUTER_API_KEY=\nOTHER=kept\n")

    result, page = login_in_browser(app, tmp_path, browser)

    assert result.returncode == 0, result.stdout + result.stderr
    # The favicon and the spare connections changed nothing: one sign-in, one key.
    assert requests_to(fake, "GET", "/auth") == 1
    assert requests_to(fake, "POST", "/api/v1/auth/keys") == 1
    (key,) = fake.keys
    assert env_file.read_text() == f"# mine\nOPENROUTER_API_KEY={key}\nOTHER=kept\n"
    assert_shows(page, *signed_in_page(app))
    assert not failed_page()[0].search(page.text)
    assert key not in page.page + result.stdout + result.stderr
    keep_screenshots(request, chromium, app, page, "success")


def test_login_refused_in_the_browser_ends_on_the_failure_page_and_keeps_the_env_file(
    app: Project,
    fake: FakeOpenRouter,
    browser: Browser,
    chromium: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    fake.auth_error = "access_denied"  # the user pressed "Deny" on OpenRouter's page
    before = "# mine\nOPENROUTER_API_KEY=\nOTHER=kept\n"
    env_file = project_directory(fake, tmp_path, before)

    result, page = login_in_browser(app, tmp_path, browser)

    assert result.returncode == 1, result.stdout + result.stderr
    assert requests_to(fake, "GET", "/auth") == 1
    assert requests_to(fake, "POST", "/api/v1/auth/keys") == 0
    assert env_file.read_text() == before
    assert fake.keys == {}
    assert_shows(page, *failed_page(), says("login.denied", detail="access_denied"))
    assert not signed_in_page(app)[0].search(page.text)
    assert "Traceback" not in result.stderr
    keep_screenshots(request, chromium, app, page, "failure")


def test_headless_login_takes_the_code_the_browser_shows(
    app: Project, fake: FakeOpenRouter, chromium: Path, tmp_path: Path
) -> None:
    """--headless: the user opens the URL anywhere and pastes the code OpenRouter shows."""
    fake.serve_model(app.answers["default_model"])
    env_file = project_directory(fake, tmp_path, "OPENROUTER_API_KEY=\n")
    with subprocess.Popen(
        app.entry("login", "--headless"),
        cwd=tmp_path,
        env=app.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdin is not None and process.stderr is not None
        url = ""
        while not url.startswith(f"{fake.origin}/auth?"):
            line = process.stderr.readline()
            assert line, "login printed no authorization URL"
            url = line.strip()
        assert "callback_url" not in parse_qs(urlsplit(url).query)

        page = visit(chromium, url, tmp_path / "headless")
        assert page.loaded, f"the browser loaded no page: {page.log}"
        code = page.element_text("code")
        assert code == fake.last_code
        out, err = process.communicate(code + "\n", timeout=LOGIN_TIMEOUT)

    assert process.returncode == 0, out + err
    (key,) = fake.keys
    assert env_file.read_text() == f"OPENROUTER_API_KEY={key}\n"
    assert key not in out + err


def test_the_readme_shows_the_success_page() -> None:
    """The README's login section shows the screenshots --refresh-screenshots makes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("login-success.png", "login-success-dark.png"):
        assert f'"docs/{name}"' in readme
        assert (DOCS / name).read_bytes().startswith(PNG), f"docs/{name} is no PNG"
