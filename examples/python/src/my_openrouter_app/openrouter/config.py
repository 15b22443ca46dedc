# Maintained by the OpenRouter app template: copier update replaces this file.
"""Settings for one environment, from the process environment and .env files.

The environment is --env, else APP_ENV, else development. Each
variable takes the first non-empty value of: the process environment,
.env.<environment>, .env, and the defaults this project was generated with.
The key comes from the first of those sources that sets OPENROUTER_API_KEY or
OPENROUTER_API_KEY_FILE (a file holding the key, such as a mounted secret);
within one source, OPENROUTER_API_KEY wins.

An app reads its own variables the same way, without editing this file:
load_settings().get("MY_FEATURE_FLAG", "off").
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from . import catalog, envfile
from .catalog import Problem as Problem

ENVIRONMENTS: Final = ("development", "staging", "production")
DEFAULT_ENVIRONMENT: Final = "development"
#: The project's name: keys made for it are named <slug>-<environment>.
PROJECT_SLUG: Final = "my-openrouter-app"
DEFAULTS: Final = {
    "OPENROUTER_BASE_URL": catalog.DEFAULT_BASE_URL,
    "OPENROUTER_HTTP_REFERER": "https://example.com",
    "OPENROUTER_APP_TITLE": "My OpenRouter App",
    "OPENROUTER_APP_CATEGORIES": "",
    "OPENROUTER_MODEL": "google/gemini-2.5-flash-lite",
    "OPENROUTER_MAX_TOKENS": str(catalog.DEFAULT_MAX_TOKENS),
}
PROCESS_ENVIRONMENT: Final = "the process environment"
KEY_FILE: Final = catalog.KEY_FILE_VARIABLE
#: The account's key (keys reads it): an env file holding it is made private too.
MANAGEMENT_KEY: Final = "OPENROUTER_MANAGEMENT_KEY"
#: More than any key file needs: a path to a log or a device is refused, not read whole.
KEY_FILE_LIMIT: Final = catalog.MAX_KEY_FILE_BYTES
#: Seconds a client waits: generous enough for a long streamed reply, short enough to notice a dead link.
DEFAULT_TIMEOUT: Final = 120.0
# How users run this project's commands (the catalog's `commands`).
_STARTER_COMMAND: Final = "python -m my_openrouter_app"
_COMMAND: Final = "python -m my_openrouter_app.openrouter.{name}"
# A token count: digits only, few enough that every language reads the number exactly.
_TOKENS: Final = re.compile(r"[0-9]{1,15}")


def command(name: str, *args: str) -> str:
    """How a user runs one of this project's commands (start: the starter) with these arguments.

    command("login", "--env", "staging") is "python -m <package>.openrouter.login --env staging".
    """
    spelled = _STARTER_COMMAND if name == "start" else _COMMAND.replace("{name}", name)
    # The catalog's rule: a trailing " --" goes only before arguments.
    return " ".join((spelled, *args)) if args else spelled.removesuffix(" --")


@dataclass(frozen=True)
class Settings:
    """Everything the app reads, for one environment. The key stays out of repr."""

    environment: str
    selected_by: str
    api_key: str = field(repr=False)
    base_url: str
    http_referer: str
    app_title: str
    app_categories: str
    model: str
    max_tokens: int
    sources: Mapping[str, str]
    files_read: tuple[str, ...]
    files_made_private: tuple[str, ...]
    directory: Path
    files_left_readable: tuple[str, ...] = ()
    #: Where values come from, highest first: (source, its variables). The key may be in here.
    layers: tuple[tuple[str, Mapping[str, str]], ...] = field(default=(), repr=False)

    @property
    def key_source(self) -> str:
        """Where the key came from: an env file, the environment, a key file, or nowhere."""
        return self.sources.get("OPENROUTER_API_KEY", "nowhere")

    @property
    def env_file(self) -> Path:
        """The environment's own env file, .env.<environment>: where login and keys save keys."""
        return self.directory / f".env.{self.environment}"

    def get(self, name: str, default: str | None = None) -> str | None:
        """Any variable, by the project's precedence: the process environment, .env.<environment>,
        .env, then this project's defaults. An empty value counts as unset.

        settings.get("MY_FEATURE_FLAG", "off") reads an app's own setting; declare it,
        with a comment, in each .env.<environment>.example so the next person knows.
        """
        if name == "OPENROUTER_API_KEY":
            return self.api_key or default  # the key may come from OPENROUTER_API_KEY_FILE
        for _, layer in self.layers:
            if layer.get(name):
                return layer[name]
        return DEFAULTS.get(name) or default


