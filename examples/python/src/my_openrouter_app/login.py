"""Get a key by signing in to OpenRouter: python -m <package>.login [--env NAME].

OpenRouter's OAuth PKCE flow (RFC 7636): a random verifier and its S256
challenge; the browser opens OpenRouter's /auth page, which sends it back with
a code to a one-shot server on 127.0.0.1; POST /auth/keys trades the code and
the verifier for a key. The key goes into .env.<environment> (mode 600) and is
never printed; verify then checks it and decides the exit status.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import catalog, envfile, verify
from .client import attribution_headers
from .config import ENVIRONMENTS, Problem, Settings, command, key_problem, load_settings
from .explain import message_values

DEFAULT_PORT = 3000
CALLBACK_PATH = "/callback"


def main(argv: Sequence[str] | None = None) -> int:
    """Run login; returns the exit status (verify's, once a key was saved)."""
    parser = argparse.ArgumentParser(
        prog=command("login"),
        description="Sign in to OpenRouter in the browser and save a new key to .env.<environment>.",
    )
    parser.add_argument(
        "--env", help=f"environment whose env file gets the key: {', '.join(ENVIRONMENTS)}"
    )
    parser.add_argument("--no-browser", action="store_true", help="only print the URL to open")
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
        help="give up after this long (default: 300)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace a key the env file already holds"
    )
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(catalog.say("usage.port").message)
    if not 0 < args.timeout < float("inf"):
        parser.error(catalog.say("usage.timeout").message)

    try:
        settings = load_settings(args.env)
        env_file = Path.cwd() / f".env.{settings.environment}"
        if not args.force and envfile.holds_key(env_file) and not confirm_replace(env_file):
            replace = command("login", "--env", settings.environment, "--force")
            text = catalog.say("login.key_exists", file=env_file.name, login_command=replace)
            raise Problem(text, status=1)
        key = sign_in(
            settings, port=args.port, timeout=args.timeout, open_browser=not args.no_browser
        )
    except Problem as error:
        print(f"error: {error.text.line()}", file=sys.stderr)
        return error.status

    envfile.write_key(env_file, key)
    print(catalog.say("login.saved", file=env_file.name).message, file=sys.stderr)
    if os.environ.get("OPENROUTER_API_KEY"):
        print(
            f"warning: {catalog.say('login.overridden', file=env_file.name).message}",
            file=sys.stderr,
        )
    return verify.main(["--env", settings.environment])


