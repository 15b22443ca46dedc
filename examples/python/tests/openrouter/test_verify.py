# Maintained by the OpenRouter app template: copier update replaces this file.
"""verify: eight checks, exit status 0/1/2, --json, and the key never printed."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from my_openrouter_app.openrouter.catalog import (
    CHECKS,
    POLICY,
)
from my_openrouter_app.openrouter.config import (
    DEFAULT_ENVIRONMENT,
    DEFAULTS,
    ENVIRONMENTS,
)
from my_openrouter_app.openrouter.envfile import (
    read,
)
from my_openrouter_app.openrouter.verify import (
    is_concrete,
    main,
)

from fake_server import FakeOpenRouter
from verify_scenarios import Project, Scenario, Setup, scenarios_for

PROJECT = Project(DEFAULT_ENVIRONMENT, ENVIRONMENTS, POLICY[DEFAULT_ENVIRONMENT].limit_usd)


def unprintable(text: str) -> list[str]:
    """The control and format characters (and line separators) in text, besides \\n and \\t."""
    categories = ("Cc", "Cf", "Zl", "Zp")
    return [c for c in text if c not in "\n\t" and unicodedata.category(c) in categories]


def strict_json(text: str) -> Any:
    """JSON as the standard says: NaN and Infinity are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} in --json output")

    return json.loads(text, parse_constant=refuse)


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, setup: Setup, *more: str
) -> tuple[int, str, str]:
    for name, value in setup.env.items():
        monkeypatch.setenv(name, value)
    status = main([*setup.args, *more])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("scenario", scenarios_for(PROJECT), ids=lambda scenario: scenario.name)
def test_verify_reports(
    scenario: Scenario,
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup = Setup(PROJECT, fake, isolated)
    try:
        scenario.prepare(setup)
        started = time.monotonic()
        status, out, err = run(capsys, monkeypatch, setup, "--json")
        assert time.monotonic() - started < 3 + (1 if "--timeout" in setup.args else 10)
        human_status, human, human_err = run(capsys, monkeypatch, setup)
    finally:
        setup.close()

    report = strict_json(out)
    assert status == scenario.exit_code, report
    assert report["ok"] is (status == 0)
    assert [check["name"] for check in report["checks"]] == list(CHECKS)
    assert " ".join(check["status"] for check in report["checks"]) == scenario.statuses
    text = " ".join(f"{check['message']} {check['hint']}" for check in report["checks"])
    assert setup.expected(scenario.phrase) in text
    assert "{" not in text, "a placeholder was left unfilled"

    assert human_status == status
    # A bad command line is one line on stderr; anything else, the whole report.
    assert all(name in human for name in CHECKS) or "error:" in human_err
    files = [read(path) or {} for path in isolated.glob(".env*")]
    keys = {
        *fake.keys,
        *setup.env.values(),
        *(values.get("OPENROUTER_API_KEY", "") for values in files),
    }
    printed = out + err + human + human_err
    assert not [key for key in keys if len(key) > 12 and key in printed], "a key was printed"
    assert not unprintable(printed), f"raw control characters reached the terminal: {printed!r}"


def test_json_holds_what_get_key_reported(
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup = Setup(PROJECT, fake, isolated)
    key = setup.good_key(label="sk-or-v1-abc...def", usage_daily=0.25)
    status, out, _ = run(capsys, monkeypatch, setup, "--json")
    report = json.loads(out)
    assert status == 0
    assert report["environment"] == DEFAULT_ENVIRONMENT
    assert report["key"]["label"] == "sk-or-v1-abc...def"
    assert report["key"]["limit"] == 5.0 and report["key"]["usage_daily"] == 0.25
    assert key not in out


def test_requests_go_out_together_without_the_catalogue_or_retries(
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup = Setup(PROJECT, fake, isolated, args=["--chat"])
    setup.good_key()
    fake.latency = 0.5  # long enough for requests sent together to overlap at the fake
    status, _, _ = run(capsys, monkeypatch, setup)
    assert status == 0
    # GET /key, GET /model/{id}, the endpoints of a concrete model, and the chat.
    sent = 4 if is_concrete(DEFAULTS["OPENROUTER_MODEL"]) else 3
    assert fake.max_in_flight == sent, "the requests must go out together"
    assert "/api/v1/models" not in fake.paths()
    assert len(fake.requests) == sent
    (chat,) = [request for request in fake.requests if request.path.endswith("/completions")]
    assert chat.json()["max_completion_tokens"] == 16, "OpenAI-served models refuse fewer"
    assert "max_tokens" not in chat.json(), "deprecated"

    fake.latency = 0
    fake.respond("/api/v1/key", 503, error="Service Unavailable")
    run(capsys, monkeypatch, setup)
    assert fake.paths().count("/api/v1/key") == 2, "verify reports; it must not retry"


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["--timeout", "0"],
        ["--timeout", "soon"],
        ["--timeout", "0.0005"],
        ["--timeout", "86401"],
        ["--timeout", "nan"],
        ["--timeout", "inf"],
    ],
)
def test_a_bad_command_line_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err
    assert main([*argv, "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["checks"][0]["status"] == "fail"


def test_colour_only_on_a_terminal_without_no_color(
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup = Setup(PROJECT, fake, isolated)
    setup.good_key()
    _, out, _ = run(capsys, monkeypatch, setup)
    assert "\033[" not in out


def test_fallback_models_are_checked_in_the_same_round_trip(
    fake: FakeOpenRouter,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fallbacks = ["anthropic/claude-haiku-4.5", "openrouter/auto"]
    fake.serve_model(fallbacks[0])
    setup = Setup(PROJECT, fake, isolated, args=["--json"])
    setup.write_env(
        fake.add_key(None, limit=5.0),
        OPENROUTER_MODEL="openai/gpt-5.2",
        OPENROUTER_FALLBACK_MODELS=",".join(fallbacks),
    )
    fake.latency = 0.5
    status, out, _ = run(capsys, monkeypatch, setup)
    assert status == 0
    # GET /key; GET /model and the endpoints of each concrete model; a router's GET /model.
    assert fake.max_in_flight == len(fake.requests) == 6, "the requests must go out together"
    (model,) = [check for check in json.loads(out)["checks"] if check["name"] == "model"]
    assert [entry["model"] for entry in model["models"]] == ["openai/gpt-5.2", *fallbacks]
    assert {entry["status"] for entry in model["models"]} == {"pass"}
