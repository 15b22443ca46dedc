# Maintained by the OpenRouter app template: copier update replaces this file.
"""Which environment is used, and where each setting comes from."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from my_openrouter_app.openrouter.config import (
    DEFAULT_ENVIRONMENT,
    DEFAULTS,
    ENVIRONMENTS,
    Problem,
    command,
    key_hash,
    key_problem,
    load_settings,
    mask,
)

from fake_server import new_key


def test_defaults_are_the_answers_the_project_was_generated_with(isolated: Path) -> None:
    settings = load_settings()
    assert settings.environment == DEFAULT_ENVIRONMENT
    assert settings.selected_by == "default"
    assert settings.app_title == DEFAULTS["OPENROUTER_APP_TITLE"]
    assert settings.base_url == "https://openrouter.ai/api/v1"
    assert settings.api_key == ""
    assert settings.key_source == "nowhere"


def test_process_environment_wins_over_env_files(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / f".env.{DEFAULT_ENVIRONMENT}").write_text("OPENROUTER_MODEL=from/env-file\n")
    monkeypatch.setenv("OPENROUTER_MODEL", "from/process")
    settings = load_settings()
    assert settings.model == "from/process"
    assert settings.sources["OPENROUTER_MODEL"] == "the process environment"


def test_environment_file_wins_over_dot_env(isolated: Path) -> None:
    (isolated / ".env").write_text("OPENROUTER_MODEL=from/dot-env\nOPENROUTER_APP_TITLE=Shared\n")
    (isolated / f".env.{DEFAULT_ENVIRONMENT}").write_text("OPENROUTER_MODEL=from/env-file\n")
    settings = load_settings()
    assert settings.model == "from/env-file"
    assert settings.app_title == "Shared"
    assert settings.files_read == (f".env.{DEFAULT_ENVIRONMENT}", ".env")


def test_empty_values_fall_through_to_the_next_source(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / ".env").write_text("OPENROUTER_MODEL=from/dot-env\n")
    (isolated / f".env.{DEFAULT_ENVIRONMENT}").write_text("OPENROUTER_MODEL=\n")
    monkeypatch.setenv("OPENROUTER_MODEL", "")
    assert load_settings().model == "from/dot-env"


def test_env_flag_wins_over_app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", ENVIRONMENTS[-1])
    assert load_settings().selected_by == "APP_ENV"
    settings = load_settings(ENVIRONMENTS[0])
    assert (settings.environment, settings.selected_by) == (ENVIRONMENTS[0], "--env")


def test_unknown_environment_is_refused_naming_the_valid_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_ENV", "qa")
    with pytest.raises(Problem) as raised:
        load_settings()
    assert raised.value.status == 2
    assert "Unknown environment 'qa'" in raised.value.text.message
    assert all(environment in str(raised.value.text.hint) for environment in ENVIRONMENTS)


def test_repr_never_shows_the_key(isolated: Path) -> None:
    key = new_key()
    (isolated / f".env.{DEFAULT_ENVIRONMENT}").write_text(f"OPENROUTER_API_KEY={key}\n")
    settings = load_settings()
    assert settings.api_key == key
    assert key not in repr(settings)
    assert mask(key) == f"sk-or-v1-…{key[-4:]}"


def test_env_files_holding_a_key_are_made_private(isolated: Path) -> None:
    path = isolated / f".env.{DEFAULT_ENVIRONMENT}"
    path.write_text(f"OPENROUTER_API_KEY={new_key()}\n")
    path.chmod(0o644)
    assert load_settings().files_made_private == (path.name,)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_key_can_come_from_a_key_file_trimmed(isolated: Path) -> None:
    key = new_key()
    secret = isolated / "secrets" / "openrouter"
    secret.parent.mkdir()
    secret.write_text(f"  {key}\n\n")
    secret.chmod(0o644)
    (isolated / f".env.{DEFAULT_ENVIRONMENT}").write_text(
        "OPENROUTER_API_KEY_FILE=secrets/openrouter\n"
    )
    settings = load_settings()
    assert settings.api_key == key
    assert settings.key_source == (
        f"secrets/openrouter (OPENROUTER_API_KEY_FILE in .env.{DEFAULT_ENVIRONMENT})"
    )
    assert stat.S_IMODE(secret.stat().st_mode) == 0o644, "a key file is never chmodded"


def test_the_highest_source_that_names_a_key_wins(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_file, in_dot_env = new_key(), new_key()
    (isolated / "key").write_text(in_file)
    (isolated / ".env").write_text(f"OPENROUTER_API_KEY={in_dot_env}\n")
    own = isolated / f".env.{DEFAULT_ENVIRONMENT}"
    own.write_text("OPENROUTER_API_KEY_FILE=key\n")
    assert load_settings().api_key == in_file, ".env.<environment> wins over .env"

    own.write_text(f"OPENROUTER_API_KEY_FILE=key\nOPENROUTER_API_KEY={in_dot_env}\n")
    assert load_settings().api_key == in_dot_env, "within one source, the key wins"

    monkeypatch.setenv("OPENROUTER_API_KEY_FILE", str(isolated / "key"))
    settings = load_settings()
    assert settings.api_key == in_file, "the process environment wins over the files"
    assert settings.key_source.endswith("(OPENROUTER_API_KEY_FILE in the process environment)")


@pytest.mark.parametrize(
    ("contents", "says"),
    [
        (None, "cannot be read: it does not exist"),
        (b"", "is empty"),
        (b"sk-or-v1-\xff\n", "is not UTF-8 text: the first bad byte is at offset 9"),
        (b"x" * (64 * 1024 + 1), "is larger than 64 KiB"),
    ],
    ids=["missing", "empty", "not-utf8", "too-large"],
)
def test_an_unusable_key_file_names_the_variable_and_the_path_never_the_content(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, contents: bytes | None, says: str
) -> None:
    if contents is not None:
        (isolated / "key").write_bytes(contents)
    monkeypatch.setenv("OPENROUTER_API_KEY_FILE", "key")
    with pytest.raises(Problem) as raised:
        load_settings()
    assert raised.value.status == 2
    message = raised.value.text.message
    assert message.startswith("OPENROUTER_API_KEY_FILE (key, set in the process environment) ")
    assert says in message
    assert "sk-or-v1" not in message


def test_an_env_file_that_cannot_be_made_private_is_used_and_reported(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    path = isolated / f".env.{DEFAULT_ENVIRONMENT}"
    path.write_text(f"OPENROUTER_API_KEY={key}\n")
    path.chmod(0o640)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", refuse)
    settings = load_settings()
    assert settings.api_key == key
    assert settings.files_left_readable == (path.name,)


def test_a_directory_named_dot_env_is_not_an_env_file(isolated: Path) -> None:
    """Older tutorials put a virtualenv in .env/."""
    (isolated / ".env").mkdir()
    assert load_settings().files_read == ()


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "key_format.missing"),
        ("sk-or-v1-...", "key_format.placeholder"),
        ("sk-or-v1-<your-key>", "key_format.placeholder"),
        ("sk-proj-abc123", "key_format.prefix"),
        (" sk-or-v1-abc123", "key_format.whitespace"),
        ('"sk-or-v1-abc123"', "key_format.quotes"),
        ("sk\u2010or-v1-abc123", "key_format.non_ascii"),
        ("sk-or-v1-abc123", None),
    ],
)
def test_key_problems_are_named(key: str, problem: str | None) -> None:
    assert key_problem(key) == problem


def test_commands_are_spelled_as_users_type_them() -> None:
    module = "python -m my_openrouter_app"
    assert command("login", "--env", "staging") == f"{module}.openrouter.login --env staging"
    assert command("verify") == f"{module}.openrouter.verify"
    assert command("start", '"Say hello"') == f'{module} "Say hello"'


def test_commands_run_through_uv_are_spelled_with_uv_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """uv run sets UV for what it starts: a hint then works as pasted, on the uv path too."""
    monkeypatch.setenv("UV", "/usr/local/bin/uv")
    module = "uv run python -m my_openrouter_app"
    assert command("verify") == f"{module}.openrouter.verify"
    assert command("start", '"Say hello"') == f'{module} "Say hello"'


def test_replies_are_bounded_to_1024_tokens_unless_said_otherwise(isolated: Path) -> None:
    assert load_settings().max_tokens == 1024
    (isolated / ".env").write_text("OPENROUTER_MAX_TOKENS=64\n")
    assert load_settings().max_tokens == 64


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "lots", "1e3", "1" * 16])
def test_max_tokens_must_be_a_whole_number_from_1(isolated: Path, value: str) -> None:
    (isolated / ".env").write_text(f"OPENROUTER_MAX_TOKENS={value}\n")
    with pytest.raises(Problem) as raised:
        load_settings()
    assert raised.value.status == 2
    assert f"OPENROUTER_MAX_TOKENS ({value})" in raised.value.text.message


def test_a_key_is_named_by_its_sha256_hex() -> None:
    key = new_key()
    assert key_hash(key) == hashlib.sha256(key.encode()).hexdigest()
    assert len(key_hash(key)) == 64 and key not in key_hash(key)


def test_an_apps_own_settings_come_by_the_same_precedence(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / ".env").write_text("MY_FLAG=from-dot-env\nMY_LIMIT=3\nMY_EMPTY=\n")
    (isolated / f".env.{DEFAULT_ENVIRONMENT}").write_text("MY_FLAG=from-environment-file\n")
    monkeypatch.setenv("MY_LIMIT", "")
    settings = load_settings()
    assert settings.get("MY_FLAG") == "from-environment-file"
    assert settings.get("MY_LIMIT") == "3", "an empty value counts as unset"
    assert settings.get("MY_EMPTY") is None
    assert settings.get("MY_MISSING", "off") == "off"
    assert settings.get("OPENROUTER_MODEL") == DEFAULTS["OPENROUTER_MODEL"]
    monkeypatch.setenv("MY_FLAG", "from-the-process")
    assert load_settings().get("MY_FLAG") == "from-the-process"


def test_the_environments_own_env_file_is_known_to_the_settings(isolated: Path) -> None:
    settings = load_settings()
    assert settings.env_file == isolated / f".env.{DEFAULT_ENVIRONMENT}"
