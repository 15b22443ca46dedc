# Maintained by the OpenRouter app template: copier update replaces this file.
"""What login and keys share: a new key goes only where it can be saved, and is checked there.

Both commands make a key for one environment and put it in that environment's
env file, settings.env_file. preflight() refuses before anything is asked of
OpenRouter when that file could not take the key (a key is never issued only
to be lost); save() writes it as envfile.write_key() does (only the
OPENROUTER_API_KEY line changes, atomically, mode 600); check() runs verify's
checks on it in this process and prints verify's report.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
from types import FrameType, TracebackType

from . import catalog, envfile, verify
from .config import Problem, Settings, load_settings


class Signals:
    """SIGTERM and SIGHUP (a CI timeout, docker stop, a dropped SSH session) handled as Ctrl-C is.

    Inside `with Signals() as signals:` either raises KeyboardInterrupt, so the
    step under way says where things stand and undoes what it must; status is
    what a shell reports for the signal (130 for Ctrl-C, 143 SIGTERM, 129 SIGHUP).
    """

    def __init__(self) -> None:
        self.status = 128 + signal.SIGINT
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Signals:
        if threading.current_thread() is threading.main_thread():  # only it may set handlers
            for name in ("SIGTERM", "SIGHUP"):
                number = getattr(signal, name, None)  # Windows has no SIGHUP
                if number is not None:
                    self._previous[number] = signal.signal(number, self._interrupt)
        return self

    def _interrupt(self, number: int, frame: FrameType | None) -> None:
        self.status = 128 + number
        # Whatever Ctrl-C does now: inside verify's event loop, asyncio's handler cancels the
        # requests and then raises KeyboardInterrupt (never inside a task, left unretrieved).
        on_ctrl_c = signal.getsignal(signal.SIGINT)
        if callable(on_ctrl_c):
            on_ctrl_c(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


def preflight(settings: Settings, again: str) -> None:
    """Problem (exit 2) when the environment's env file could not take a key.

    again is the command line the hint suggests once the file is fixed.
    """
    reason = envfile.check_writable(settings.env_file)
    if reason is not None:
        text = catalog.say(
            "login.not_writable",
            file=settings.env_file.name,
            reason=catalog.say(reason).message,
            command=again,
        )
        raise Problem(text)


def holds_key(settings: Settings) -> bool:
    """Whether the environment's env file already sets OPENROUTER_API_KEY."""
    return envfile.holds_key(settings.env_file)


def save(settings: Settings, key: str) -> None:
    """Put the key in the environment's env file; Problem (envfile's words) if that fails."""
    envfile.write_key(settings.env_file, key)


def check_key(settings: Settings, key: str, *, timeout: float = verify.DEFAULT_TIMEOUT) -> int:
    """verify's checks of a key not saved yet (in memory), reported as verify reports them."""
    sources = {**settings.sources, "OPENROUTER_API_KEY": "the new key, not saved yet"}
    replaced = dataclasses.replace(settings, api_key=key, sources=sources)
    return verify.run(replaced, timeout=timeout)


#: Variables of the process environment that win over the env file's key, the first set deciding.
OVERRIDES = ("OPENROUTER_API_KEY", catalog.KEY_FILE_VARIABLE)


def check(settings: Settings, *, timeout: float = verify.DEFAULT_TIMEOUT) -> int:
    """verify's checks of the key just saved, reported as verify reports them; the exit status.

    The settings are read again, since the env file has just changed. A key the
    process environment gives (OPENROUTER_API_KEY, or OPENROUTER_API_KEY_FILE)
    wins over the file for the app, so the user is told; what is checked is the
    new key all the same, the file's. timeout is each request's (--timeout).
    """
    overriding = next((name for name in OVERRIDES if os.environ.get(name)), None)
    if overriding is not None:
        text = catalog.say("login.overridden", variable=overriding, file=settings.env_file.name)
        print(f"warning: {text.line()}", file=sys.stderr)
    environ = {name: value for name, value in os.environ.items() if name not in OVERRIDES}
    try:
        saved = load_settings(settings.environment, directory=settings.directory, environ=environ)
    except Problem as error:
        print(f"error: {error.text.line()}", file=sys.stderr)
        return error.status
    # Chosen as the user chose it (--env, APP_ENV or the default), not by this reload.
    chosen = dataclasses.replace(saved, selected_by=settings.selected_by)
    return verify.run(chosen, timeout=timeout)
