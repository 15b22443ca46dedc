# Maintained by the OpenRouter app template: copier update replaces this file.
"""The one client factory: OpenRouter's URL and key, the attribution headers, and its guards."""

from __future__ import annotations

import asyncio
import resource
from collections.abc import Callable

import openai
import pytest

from my_openrouter_app.openrouter import verify
from my_openrouter_app.openrouter.client import (
    attribution_headers,
    create_async_client,
    create_client,
    header_text,
    header_url,
    parse_json,
)
from my_openrouter_app.openrouter.config import (
    DEFAULTS,
    Problem,
    load_settings,
)
from my_openrouter_app.openrouter.explain import (
    AnswerTooLarge,
    explain,
)

import reference_starter as starter
from fake_server import CHAT, FakeOpenRouter


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


OPENAI_VARIABLES = {
    "OPENAI_ORG_ID": "org-not-for-openrouter",
    "OPENAI_PROJECT_ID": "proj_not_for_openrouter",
    "OPENAI_CUSTOM_HEADERS": "OpenAI-Organization: org-custom\nX-Proxy-Secret: s3cret\n"
    "Authorization: Bearer sk-openai-should-not-be-sent",
}


def test_no_request_carries_what_openai_variables_would_add(
    fake: FakeOpenRouter,
    use_fake: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS never reach OpenRouter."""
    key = use_fake()
    for name, value in OPENAI_VARIABLES.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    client = create_client(settings)
    client.get("/key", cast_to=object)
    client.with_options(max_retries=0).get("/key", cast_to=object)

    async def asynchronously() -> None:
        async with create_async_client(settings) as async_client:
            await async_client.get("/key", cast_to=object)

    asyncio.run(asynchronously())
    assert starter.main(["Say hello"]) == 0
    assert verify.main(["--chat"]) == 0, capsys.readouterr().out
    assert len(fake.requests) >= 7  # three here, the starter's, and verify's three or four
    for request in fake.requests:
        assert request.headers["Authorization"] == f"Bearer {key}"
        for name in ("OpenAI-Organization", "OpenAI-Project", "X-Proxy-Secret"):
            assert name not in request.headers, f"{request.path} sent {name}"


def test_a_redirect_is_never_followed(fake: FakeOpenRouter, use_fake: Callable[..., str]) -> None:
    use_fake()
    fake.redirect("/api/v1/key")
    settings = load_settings()
    with pytest.raises(openai.APIStatusError) as raised:
        create_client(settings).get("/key", cast_to=object)
    assert raised.value.status_code == 307
    assert len(fake.requests) == 1, "the redirect was followed"
    text = explain(raised.value, settings)
    port = fake.origin.rsplit(":", 1)[1]
    assert f"redirected the request to http://localhost:{port}" in text.message
    assert "OPENROUTER_BASE_URL" in str(text.hint)


def test_answers_are_read_up_to_1_mib(fake: FakeOpenRouter, use_fake: Callable[..., str]) -> None:
    use_fake()
    fake.respond("/api/v1/key", body=b"[" + b"0," * (1 << 19) + b"0]")
    settings = load_settings()
    with pytest.raises(AnswerTooLarge) as raised:
        create_client(settings).get("/key", cast_to=object)
    assert "larger than 1 MiB" in explain(raised.value, settings).message


def test_a_gzip_bomb_is_never_inflated_past_the_bound(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    use_fake()
    fake.gzip_bomb("/api/v1/key")  # 1 GiB once inflated
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(AnswerTooLarge):
        create_client(load_settings()).get("/key", cast_to=object)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown_kib < 32 * 1024, f"peak memory grew by {grown_kib} KiB"


@pytest.mark.parametrize(
    "text",
    ['{"limit": NaN}', '{"limit": Infinity}', '{"limit": -Infinity}', "{broken", "\xff"],
)
def test_nan_and_infinity_make_an_answer_malformed(text: str) -> None:
    assert parse_json(text.encode("latin-1")) is None


def test_numbers_past_any_amount_of_money_read_as_absent() -> None:
    huge = "1" + "0" * 400
    parsed = parse_json(b'{"a": ' + huge.encode() + b', "b": 1e400, "c": -1e16, "d": 12.5, "e": 3}')
    assert parsed == {"a": None, "b": None, "c": None, "d": 12.5, "e": 3}


def test_the_sdks_own_options_pass_through(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    key = use_fake()
    headers = {"X-Trace": "on", "Authorization": "Bearer sk-elsewhere"}
    client = create_client(load_settings(), timeout=7.5, max_retries=5, default_headers=headers)
    assert (client.timeout, client.max_retries) == (7.5, 5)
    client.get("/key", cast_to=object)
    sent = fake.requests[-1].headers
    assert sent["X-Trace"] == "on", "headers of the caller's are added"
    assert sent["Authorization"] == f"Bearer {key}", "the settings' key is never replaced"


def test_a_callers_http_client_gets_the_guards_too(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    use_fake()
    fake.redirect("/api/v1/key")
    http_client = openai.DefaultHttpxClient(follow_redirects=True)
    client = create_client(load_settings(), http_client=http_client, max_retries=0)
    with pytest.raises(openai.APIStatusError):
        client.get("/key", cast_to=object)
    assert len(fake.requests) == 1, "the redirect was followed"


def test_the_settings_decide_the_base_url_and_the_key(
    fake: FakeOpenRouter, use_fake: Callable[..., str]
) -> None:
    use_fake()
    with pytest.raises(TypeError, match="base_url"):
        create_client(load_settings(), base_url="https://api.openai.com/v1")
    with pytest.raises(TypeError, match="api_key"):
        asyncio.run(_build_async(api_key="sk-elsewhere"))


async def _build_async(**options: str) -> None:
    create_async_client(load_settings(), **options)


def test_the_starter_stops_a_gzip_bomb_in_bounded_memory(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.gzip_bomb(CHAT)  # 1 GiB once inflated
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    status = starter.main(["Say hello"])
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: ") and "larger than 1 MiB" in err
    assert err.count("\n") == 1
    assert grown_kib < 32 * 1024, f"peak memory grew by {grown_kib} KiB"


def test_the_starter_reads_no_stream_line_past_1_mib(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    line = b'data: {"choices": [{"delta": {"content": "' + b"x" * (2 << 20) + b'"}}]}\n\n'
    fake.respond(CHAT, body=line, content_type="text/event-stream")
    status = starter.main(["Say hello"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "larger than 1 MiB" in err
    assert "xxxx" not in out


def test_the_starter_reports_a_redirect_never_follows_it(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.redirect(CHAT)
    status = starter.main(["Say hello"])
    err = capsys.readouterr().err
    assert status == 1
    assert "redirected the request to http://localhost:" in err
    assert "rejected the key" not in err
    assert len(fake.requests) == 1
