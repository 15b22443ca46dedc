# Maintained by the OpenRouter app template: copier update replaces this file.
"""Get a key by signing in to OpenRouter: python -m <package>.openrouter.login [--env NAME].

OpenRouter's OAuth PKCE flow (RFC 7636): a random verifier and its S256
challenge; the browser opens OpenRouter's /auth page, which sends it back with
a code to a callback server on 127.0.0.1 (RFC 8252: the loopback address
itself, never "localhost", which may resolve to ::1 first); POST /auth/keys
trades the code and the verifier for a key. With --headless there is no
callback: OpenRouter shows the code, and the user pastes it here.

The key follows the project's key policy: the environment's credit limit
(production: --limit) and the label <slug>-<environment>. It goes into
.env.<environment> (mode 600) before the browser is told so, and is never
printed; verify then checks it and decides the exit status (provision.py, which
keys shares).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import os
import secrets
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

from . import account, catalog, provision
from .config import ENVIRONMENTS, Problem, Settings, command, key_hash, load_settings

DEFAULT_PORT = 3000
#: The callback's path starts so; each login adds a part nobody can guess (callback_path()).
CALLBACK_PATH = "/callback"
#: How the callback pages may be used: inline CSS and nothing else, from nowhere.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
_LONGEST_CODE = 1024
#: The most login reads of the line pasted at its prompt (a code is far shorter).
LONGEST_LINE = 4096
# Variables the browser opener is not given: it needs no key.
_SECRETS = ("OPENROUTER_API_KEY", "OPENROUTER_MANAGEMENT_KEY")
# Unicode categories a terminal must never receive from outside: control and
# format characters (escape sequences, bidi overrides), line and paragraph separators.
_CONTROL = ("Cc", "Cf", "Zl", "Zp")


def main(argv: Sequence[str] | None = None) -> int:
    """Run login; returns the exit status (verify's, once a key was saved)."""
    parser = argparse.ArgumentParser(
        prog=command("login"),
        allow_abbrev=False,
        description="Sign in to OpenRouter in the browser and save a new key to .env.<environment>.",
    )
    parser.add_argument(
        "--env", help=f"environment whose env file gets the key: {', '.join(ENVIRONMENTS)}"
    )
    parser.add_argument("--no-browser", action="store_true", help="only print the URL to open")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no browser here (SSH, containers): open the URL anywhere and paste the code",
    )
    parser.add_argument(
        "--port",
        type=int,
        metavar="N",
        help=f"callback port on 127.0.0.1 (default: {DEFAULT_PORT}, else a free one)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="give up after this long, waiting for the browser or for OpenRouter (default: 300)",
    )
    parser.add_argument(
        "--limit",
        metavar="USD",
        help="the key's credit limit (default: the environment's; production needs one)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace a key the env file already holds"
    )
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(catalog.say("usage.port").message)
    least, most = catalog.TIMEOUT_RANGE
    if not least <= args.timeout <= most:  # NaN is in no range
        parser.error(catalog.say("usage.timeout", least=f"{least:g}", most=f"{most:g}").message)

    with provision.Signals() as signals:
        return _login(args, signals)


