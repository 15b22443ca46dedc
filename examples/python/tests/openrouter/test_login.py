# Maintained by the OpenRouter app template: copier update replaces this file.
"""login: OAuth PKCE by policy, on 127.0.0.1 or headless, with the test as browser and user."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from my_openrouter_app.openrouter.config import (
    load_settings,
)
from my_openrouter_app.openrouter.login import (
    CallbackServer,
    page,
    printable,
)

from keys_scenarios import Scenario, scenarios_for
from players import PROJECT

LOGIN = [scenario for scenario in scenarios_for(PROJECT) if scenario.program == "login"]


@pytest.mark.parametrize("scenario", LOGIN, ids=lambda scenario: scenario.name)
def test_login(scenario: Scenario, play: Callable[[Scenario], None]) -> None:
    play(scenario)


def test_the_page_names_the_app_and_the_environment_and_escapes_them(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_APP_TITLE", '<script>alert("x")</script> & {environment}')
    settings = load_settings()
    signed_in = page(settings, signed_in=True, detail="", next_command="verify").decode()
    assert "<script>" not in signed_in
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; {environment}" in signed_in
    assert f".env.{settings.environment}" in signed_in and "never shown" in signed_in
    assert '<html lang="en">' in signed_in and '<meta charset="utf-8">' in signed_in
    assert "prefers-color-scheme: dark" in signed_in
    assert "http" not in signed_in, "no external requests"
    failed = page(settings, signed_in=False, detail="It <broke>.", next_command="login --env x")
    assert "It &lt;broke&gt;." in failed.decode() and "login --env x" in failed.decode()


def test_the_pages_come_with_a_content_security_policy(isolated: Path) -> None:
    settings = load_settings()
    with CallbackServer.listen(0) as server:
        url = f"http://127.0.0.1:{server.port}{server.path}?code=abc"
        answered: list[dict[str, str]] = []

        def browser() -> None:
            with urllib.request.urlopen(url, timeout=60) as response:
                answered.append(dict(response.headers))

        opened = threading.Thread(target=browser)
        opened.start()
        assert server.wait(60, "login").code == "abc"
        server.answer(page(settings, signed_in=True, detail="", next_command="verify"))
        opened.join(60)
    (headers,) = answered
    assert headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_text_from_the_callback_loses_its_control_characters() -> None:
    hostile = "\x1b]0;title\x07\x1b[31mred\x1b[0m\u202egnp.exe\r\nnext\u2028line\x00"
    assert printable(hostile) == "]0;title [31mred [0m gnp.exe next line"
    assert len(printable("x" * 500)) == 200


def test_the_callback_path_differs_for_each_login() -> None:
    with CallbackServer.listen(0) as first, CallbackServer.listen(0) as second:
        assert first.path.startswith("/callback/") and len(first.path) > len("/callback/") + 16
        assert first.path != second.path


def test_the_callback_listens_on_the_loopback_address_only() -> None:
    with CallbackServer.listen(0) as server:
        assert server.server_address[0] == "127.0.0.1"
