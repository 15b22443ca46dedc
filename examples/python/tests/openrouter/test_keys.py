# Maintained by the OpenRouter app template: copier update replaces this file.
"""keys: create, list, rotate and guard by policy; the management key goes only to its API."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from my_openrouter_app.openrouter import (
    account,
    catalog,
    envfile,
    keys,
)
from my_openrouter_app.openrouter.config import (
    DEFAULT_ENVIRONMENT,
    Problem,
    load_settings,
)
from my_openrouter_app.openrouter.keys import new_key

from fake_server import API, FakeOpenRouter
from keys_scenarios import Scenario, scenarios_for
from players import PROJECT

KEYS = [scenario for scenario in scenarios_for(PROJECT) if scenario.program == "keys"]


@pytest.mark.parametrize("scenario", KEYS, ids=lambda scenario: scenario.name)
def test_keys(scenario: Scenario, play: Callable[[Scenario], None]) -> None:
    play(scenario)


def test_production_keys_expire_in_90_days_to_the_second() -> None:
    now = datetime(2026, 11, 27, 16, 5, 9, 123456, tzinfo=timezone.utc)
    body = new_key("production", limit=100, limit_reset="monthly", now=now)
    assert body == {
        "name": account.key_label("production", "-20261127-160509"),
        "limit": 100,
        "limit_reset": "monthly",
        "expires_at": "2027-02-25T16:05:09Z",
    }
    assert "expires_at" not in new_key("staging", limit=50, limit_reset="monthly", now=now)


def test_long_slugs_are_shortened_to_fit_keeping_the_environment_and_the_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(account, "PROJECT_SLUG", "a-" + "b" * 97 + "-c")
    name = account.key_label("production", "-20261127-160509")
    assert len(name) == account.MAX_LABEL and name.endswith("b-production-20261127-160509")
    assert len(account.key_label("staging")) == account.MAX_LABEL
    assert account.label_environment(name) == "production"
    assert account.label_environment(account.key_label("staging")) == "staging"
    assert account.label_environment("a-b-production-20261127-160509") is None  # not this slug
    monkeypatch.setattr(account, "PROJECT_SLUG", "a" * 72 + "-zzz")  # cut after a hyphen
    name = account.key_label("production", "-20261127-160509")
    assert name == "a" * 72 + "-production-20261127-160509"
    assert account.label_environment(name) == "production"


def test_the_policy_needs_a_limit_for_production_and_a_sane_one_anywhere() -> None:
    assert account.policy_limit("development", None, example="") == 10
    assert account.policy_limit("production", "12.5", example="") == 12.5
    for given in ("0", "-1", "1e3", "0x10", "1_0", " 5", "nan", "1000001", "0.001"):
        with pytest.raises(Problem) as refused:
            account.policy_limit("development", given, example="")
        assert refused.value.status == 2
    with pytest.raises(Problem) as refused:
        account.policy_limit("production", None, example="keys create --limit 100")
    assert "--limit USD" in refused.value.text.message
    assert "keys create --limit 100" in (refused.value.text.hint or "")


def test_account_requests_never_carry_openai_organization_or_project(
    isolated: Path, fake: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-leak")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-leak")
    monkeypatch.setenv("OPENROUTER_BASE_URL", fake.base_url)
    settings = load_settings()
    account.Management(settings, fake.add_management_key()).list()
    with pytest.raises(Problem):
        account.exchange_code(settings, "no-such-code", "verifier", start_over="login")
    exchange = fake.requests[-1]
    assert exchange.path == f"{API}/auth/keys"
    assert "Authorization" not in exchange.headers, "the code exchange needs no key"
    for request in fake.requests:
        assert "OpenAI-Organization" not in request.headers
        assert "OpenAI-Project" not in request.headers


def test_requests_that_create_or_delete_are_never_retried(
    isolated: Path, fake: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_BASE_URL", fake.base_url)
    management = account.Management(load_settings(), fake.add_management_key())
    fake.respond(f"{API}/keys", 503, error="Service Unavailable", method="POST")
    fake.respond(f"{API}/keys/{'0' * 64}", 503, error="Service Unavailable", method="DELETE")
    with pytest.raises(Problem):
        management.create({"name": "x", "limit": 1})
    with pytest.raises(Problem):
        management.delete("0" * 64)
    assert [r.method for r in fake.requests] == ["POST", "DELETE"]


def test_only_login_and_keys_load_the_account_requests() -> None:
    """The starter and verify start as fast as before: they never import account."""
    package = "my_openrouter_app"
    script = (
        f"import sys, {package}.__main__, {package}.openrouter.verify; print(' '.join(sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    kit = f"{package}.openrouter"
    assert f"{kit}.verify" in loaded
    for module in ("account", "login", "keys", "provision"):
        assert f"{kit}.{module}" not in loaded


def test_a_key_that_cannot_be_saved_is_deleted_again(
    isolated: Path,
    fake: FakeOpenRouter,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def disk_full(path: Path, key: str) -> None:
        # As write_key says any failure: a Problem naming the file and the reason.
        reason = "No space left on device"
        raise Problem(catalog.say("envfile.unwritable", file=path.name, reason=reason))

    monkeypatch.setenv("OPENROUTER_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENROUTER_MANAGEMENT_KEY", fake.add_management_key())
    monkeypatch.setattr(envfile, "write_key", disk_full)
    assert keys.main(["create", "--env", DEFAULT_ENVIRONMENT, "--limit", "5"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    (made,) = fake.deleted_keys
    assert made not in fake.keys, "a key nobody holds must not stay on the account"
