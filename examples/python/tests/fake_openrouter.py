"""A stand-in for OpenRouter's API on 127.0.0.1, so tests need no key and no network.

It honours what the app relies on: GET /key (and the legacy /auth/key), the
per-model endpoints, the public 2 MB /models catalogue, chat completions
(streamed with ": OPENROUTER PROCESSING" comments, optionally ending in an error
chunk), OAuth PKCE (/auth, POST /auth/keys), OpenRouter's error bodies, and an
HTML 404 page for every other path, which is what a wrong base URL gets.

    with FakeOpenRouter() as fake:
        key = fake.add_key(limit=5)
        fake.respond("/api/v1/key", 429, error="Rate limit exceeded", headers={"Retry-After": "30"})
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

API = "/api/v1"
MODEL = "google/gemini-2.5-flash-lite"
HTML_404 = (
    b"<!DOCTYPE html><html><head><title>404: This page could not be found</title>"
    b"</head><body><h1>404</h1><p>This page could not be found.</p></body></html>"
)


def new_key() -> str:
    """A key shaped like OpenRouter's: sk-or-v1- and 64 hex characters."""
    return "sk-or-v1-" + secrets.token_hex(32)


def key_data(**overrides: Any) -> dict[str, Any]:
    """What GET /key reports for an ordinary key with a 10 USD monthly limit."""
    return {
        "label": "sk-or-v1-abc...def",
        "limit": 10.0,
        "limit_remaining": 7.5,
        "limit_reset": "monthly",
        "include_byok_in_limit": False,
        "usage": 2.5,
        "usage_daily": 0.25,
        "usage_weekly": 1.0,
        "usage_monthly": 2.5,
        "is_free_tier": False,
        "is_management_key": False,
        "is_provisioning_key": False,
        "expires_at": None,
        **overrides,
    }


def endpoint(provider: str, model: str = MODEL) -> dict[str, Any]:
    return {
        "name": f"{provider} | {model}",
        "provider_name": provider,
        "context_length": 1048576,
        "pricing": {"prompt": "0.0000001", "completion": "0.0000004"},
        "status": 0,
    }