def _login(args: argparse.Namespace, signals: provision.Signals) -> int:
    try:
        settings = load_settings(args.env)
        environment = settings.environment
        limit_args = ["--limit", args.limit] if args.limit is not None else []
        again = command(
            "login", "--env", environment, *limit_args, *(["--force"] if args.force else [])
        )
        example = command("login", "--env", environment, "--limit", "100")
        limit = account.policy_limit(environment, args.limit, example=example)
        account.require_base_url(settings)
        env_file = settings.env_file
        provision.preflight(settings, again)
        if not args.force and provision.holds_key(settings) and not confirm_replace(env_file.name):
            replace = command("login", "--env", environment, *limit_args, "--force")
            text = catalog.say("login.key_exists", file=env_file.name, login_command=replace)
            raise Problem(text, status=1)
        request = Authorization(settings, limit, args.timeout)
        if args.headless:
            headless = command("login", "--env", environment, *limit_args, "--headless")
            key = sign_in_headless(request, timeout=args.timeout, again=headless)
            save_key(request, key, again)
        else:
            sign_in(
                request,
                port=args.port,
                timeout=args.timeout,
                open_browser=not args.no_browser,
                again=again,
            )
    except Problem as error:
        print(f"error: {error.text.line()}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(catalog.say("login.interrupted").message, file=sys.stderr)
        return signals.status  # 130 for Ctrl-C, as shells report it

    print(catalog.say("login.saved", file=env_file.name).message, file=sys.stderr)
    try:
        return provision.check(settings, timeout=args.timeout)
    except KeyboardInterrupt:  # the key is saved: only its check was cut short
        print(catalog.say("login.interrupted").message, file=sys.stderr)
        return signals.status


def confirm_replace(file: str) -> bool:
    """Ask whether to replace the key, when there is a terminal to ask on."""
    if not sys.stdin.isatty():
        return False
    answer = input(f"{file} already holds a key. Replace it? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def save_key(request: Authorization, key: str, again: str) -> None:
    """Write the key into the environment's env file; Problem (exit 1) if that fails.

    The key exists on the account by then: the message says where to delete it.
    """
    settings = request.settings
    try:
        provision.save(settings, key)
    except Problem as error:  # write_key says any failure so
        text = catalog.say(
            "login.save_failed",
            name=account.key_label(settings.environment),
            hash=key_hash(key),
            file=settings.env_file.name,
            detail=error.text.message,
            command=again,
        )
        raise Problem(text, status=1) from None


class Authorization:
    """One sign-in: the PKCE verifier and the /auth URL that carries its challenge and the policy."""

    def __init__(self, settings: Settings, limit: float, timeout: float = account.TIMEOUT) -> None:
        self.settings = settings
        self.limit = limit
        self.timeout = timeout  # the exchange's, in all
        self.verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(self.verifier.encode()).digest()
        self.challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def url(self, callback_url: str | None) -> str:
        """OpenRouter's /auth page; without a callback it shows the code instead (headless)."""
        query = {"callback_url": callback_url} if callback_url else {}
        query |= {
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            "limit": account.usd(self.limit),
            "key_label": account.key_label(self.settings.environment),
            # As POST /auth/keys/code takes them: the policy's monthly reset and, in
            # production, 90 days of life (verify warns of a production key without).
            "usage_limit_type": "monthly",
        }
        expires_at = account.expiry(self.settings.environment)
        if expires_at is not None:
            query["expires_at"] = expires_at
        base = urlsplit(self.settings.base_url)
        return f"{base.scheme}://{base.netloc}/auth?{urlencode(query)}"

    def exchange(self, code: str, again: str) -> str:
        return account.exchange_code(
            self.settings, code, self.verifier, start_over=again, timeout=self.timeout
        )


def sign_in(
    request: Authorization,
    *,
    port: int | None,
    timeout: float,
    open_browser: bool,
    again: str,
) -> None:
    """The browser flow: wait for the callback, exchange its code, save the key, answer the page.

    The browser's page says what happened, so it is answered only once the key
    is saved (or sign-in has failed).
    """
    settings = request.settings
    with CallbackServer.listen(port) as server:
        callback_url = f"http://127.0.0.1:{server.port}{server.path}"
        url = request.url(callback_url)
        print(catalog.say("login.open", environment=settings.environment).message, file=sys.stderr)
        print(url, file=sys.stderr, flush=True)
        waiting = catalog.say("login.waiting", callback_url=callback_url, timeout=f"{timeout:g}")
        print(waiting.message, file=sys.stderr, flush=True)
        if open_browser:
            headless = command("login", "--env", settings.environment, "--headless")
            start_browser(url, catalog.say("login.no_browser", login_command=headless))
        callback = server.wait(timeout, again)
        try:
            if not callback.code:
                text = catalog.say("login.denied", detail=callback.error, login_command=again)
                raise Problem(text, status=1)
            key = request.exchange(callback.code, again)
            save_key(request, key, again)
        except Problem as problem:
            server.answer(failure_page(settings, problem.text.message, again))
            raise
        verify_command = command("verify", "--env", settings.environment)
        server.answer(page(settings, signed_in=True, detail="", next_command=verify_command))


def sign_in_headless(request: Authorization, *, timeout: float, again: str) -> str:
    """No callback: the user opens the URL anywhere and pastes the code OpenRouter shows."""
    environment = request.settings.environment
    print(catalog.say("login.open_headless", environment=environment).message, file=sys.stderr)
    print(request.url(None), file=sys.stderr)
    print(catalog.say("login.paste").message, end="", file=sys.stderr, flush=True)
    code = read_code(timeout, again)
    return request.exchange(code, again)


def read_code(timeout: float, again: str) -> str:
    """One line from stdin, within the timeout: a code, with no control characters in it.

    At most LONGEST_LINE bytes are read: a longer line (a paste gone wrong,
    /dev/zero) is refused, never kept whole.
    """
    typed: list[bytes] = []
    reader = threading.Thread(target=lambda: typed.append(read_line(LONGEST_LINE)), daemon=True)
    reader.start()
    reader.join(timeout)
    if not sys.stdin.isatty():
        print(file=sys.stderr)  # nothing echoed the Enter: end the prompt's line
    if reader.is_alive():
        text = catalog.say("login.timeout", timeout=f"{timeout:g}", login_command=again)
        raise Problem(text, status=1)
    line = typed[0] if typed else b""
    if len(line) > LONGEST_LINE:
        text = catalog.say("login.code_too_long", limit=LONGEST_LINE // 1024, login_command=again)
        raise Problem(text, status=1)
    code = line.decode("utf-8", "replace").strip()
    if not code:
        raise Problem(catalog.say("login.no_code", login_command=again), status=1)
    if len(code) > _LONGEST_CODE or any(c.isspace() or not c.isprintable() for c in code):
        raise Problem(catalog.say("login.bad_code", login_command=again), status=1)
    return code


def read_line(limit: int) -> bytes:
    """A line from stdin without its end, read up to limit + 1 bytes (more than limit: too long)."""
    try:
        line = sys.stdin.buffer.readline(limit + 1)
    except (OSError, ValueError):  # no stdin, or a closed one
        return b""
    ended = line.endswith(b"\n")
    return line.rstrip(b"\r\n") if ended or len(line) <= limit else line


def printable(text: str, limit: int = 200) -> str:
    """Text from outside (a callback's query) made safe for a terminal and a page.

    Control and format characters (escape sequences, bidi overrides) become
    spaces, runs of spaces one, and the text is cut to limit characters.
    """
    spaced = "".join(" " if unicodedata.category(c) in _CONTROL else c for c in text)
    return " ".join(part for part in spaced.split(" ") if part)[:limit]


def page(settings: Settings, *, signed_in: bool, detail: str, next_command: str) -> bytes:
    """The page the browser ends on (catalog.LOGIN_PAGE), every value HTML-escaped."""
    texts = {"app_title": settings.app_title, "environment": settings.environment}
    if signed_in:
        heading = catalog.say("login.page_signed_in", **texts)
        next_step = catalog.say("login.page_signed_in_next")
    else:
        heading = catalog.say("login.page_failed", detail=detail, **texts)
        next_step = catalog.say("login.page_failed_next")
    values = {
        **texts,
        "outcome": "signed-in" if signed_in else "failed",
        "heading": heading.message,
        "text": heading.hint or "",
        "next": next_step.message,
        "command": next_command,
    }
    filled = catalog.fill(catalog.LOGIN_PAGE, {k: html.escape(v) for k, v in values.items()})
    return filled.encode()


def failure_page(settings: Settings, detail: str, again: str) -> bytes:
    return page(settings, signed_in=False, detail=detail, next_command=again)


class _Callback(NamedTuple):
    """What the browser brought back: a code, or OpenRouter's error."""

    code: str
    error: str


class CallbackServer(ThreadingHTTPServer):
    """The callback server on 127.0.0.1: each connection has its own thread, so none can stall it.

    The first request to the callback with a code or an error is the answer;
    the page it gets waits until the caller knows how sign-in ended.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _CallbackHandler)
        #: Only a request for this path, on this host, is the callback: a part per login.
        self.path = f"{CALLBACK_PATH}/{secrets.token_urlsafe(16)}"
        self.callback: _Callback | None = None
        self.arrived = threading.Event()
        self.page = b""
        self.page_ready = threading.Event()
        self.page_sent = threading.Event()
        self._lock = threading.Lock()

    @classmethod
    def listen(cls, port: int | None) -> CallbackServer:
        """The chosen port, else 3000, else any free one."""
        try:
            return cls(DEFAULT_PORT if port is None else port)
        except OSError:
            if port is not None:
                raise Problem(catalog.say("login.port_taken", port=port), status=1) from None
        return cls(0)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def __enter__(self) -> CallbackServer:
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()
        self.server_close()

    def arrive(self, callback: _Callback) -> None:
        with self._lock:
            if self.callback is None:
                self.callback = callback
                self.arrived.set()

    def wait(self, timeout: float, again: str) -> _Callback:
        """What the browser brings back; Problem if nothing comes in time."""
        if not self.arrived.wait(timeout) or self.callback is None:
            text = catalog.say("login.timeout", timeout=f"{timeout:g}", login_command=again)
            raise Problem(text, status=1)
        return self.callback

    def answer(self, body: bytes) -> None:
        """Give the waiting browser its page, and wait (briefly) until it is sent."""
        self.page = body
        self.page_ready.set()
        self.page_sent.wait(5)


class _CallbackHandler(BaseHTTPRequestHandler):
    server: CallbackServer
    timeout = 10  # an idle connection gives up its thread after this long

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the query holds the one-time code."""

    def __getattr__(self, name: str) -> Any:
        """Any method but GET (POST, HEAD, OPTIONS, made-up ones): 404, and login keeps waiting."""
        if name.startswith("do_"):
            return self._not_here
        raise AttributeError(name)

    def _not_here(self) -> None:
        self.close_connection = True  # a body it sent is not read
        self._send(404, catalog.say("login.page_ignored").message.encode(), "text/plain")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = f"127.0.0.1:{self.server.port}"
        if parts.path != self.server.path or self.headers.get("Host") != host:
            # Another page, another host name (DNS rebinding): not the callback.
            self._not_here()
            return
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        code, error = query.get("code", ""), query.get("error", "")
        if not code and not error:
            # A stray page, a preconnect, a port scan: not OpenRouter.
            self._send(400, catalog.say("login.page_ignored").message.encode(), "text/plain")
            return
        if error:
            detail = printable(query.get("error_description") or error)
            self.server.arrive(_Callback("", detail or "error"))
        else:
            self.server.arrive(_Callback(code, ""))
        if not self.server.page_ready.wait(account.TIMEOUT + 30):
            self._send(503, b"", "text/plain")
            return
        self._send(200, self.server.page, "text/html")
        self.server.page_sent.set()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", PAGE_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def start_browser(url: str, failed: catalog.Text) -> None:
    """Start $BROWSER, else the platform's opener, on the URL; say so if it cannot.

    Login goes on waiting either way: the user can open the URL by hand.
    """
    if os.environ.get("BROWSER"):
        opener = [*os.environ["BROWSER"].split(), url]
    elif sys.platform == "darwin":
        opener = ["open", url]
    elif sys.platform == "win32":
        opener = ["rundll32", "url.dll,FileProtocolHandler", url]
    else:
        opener = ["xdg-open", url]

    def warn() -> None:
        print(f"warning: {failed.line()}", file=sys.stderr, flush=True)

    try:
        # The user's own $BROWSER or the system's opener, with our URL: no shell involved,
        # and no key in its environment.
        environment = {name: value for name, value in os.environ.items() if name not in _SECRETS}
        process = subprocess.Popen(  # noqa: S603
            opener,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
    except OSError:
        warn()
        return

    def watch() -> None:
        if process.wait() != 0:
            warn()

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