def confirm_replace(env_file: Path) -> bool:
    """Ask whether to replace the key, when there is a terminal to ask on."""
    if not sys.stdin.isatty():
        return False
    answer = input(f"{env_file.name} already holds a key. Replace it? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def sign_in(settings: Settings, *, port: int | None, timeout: float, open_browser: bool) -> str:
    """Run the PKCE flow and return the new key."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    server = _callback_server(port)
    try:
        callback_url = f"http://localhost:{server.server_address[1]}{CALLBACK_PATH}"
        base = urlsplit(settings.base_url)
        query = urlencode(
            {
                "callback_url": callback_url,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        url = f"{base.scheme}://{base.netloc}/auth?{query}"
        print(catalog.say("login.open", environment=settings.environment).message, file=sys.stderr)
        print(url, file=sys.stderr, flush=True)
        browser = _open_browser(url) if open_browser else None
        waiting = catalog.say("login.waiting", callback_url=callback_url, timeout=f"{timeout:g}")
        print(waiting.message, file=sys.stderr, flush=True)
        code = _wait_for_code(server, browser, timeout)
    finally:
        server.server_close()
    return _exchange(settings, code, verifier)


class _CallbackServer(HTTPServer):
    code: str | None = None
    failure: catalog.Text | None = None


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _CallbackServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the query holds the one-time code."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._page(404, "Not found.")
            return
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if query.get("code"):
            self.server.code = query["code"]
        elif query.get("error"):
            detail = query.get("error_description") or query["error"]
            self.server.failure = catalog.say(
                "login.denied", detail=detail, login_command=command("login")
            )
        else:
            self.server.failure = catalog.say("login.no_code", login_command=command("login"))
        self._page(
            200, catalog.say("login.page" if self.server.code else "login.page_failed").message
        )

    def _page(self, status: int, text: str) -> None:
        body = f"<!DOCTYPE html><meta charset=utf-8><title>OpenRouter sign-in</title><p>{text}</p>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _callback_server(port: int | None) -> _CallbackServer:
    """Listen on 127.0.0.1 only: the chosen port, else 3000, else any free one."""
    try:
        return _CallbackServer(
            ("127.0.0.1", DEFAULT_PORT if port is None else port), _CallbackHandler
        )
    except OSError:
        if port is not None:
            raise Problem(catalog.say("login.port_taken", port=port), status=1) from None
    return _CallbackServer(("127.0.0.1", 0), _CallbackHandler)


def _open_browser(url: str) -> subprocess.Popen[bytes]:
    """Start $BROWSER, else the platform's opener, on the URL."""
    if os.environ.get("BROWSER"):
        opener = [*os.environ["BROWSER"].split(), url]
    elif sys.platform == "darwin":
        opener = ["open", url]
    elif sys.platform == "win32":
        opener = ["rundll32", "url.dll,FileProtocolHandler", url]
    else:
        opener = ["xdg-open", url]
    try:
        # The user's own $BROWSER or the system's opener, with our URL: no shell involved.
        return subprocess.Popen(  # noqa: S603
            opener, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError:
        raise Problem(_no_browser(), status=1) from None


def _wait_for_code(
    server: _CallbackServer, browser: subprocess.Popen[bytes] | None, timeout: float
) -> str:
    """Serve the callback until it brings a code, the browser fails, or time runs out."""
    deadline = time.monotonic() + timeout
    while server.code is None and server.failure is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            text = catalog.say(
                "login.timeout", timeout=f"{timeout:g}", login_command=command("login")
            )
            raise Problem(text, status=1)
        if browser is not None and browser.poll() not in (None, 0):
            raise Problem(_no_browser(), status=1)
        server.timeout = min(remaining, 0.25)
        server.handle_request()
    if server.failure is not None:
        raise Problem(server.failure, status=1)
    return server.code or ""


def _exchange(settings: Settings, code: str, verifier: str) -> str:
    """POST /auth/keys: the code and the verifier for a key."""
    body = json.dumps(
        {"code": code, "code_verifier": verifier, "code_challenge_method": "S256"}
    ).encode()
    headers = {"Content-Type": "application/json", **attribution_headers(settings)}
    url = f"{settings.base_url.rstrip('/')}/auth/keys"  # verify's base_url check: http(s) only
    request = urllib.request.Request(url, body, headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise Problem(_exchange_failed(settings, error.code, error.read()), status=1) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        text = catalog.say("reachability.network", **message_values(settings, detail=reason))
        raise Problem(text, status=1) from None
    except ValueError:
        raise Problem(_exchange_failed(settings, 200, b""), status=1) from None
    key = answer.get("key") if isinstance(answer, dict) else None
    if not isinstance(key, str) or key_problem(key):
        raise Problem(_exchange_failed(settings, 200, b""), status=1)
    return key


def _exchange_failed(settings: Settings, status: int, body: bytes) -> catalog.Text:
    try:
        error = json.loads(body).get("error", {})
        detail = str(error.get("message") or "no details")
    except (ValueError, AttributeError):
        detail = "no key in the answer"
    return catalog.say(
        "login.exchange_failed", status=status, detail=detail, login_command=command("login")
    )


def _no_browser() -> catalog.Text:
    return catalog.say("login.no_browser", login_command=command("login", "--no-browser"))


if __name__ == "__main__":
    sys.exit(main())