def select_environment(
    requested: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """The environment to use and what chose it: --env, APP_ENV or the default."""
    environ = os.environ if environ is None else environ
    if requested:
        environment, selected_by = requested, "--env"
    elif environ.get("APP_ENV"):
        environment, selected_by = environ["APP_ENV"], "APP_ENV"
    else:
        environment, selected_by = DEFAULT_ENVIRONMENT, "default"
    if environment not in ENVIRONMENTS:
        raise Problem(
            catalog.say(
                "config.unknown_environment",
                environment=environment,
                environments=", ".join(ENVIRONMENTS),
            )
        )
    return environment, selected_by


def load_settings(
    environment: str | None = None,
    *,
    directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the settings of an environment (None: APP_ENV or the default)."""
    environ = os.environ if environ is None else environ
    directory = Path.cwd() if directory is None else directory
    environment, selected_by = select_environment(environment, environ)

    # A snapshot: the settings say what the process saw when they were loaded.
    layers: list[tuple[str, Mapping[str, str]]] = [(PROCESS_ENVIRONMENT, dict(environ))]
    files_read: list[str] = []
    made_private: list[str] = []
    left_readable: list[str] = []
    for name in (f".env.{environment}", ".env"):
        path = directory / name
        if name == ".env" and path.is_dir():
            continue  # a virtualenv, as older tutorials name it: not an env file
        file_values = envfile.read(path)
        if file_values is None:
            continue
        layers.append((name, file_values))
        files_read.append(name)
        if file_values.get("OPENROUTER_API_KEY") or file_values.get(MANAGEMENT_KEY):
            privacy = envfile.make_private(path)
            if privacy == "made_private":
                made_private.append(name)
            elif privacy == "left_readable":
                left_readable.append(name)

    key, key_source = find_key(layers, directory)
    values: dict[str, str] = {}
    sources = {"OPENROUTER_API_KEY": key_source} if key_source else {}
    for variable in catalog.VARIABLES:
        if variable == "OPENROUTER_API_KEY":
            continue  # find_key's
        for source, layer in [*layers, ("the project defaults", DEFAULTS)]:
            if layer.get(variable):
                values[variable], sources[variable] = layer[variable], source
                break

    max_tokens = values["OPENROUTER_MAX_TOKENS"]
    if not _TOKENS.fullmatch(max_tokens) or int(max_tokens) < 1:
        text = catalog.say(
            "config.max_tokens", value=max_tokens, default=catalog.DEFAULT_MAX_TOKENS
        )
        raise Problem(text)

    return Settings(
        environment=environment,
        selected_by=selected_by,
        api_key=key,
        base_url=values["OPENROUTER_BASE_URL"],
        http_referer=values["OPENROUTER_HTTP_REFERER"],
        app_title=values["OPENROUTER_APP_TITLE"],
        app_categories=values.get("OPENROUTER_APP_CATEGORIES", ""),
        model=values["OPENROUTER_MODEL"],
        max_tokens=int(max_tokens),
        sources=sources,
        files_read=tuple(files_read),
        files_made_private=tuple(made_private),
        directory=directory,
        files_left_readable=tuple(left_readable),
        layers=tuple(layers),
    )


def find_key(layers: list[tuple[str, Mapping[str, str]]], directory: Path) -> tuple[str, str]:
    """The key and where it came from ("" and "" if no source sets one).

    The first source that sets OPENROUTER_API_KEY or OPENROUTER_API_KEY_FILE
    decides; within it, OPENROUTER_API_KEY wins. A key file is read, never
    changed: secret mounts are read-only, and their owner decides their mode.
    """
    for source, layer in layers:
        if layer.get("OPENROUTER_API_KEY"):
            return layer["OPENROUTER_API_KEY"], source
        if layer.get(KEY_FILE):
            given = layer[KEY_FILE]
            key = read_key_file(directory / given, given, source)
            return key, f"{given} ({KEY_FILE} in {source})"
    return "", ""


def read_key_file(path: Path, given: str, source: str) -> str:
    """The key a key file holds, surrounding whitespace and the final newline trimmed.

    Problem (exit 2) naming the variable and the path, never the content, when
    the file is missing, unreadable, not a regular file (a FIFO, a device), too
    large or not UTF-8. A relative path
    is relative to the project directory.
    """
    values = {"variable": KEY_FILE, "path": given, "source": source}
    try:
        data = envfile.read_bounded(path, KEY_FILE_LIMIT)
    except OSError as error:
        text = catalog.say("key_file.unreadable", reason=envfile.reason(error), **values)
        raise Problem(text) from None
    if len(data) > KEY_FILE_LIMIT:
        raise Problem(catalog.say("key_file.too_large", limit=KEY_FILE_LIMIT // 1024, **values))
    try:
        key = envfile.decode(data).strip(" \t\r\n\f\v")
    except UnicodeDecodeError as error:
        raise Problem(catalog.say("key_file.not_utf8", offset=error.start, **values)) from None
    if not key:
        raise Problem(catalog.say("key_file.empty", **values))
    return key


def key_problem(api_key: str) -> catalog.MessageId | None:
    """The catalog id of what makes this key unusable, or None if it looks right."""
    if not api_key:
        return "key_format.missing"
    if not api_key.isascii():
        return "key_format.non_ascii"
    # Control characters count too: no HTTP header can carry them.
    if any(character.isspace() or not character.isprintable() for character in api_key):
        return "key_format.whitespace"
    if any(character in "\"'`" for character in api_key):
        return "key_format.quotes"
    if not api_key.startswith(catalog.KEY_PREFIX):
        return "key_format.prefix"
    if catalog.KEY_PLACEHOLDER.search(api_key.removeprefix(catalog.KEY_PREFIX)):
        return "key_format.placeholder"
    return None


def describe_key_problem(settings: Settings, problem: catalog.MessageId) -> catalog.Text:
    """The catalog's text about a key_problem(), filled in for these settings.

    A missing key's hint says what to do with what is there: the environment's
    env file (put the key in it), only its example (copy it first), or neither.
    """
    own_file = f".env.{settings.environment}"
    if problem == "key_format.missing" and own_file not in settings.files_read:
        example = settings.directory / f"{own_file}.example"
        problem = "key_format.missing_copy" if example.is_file() else "key_format.missing_file"
    position = next((i + 1 for i, c in enumerate(settings.api_key) if not c.isascii()), 0)
    return catalog.say(
        problem,
        masked=mask(settings.api_key),
        environment=settings.environment,
        key_source=settings.key_source,
        login_command=command("login", "--env", settings.environment),
        position=position,
    )


def mask(api_key: str) -> str:
    """Enough of a key to tell keys apart, never enough to use one."""
    if api_key.isascii() and len(api_key) >= len(catalog.KEY_PREFIX) + 8:
        return f"{api_key[: len(catalog.KEY_PREFIX)]}…{api_key[-4:]}"
    return "(hidden)"


def key_hash(api_key: str) -> str:
    """How OpenRouter names a key in its links and its API: the sha256 hex of the key.

    Not a secret: it links the key's own pages, e.g. https://openrouter.ai/keys/<hash>.
    """
    return hashlib.sha256(api_key.encode()).hexdigest()


def redact(text: str, api_key: str) -> str:
    """The text with the key, wherever it appears, replaced by its mask."""
    return text.replace(api_key, mask(api_key)) if api_key else text


def print_out(text: str) -> int | None:
    """Print text on stdout: None once written, else the exit status to end with.

    A reader that stops early (verify --json | head -c 10) is no failure: the
    rest is dropped without a word. An output that cannot take it (> /dev/full)
    is one line on stderr, and exit 1. Never a traceback, at exit either.
    """
    try:
        print(text, flush=True)
    except BrokenPipeError:
        _stdout_to_nowhere()
    except OSError as error:
        _stdout_to_nowhere()
        failure = catalog.say("output.unwritable", reason=envfile.reason(error))
        print(f"error: {failure.line()}", file=sys.stderr)
        return 1
    return None


def _stdout_to_nowhere() -> None:
    """What stdout still holds, and anything printed later, goes nowhere (it could not go out)."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, sys.stdout.fileno())
    os.close(nowhere)
