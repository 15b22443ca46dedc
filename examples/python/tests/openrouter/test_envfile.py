# Maintained by the OpenRouter app template: copier update replaces this file.
"""The env-file format: read exactly as Node reads it, written without losing a byte."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import pytest

from my_openrouter_app.openrouter.config import (
    Problem,
)
from my_openrouter_app.openrouter.envfile import (
    BOM,
    make_private,
    parse,
    read,
    write_key,
)

from env_files import ENV_FILES, KEY_WRITES
from fake_server import new_key


@pytest.mark.parametrize("name", list(ENV_FILES))
def test_env_files_read_as_node_reads_them(name: str, isolated: Path) -> None:
    text, expected = ENV_FILES[name]
    path = isolated / ".env"
    path.write_bytes(text.encode())
    assert read(path) == expected
    assert parse(text.removeprefix(BOM)) == expected


def test_a_missing_file_reads_as_none(isolated: Path) -> None:
    assert read(isolated / ".env") is None


def test_bytes_that_are_not_utf8_are_a_problem_naming_the_file_and_offset(isolated: Path) -> None:
    path = isolated / ".env"
    path.write_bytes(b"A=1\nTITLE=Caf\xe9\n")
    with pytest.raises(Problem) as raised:
        read(path)
    assert raised.value.status == 2
    expected = f"{path.name} is not UTF-8 text: the first bad byte is at offset 13."
    assert raised.value.text.message == expected
    assert "UTF-8" in str(raised.value.text.hint)


def test_a_directory_is_a_problem_naming_it(isolated: Path) -> None:
    path = isolated / ".env.staging"
    path.mkdir()
    with pytest.raises(Problem) as raised:
        read(path)
    assert raised.value.text.message == f"{path.name} cannot be read: it is a directory."


def test_a_file_that_cannot_be_made_private_is_left_readable(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated / ".env"
    path.write_text("OPENROUTER_API_KEY=x\n")
    path.chmod(0o640)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    assert make_private(path) == "made_private"
    assert make_private(path) == "private"
    path.chmod(0o640)
    monkeypatch.setattr(os, "chmod", refuse)
    assert make_private(path) == "left_readable"


@pytest.mark.parametrize("name", list(KEY_WRITES))
def test_write_key_changes_only_the_key_value(name: str, isolated: Path) -> None:
    before, after = KEY_WRITES[name]
    path = isolated / ".env.staging"
    path.write_bytes(before.encode())
    key = new_key()
    write_key(path, key)
    assert path.read_bytes() == after.replace("{key}", key).encode()
    assert (read(path) or {})["OPENROUTER_API_KEY"] == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("key", "spelled"),
    [
        ("sk-or-v1-ab#cd", '"sk-or-v1-ab#cd"'),
        ('sk-or-v1-"ab#', "'sk-or-v1-\"ab#'"),
        ("sk-or-v1-abcd ", '"sk-or-v1-abcd "'),
        ('"sk-or-v1-abcd"', "'\"sk-or-v1-abcd\"'"),
    ],
)
def test_write_key_quotes_a_key_that_needs_it_so_it_reads_back_whole(
    isolated: Path, key: str, spelled: str
) -> None:
    path = isolated / ".env.staging"
    write_key(path, key)
    assert path.read_text() == f"OPENROUTER_API_KEY={spelled}\n"
    assert (read(path) or {})["OPENROUTER_API_KEY"] == key


def test_a_missing_file_starts_as_its_example(isolated: Path) -> None:
    (isolated / ".env.staging.example").write_text("# example\nOPENROUTER_API_KEY=\nA=1\n")
    key = new_key()
    write_key(isolated / ".env.staging", key)
    assert (isolated / ".env.staging").read_text() == f"# example\nOPENROUTER_API_KEY={key}\nA=1\n"


def test_write_key_refuses_a_key_no_env_file_can_spell(isolated: Path) -> None:
    path = isolated / ".env.staging"
    path.write_text("OPENROUTER_API_KEY=old\n")
    with pytest.raises(Problem) as raised:
        write_key(path, "sk-or-v1-#\"'`")
    assert "no env file can quote" in raised.value.text.message
    assert path.read_text() == "OPENROUTER_API_KEY=old\n"
    assert [p.name for p in isolated.iterdir()] == [path.name]


def test_write_key_writes_through_a_symlink_and_keeps_it(isolated: Path) -> None:
    """A linked env file (shared, or kept elsewhere) stays linked: its target gets the key."""
    (isolated / "secrets").mkdir()
    target = isolated / "secrets" / "development.env"
    target.write_text("# shared\nOPENROUTER_API_KEY=old\n")
    path = isolated / ".env.staging"
    path.symlink_to(Path("secrets") / "development.env")
    key = new_key()
    write_key(path, key)
    assert path.is_symlink()
    assert target.read_text() == f"# shared\nOPENROUTER_API_KEY={key}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in (isolated / "secrets").iterdir()) == ["development.env"]


def test_write_key_through_a_dangling_symlink_creates_its_target(isolated: Path) -> None:
    path = isolated / ".env.staging"
    path.symlink_to("elsewhere.env")
    key = new_key()
    write_key(path, key)
    assert path.is_symlink()
    assert (isolated / "elsewhere.env").read_text() == f"OPENROUTER_API_KEY={key}\n"


def test_write_key_leaves_the_old_file_whole_and_no_temporary_file_on_failure(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated / ".env.staging"
    path.write_text("OPENROUTER_API_KEY=old\n")

    def no_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_disk)
    with pytest.raises(Problem) as raised:
        write_key(path, new_key())
    assert (
        raised.value.text.message == f"{path.name} could not be written: no space left on device."
    )
    assert path.read_text() == "OPENROUTER_API_KEY=old\n"
    assert [p.name for p in isolated.iterdir()] == [path.name]


def test_write_key_never_writes_through_a_symlink_planted_at_the_temporary_name(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated / ".env.staging"
    target = isolated / "elsewhere"
    target.write_text("untouched\n")
    monkeypatch.setattr(secrets, "token_hex", lambda size: "planted")
    (isolated / ".env.staging.tmp-planted").symlink_to(target)
    with pytest.raises(Problem, match="could not be written: file exists"):
        write_key(path, new_key())
    assert target.read_text() == "untouched\n"
    assert not path.exists()


def test_the_temporary_file_is_private_from_creation(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, int, int]] = []
    real_open = os.open

    def spy(file: str, flags: int, mode: int = 0o777) -> int:
        opened.append((os.path.basename(file), flags, mode))
        return real_open(file, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    write_key(isolated / ".env.staging", new_key())
    [(name, flags, mode)] = [entry for entry in opened if ".tmp-" in entry[0]]
    assert name.startswith(".env.staging.tmp-")
    assert flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT
    assert mode == 0o600