@dataclass
class Canned:
    """A fixed answer for one path, replacing the normal behaviour."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]
    hang: bool = False


@dataclass
class Request:
    """A request as the fake received it."""

    method: str
    path: str
    headers: Message  # case-insensitive, like HTTP headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeOpenRouter:
    """The fake server. Start it with `with`, or start() and stop()."""

    latency: float = 0.0
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {MODEL: [endpoint("Google"), endpoint("Google AI Studio")]}
    )
    reply: str = "Hello from the fake OpenRouter."
    stream_error: str | None = None
    legacy_key_endpoint_only: bool = False
    requests: list[Request] = field(default_factory=list)
    bytes_sent: int = 0
    max_in_flight: int = 0  # the most requests it was answering at once
    _in_flight: int = 0
    _canned: dict[str, Canned] = field(default_factory=dict)
    _challenges: dict[str, str] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # --- setting up -------------------------------------------------------------

    def serve_model(self, model: str) -> None:
        """Make a model known and routable, as the project's default model is."""
        self.models[model] = [endpoint("Provider A", model), endpoint("Provider B", model)]

    def add_key(self, key: str | None = None, /, **data: Any) -> str:
        """Register a key that GET /key accepts; data overrides key_data()."""
        key = key or new_key()
        self.keys[key] = key_data(**data)
        return key

    def respond(
        self,
        path: str,
        status: int = 200,
        *,
        json_body: Any = None,
        error: str | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        hang: bool = False,
    ) -> None:
        """Answer requests for path (e.g. "/api/v1/key") with this, from now on.

        error= gives OpenRouter's error body for the status; hang=True accepts
        the request and never answers.
        """
        if error is not None:
            json_body = {"error": {"code": status, "message": error}}
        if body is None:
            body = json.dumps(json_body).encode() if json_body is not None else b""
        self._canned[path] = Canned(status, body, content_type, dict(headers or {}), hang)

    # --- running ------------------------------------------------------------------

    @property
    def origin(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.origin + API

    def start(self) -> FakeOpenRouter:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeOpenRouter:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [request.path for request in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeOpenRouter
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the fake's records instead."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        fake = self.server_fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        with fake._lock:
            fake.requests.append(Request(method, self.path, self.headers, body))
            fake._in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake._in_flight)
        try:
            self._answer(method, path, body)
        finally:
            with fake._lock:
                fake._in_flight -= 1

    def _answer(self, method: str, path: str, body: bytes) -> None:
        fake = self.server_fake
        if fake.latency:
            time.sleep(fake.latency)
        canned = fake._canned.get(path)
        if canned is not None:
            if canned.hang:
                fake._stopping.wait()
                return
            self._send(canned.status, canned.body, canned.content_type, canned.headers)
            return
        route = {
            ("GET", f"{API}/key"): self._key,
            ("GET", f"{API}/auth/key"): self._key,
            ("GET", f"{API}/models"): self._catalogue,
            ("POST", f"{API}/chat/completions"): self._chat,
            ("GET", "/auth"): self._authorize,
            ("POST", f"{API}/auth/keys"): self._exchange,
        }.get((method, path))
        if route is not None:
            route(body)
        elif method == "GET" and path.startswith(f"{API}/models/") and path.endswith("/endpoints"):
            self._endpoints(path[len(f"{API}/models/") : -len("/endpoints")])
        else:
            self._send(404, HTML_404, "text/html; charset=utf-8")

    # --- routes -----------------------------------------------------------------------

    def _key(self, body: bytes) -> None:
        fake = self.server_fake
        if fake.legacy_key_endpoint_only and self.path.startswith(f"{API}/key"):
            self._error(404, "Not Found")
            return
        key = self._caller_key()
        if key is None:
            return
        self._json(200, {"data": fake.keys[key]})

    def _catalogue(self, body: bytes) -> None:
        models = [
            {
                "id": f"vendor-{i // 10}/model-{i}",
                "name": f"Vendor {i // 10}: Model {i}",
                "context_length": 131072,
                "pricing": {"prompt": "0.000001", "completion": "0.000002"},
                "description": "A model of the fake catalogue, padded to OpenRouter's size. " * 12,
            }
            for i in range(2400)
        ]
        self._json(200, {"data": models})

    def _endpoints(self, model: str) -> None:
        endpoints = self.server_fake.models.get(model)
        if endpoints is None:
            self._error(404, f"Model {model} not found")
            return
        self._json(200, {"data": {"id": model, "name": model, "endpoints": endpoints}})

    def _chat(self, body: bytes) -> None:
        if self._caller_key() is None:
            return
        fake = self.server_fake
        request = json.loads(body or b"{}")
        model = request.get("model", "")
        if model not in fake.models:
            self._error(400, f"{model} is not a valid model ID")
            return
        if not request.get("stream"):
            self._json(200, _completion(model, fake.reply, request.get("max_tokens")))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self._write(b": OPENROUTER PROCESSING\n\n")
        for word in fake.reply.split(" "):
            self._event(
                _chunk(model, {"content": word if word == fake.reply.split(" ")[0] else " " + word})
            )
            self._write(b": OPENROUTER PROCESSING\n\n")
        if fake.stream_error is not None:
            error = {"code": 502, "message": fake.stream_error}
            self._event({**_chunk(model, {"content": ""}, "error"), "error": error})
        else:
            self._event(_chunk(model, {}, "stop"))
        self._write(b"data: [DONE]\n\n")

    def _authorize(self, body: bytes) -> None:
        query = parse_qs(urlsplit(self.path).query)
        callback = query.get("callback_url", [""])[0]
        challenge = query.get("code_challenge", [""])[0]
        if not callback or query.get("code_challenge_method") != ["S256"] or not challenge:
            self._send(400, b"<html><body>Bad authorization request</body></html>", "text/html")
            return
        code = secrets.token_urlsafe(16)
        self.server_fake._challenges[code] = challenge
        separator = "&" if "?" in callback else "?"
        self._send(
            302, b"", "text/html", {"Location": f"{callback}{separator}{urlencode({'code': code})}"}
        )

    def _exchange(self, body: bytes) -> None:
        fake = self.server_fake
        request = json.loads(body or b"{}")
        challenge = fake._challenges.pop(str(request.get("code")), None)
        verifier = str(request.get("code_verifier", "")).encode()
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if (
            challenge is None
            or request.get("code_challenge_method") != "S256"
            or expected != challenge
        ):
            self._error(403, "Invalid code or code_verifier")
            return
        self._json(200, {"key": fake.add_key(label="OAuth key", limit=None, limit_remaining=None)})

    # --- helpers -------------------------------------------------------------------------

    def _caller_key(self) -> str | None:
        """The caller's key if the fake knows it; otherwise answer 401 and return None."""
        authorization = self.headers.get("Authorization", "")
        key = authorization.removeprefix("Bearer ")
        if not authorization.startswith("Bearer ") or key not in self.server_fake.keys:
            self._error(401, "User not found.")
            return None
        return key

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": {"code": status, "message": message}})

    def _json(self, status: int, document: Any) -> None:
        self._send(status, json.dumps(document).encode(), "application/json")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self._write(body)

    def _event(self, document: dict[str, Any]) -> None:
        self._write(f"data: {json.dumps(document)}\n\n".encode())

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        with self.server_fake._lock:
            self.server_fake.bytes_sent += len(data)


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "gen-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _completion(model: str, reply: str, max_tokens: int | None) -> dict[str, Any]:
    content = reply.split(" ")[0] if max_tokens == 1 else reply
    return {
        "id": "gen-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "length" if max_tokens == 1 else "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }
