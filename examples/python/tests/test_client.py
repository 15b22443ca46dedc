"""The one client factory: OpenRouter's URL and key, and the attribution headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from my_openrouter_app.client import (
    attribution_headers,
    create_client,
    header_text,
    header_url,
)
from my_openrouter_app.config import (
    DEFAULTS,
    Problem,
    load_settings,
)

from fake_openrouter import FakeOpenRouter


def test_requests_carry_the_key_and_attribution_headers(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    key = use_fake(
        OPENROUTER_APP_TITLE="My App", OPENROUTER_APP_CATEGORIES="cli-agent,general-chat"
    )
    create_client(load_settings()).get("/key", cast_to=object)
    headers = fake.requests[-1].headers
    assert headers["Authorization"] == f"Bearer {key}"
    assert headers["HTTP-Referer"] == header_url(DEFAULTS["OPENROUTER_HTTP_REFERER"])
    assert headers["X-OpenRouter-Title"] == headers["X-Title"] == "My App"
    assert headers["X-OpenRouter-Categories"] == "cli-agent,general-chat"


def test_non_ascii_title_is_folded_to_ascii(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    use_fake(OPENROUTER_APP_TITLE='"Café Déjà Vu 日本語 ✨"')
    create_client(load_settings()).get("/key", cast_to=object)
    assert fake.requests[-1].headers["X-OpenRouter-Title"] == "Cafe Deja Vu"
    assert fake.requests[-1].headers["X-Title"] == "Cafe Deja Vu"


def test_title_headers_are_left_out_when_nothing_ascii_remains(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    use_fake(OPENROUTER_APP_TITLE="日本語アプリ")
    headers = attribution_headers(load_settings())
    assert "X-OpenRouter-Title" not in headers
    assert "X-Title" not in headers
    create_client(load_settings()).get("/key", cast_to=object)
    assert "X-Title" not in fake.requests[-1].headers


def test_non_ascii_referer_is_percent_encoded(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    use_fake(OPENROUTER_HTTP_REFERER="https://café.example/ü?q=ß")
    assert (
        attribution_headers(load_settings())["HTTP-Referer"]
        == "https://caf%C3%A9.example/%C3%BC?q=%C3%9F"
    )


def test_openai_variables_are_never_used(
    fake: FakeOpenRouter, use_fake: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = use_fake()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-should-not-be-sent")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv(
        "OPENAI_CUSTOM_HEADERS", "Authorization: Bearer sk-openai-should-not-be-sent"
    )
    create_client(load_settings()).get("/key", cast_to=object)
    assert fake.requests[-1].path == "/api/v1/key"
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {key}"


@pytest.mark.parametrize("key", ["", "sk-or-v1-...", "sk-or-v1-caf\u00e9"])
def test_an_unusable_key_is_refused_before_any_request(
    fake: FakeOpenRouter, use_fake: Callable[..., str], key: str
) -> None:
    use_fake(OPENROUTER_API_KEY=key)
    with pytest.raises(Problem):
        create_client(load_settings())
    assert fake.requests == []


def test_header_text_strips_accents_and_drops_the_rest() -> None:
    assert header_text("Crème brûlée — 🍮 Ｆｕｌｌ") == "Creme brulee Full"
    assert header_text('Say "hi" \\ {x}  twice') == 'Say "hi" \\ {x} twice'
