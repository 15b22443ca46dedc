# Maintained by the OpenRouter app template: copier update replaces this file.
"""A stand-in for OpenRouter's API on 127.0.0.1, so tests need no key and no network.

It follows OpenRouter's API reference (the OpenAPI spec) for every endpoint the
project calls: GET /key, GET /model/{author}/{slug}
(variants, routers and ~aliases resolved), the per-model endpoints, the public
2 MB /models catalogue (paged by offset and limit), chat completions (usage with
its cost; the `models` fallback list and `provider` preferences; OpenAI-served
models refuse fewer than 16 tokens; streams carry ": OPENROUTER PROCESSING"
comments, model and provider on every chunk, usage on the last, and may end in
an error chunk), the management API (/keys, /credits, /guardrails and their key
assignments; an ordinary key gets 401, or 403 where the spec documents one),
OAuth PKCE (/auth, POST /auth/keys), OpenRouter's error bodies, and an HTML 404
page for every other path, which is what a wrong base URL gets.

Any path can be switched to a canned or hostile answer: respond(), hang(),
drop(), gzip_bomb(), malformed_stream(), reset_mid_stream(), redirect(),
raw_json(), data_policy_404(), insufficient_credits(), provider_rate_limit(),
rate_limit(), key_limit_exceeded(), trickle() (a byte every half second, for
ever); restore() switches it back. fat_key_pages() fills GET /keys with pages of
large keys. Models and keys
have switches of their own: fail_model() (the next of `models` answers),
free_model_limit() (429 on :free models), exhaust_key() (402), endpoint_down(),
expire_model(); add_guardrail() and assign_guardrail() set up guardrails. respond(), hang() and drop() can be limited to one
method (DELETE /keys/{hash}, not GET). Headers named in refused_headers make it
answer 400, so a test fails if a client sends them.

    with FakeOpenRouter() as fake:
        key = fake.add_key(limit=5)
        fake.respond("/api/v1/key", 429, error="Rate limit exceeded", headers={"Retry-After": "30"})

Run as a command, it is an offline OpenRouter to try the app with (standard
library only): `python tests/openrouter/fake_server.py [--port N] [--management-key KEY]`
prints OPENROUTER_BASE_URL=... and OPENROUTER_API_KEY=... and serves until
interrupted.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import json
import math
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

API = "/api/v1"
CHAT = f"{API}/chat/completions"
MODEL = "google/gemini-2.5-flash-lite"
OPENAI_MODEL = "openai/gpt-5.2"
ALIAS = "~openai/gpt-latest"
ROUTER = "openrouter/auto"
USER_ID = "user_2fakeOpenRouter0000000000"
WORKSPACE_ID = "7d6a4c3e-0f1b-4e59-9a2d-5b8c1e0f4a7d"
PAGE_SIZE = 100  # GET /keys returns the most recent 100 keys per page
MODELS_PAGE = 500  # GET /models: limit's default when offset or limit is given
MODELS_MAX = 1000  # and its maximum
GUARDRAILS_PAGE = 50  # the guardrail lists: limit's default
GUARDRAILS_MAX = 100  # and its maximum
MIN_OPENAI_TOKENS = 16
DATA_POLICY = (
    "No endpoints found matching your data policy (Paid model training). "
    "Configure: https://openrouter.ai/settings/privacy"
)
HTML_404 = (
    b"<!DOCTYPE html><html><head><title>404: This page could not be found</title>"
    b"</head><body><h1>404</h1><p>This page could not be found.</p></body></html>"
)
# Fields GET /key reports that the management API's key objects do not, and the reverse.
KEY_ONLY = ("is_free_tier", "is_management_key", "is_provisioning_key", "rate_limit")
LISTING_ONLY = ("hash", "name", "disabled", "created_at", "updated_at", "workspace_id")
LIMIT_RESETS = ("daily", "weekly", "monthly", None)
UTC_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
MODEL_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+(:[\w.-]+)?")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NOT_MANAGEMENT = "Only management keys can perform this operation"
INSUFFICIENT_CREDITS = "Insufficient credits. Add more using https://openrouter.ai/credits"
FREE_MODELS_PER_DAY = (
    "Rate limit exceeded: free-models-per-day. "
    "Add 10 credits to unlock 1000 free model requests per day"
)
ENDPOINT_STATUSES = (0, -1, -2, -3, -5, -10)  # EndpointStatus; 0 is a working endpoint
GUARDRAIL_INTERVALS = ("daily", "weekly", "monthly", None)
GUARDRAIL_LISTS = ("allowed_models", "allowed_providers", "ignored_models", "ignored_providers")
ZDR_FIELDS = (
    "enforce_zdr_anthropic",
    "enforce_zdr_google",
    "enforce_zdr_openai",
    "enforce_zdr_other",
    "enforce_zdr_xai",
)
GUARDRAIL_FLAGS = (
    "enforce_zdr",
    *ZDR_FIELDS,
    "enable_free_model_publication",
    "enable_free_model_training",
    "enable_paid_model_training",
)
GUARDRAIL_FILTERS = ("content_filters", "content_filter_builtins")
PROVIDER_SORTS = ("price", "throughput", "latency", "exacto")


def new_key() -> str:
    """A key shaped like OpenRouter's: sk-or-v1- and 64 hex characters."""
    return "sk-or-v1-" + secrets.token_hex(32)


def key_hash(key: str) -> str:
    """The key's hash as OpenRouter names it (/keys/{hash}, settings links): sha256 hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_label(key: str) -> str:
    """How OpenRouter labels a key: its first and last characters, "sk-or-v1-au7...890"."""
    return f"{key[:12]}...{key[-3:]}"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_data(**overrides: Any) -> dict[str, Any]:
    """What GET /key reports for an ordinary key with a 10 USD monthly limit (every spec field)."""
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
        "byok_usage": 0.0,
        "byok_usage_daily": 0.0,
        "byok_usage_weekly": 0.0,
        "byok_usage_monthly": 0.0,
        "is_free_tier": False,
        "is_management_key": False,
        "is_provisioning_key": False,
        "creator_user_id": USER_ID,
        "rate_limit": {
            "requests": -1,
            "interval": "10s",
            "note": "This field is deprecated and safe to ignore.",
        },
        "expires_at": None,
        **overrides,
    }


def endpoint(provider: str, model: str = MODEL) -> dict[str, Any]:
    """One provider endpoint of a model, as GET /models/{author}/{slug}/endpoints lists it."""
    base = model.split(":")[0]
    return {
        "name": f"{provider} | {base}",
        "model_id": base,
        "model_name": _display_name(base),
        "context_length": 1048576,
        "pricing": {"prompt": "0.0000001", "completion": "0.0000004", "request": "0"},
        "provider_name": provider,
        "tag": provider.lower().replace(" ", "-"),
        "quantization": None,
        "max_completion_tokens": 65536,
        "max_prompt_tokens": None,
        "supported_parameters": ["max_tokens", "temperature", "top_p", "stop", "seed"],
        "status": 0,
        "uptime_last_30m": 99.9,
        "uptime_last_5m": 100.0,
        "uptime_last_1d": 99.7,
        "supports_implicit_caching": True,
        "latency_last_30m": {"p50": 310.0, "p75": 420.0, "p90": 610.0, "p99": 1200.0},
        "throughput_last_30m": {"p50": 95.0, "p75": 80.0, "p90": 60.0, "p99": 30.0},
    }


def model_data(model: str, **overrides: Any) -> dict[str, Any]:
    """GET /model/{author}/{slug}'s Model for a concrete model id (":free" variants cost 0)."""
    base = model.split(":")[0]
    price = "0" if model.endswith(":free") else "0.0000001"
    return {
        "id": model,
        "canonical_slug": base,
        "name": _display_name(model),
        "created": 1750000000,
        "description": f"{model}, as the fake OpenRouter serves it.",
        "context_length": 1048576,
        "architecture": {
            "modality": "text->text",
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "tokenizer": "Other",
            "instruct_type": None,
        },
        "pricing": {"prompt": price, "completion": price, "request": "0", "image": "0"},
        "top_provider": {
            "context_length": 1048576,
            "max_completion_tokens": 65536,
            "is_moderated": base.startswith("openai/"),
        },
        "per_request_limits": None,
        "supported_parameters": ["max_tokens", "temperature", "top_p", "stop", "seed"],
        "default_parameters": None,
        "supported_voices": None,
        "links": {"details": f"{API}/models/{model}/endpoints"},
        "expiration_date": None,
        **overrides,
    }


def router_data(model: str) -> dict[str, Any]:
    """A router (openrouter/auto) as GET /model reports it: no price of its own (-1)."""
    return model_data(
        model,
        name="Auto Router",
        description="Picks a model for each prompt.",
        context_length=2000000,
        architecture={
            "modality": "text->text",
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "tokenizer": "Router",
            "instruct_type": None,
        },
        pricing={"prompt": "-1", "completion": "-1"},
        top_provider={"context_length": None, "max_completion_tokens": None, "is_moderated": False},
    )


def workspace_data(workspace_id: str, name: str) -> dict[str, Any]:
    """A workspace as GET /workspaces reports it (every required field of the spec's Workspace)."""
    return {
        "id": workspace_id,
        "name": name,
        "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        "description": None,
        "default_guardrail_id": str(uuid.uuid4()),
        "default_text_model": None,
        "default_image_model": None,
        "default_provider_sort": None,
        "include_byok_in_budgets": False,
        "is_observability_io_logging_enabled": False,
        "is_observability_broadcast_enabled": False,
        "is_data_discount_logging_enabled": True,
        "io_logging_sampling_rate": 1,
        "io_logging_api_key_ids": None,
        "created_at": utc_now(),
        "updated_at": None,
        "created_by": USER_ID,
    }


def guardrail_data(name: str, **fields: Any) -> dict[str, Any]:
    """A guardrail as the management API reports it (every field of the spec's Guardrail).

    The deprecated enforce_zdr, when given, is copied into each enforce_zdr_<provider>
    field not given, as the spec says.
    """
    record: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": name,
        "description": None,
        "limit_usd": None,
        "reset_interval": None,
        **{list_field: None for list_field in GUARDRAIL_LISTS},
        **{flag: None for flag in GUARDRAIL_FLAGS},
        **{filters: None for filters in GUARDRAIL_FILTERS},
        "include_byok_in_budgets": False,
        "workspace_id": WORKSPACE_ID,
        "created_at": utc_now(),
        "updated_at": None,
    }
    record.update(fields)
    if fields.get("enforce_zdr") is not None:
        for zdr in ZDR_FIELDS:
            if zdr not in fields:
                record[zdr] = fields["enforce_zdr"]
    return record


def _display_name(model: str) -> str:
    author, _, slug = model.partition("/")
    return f"{author[:1].upper()}{author[1:]}: {slug}"


def _default_endpoints(model: str) -> list[dict[str, Any]]:
    if model.startswith("openai/"):
        return [endpoint("OpenAI", model), endpoint("Azure", model)]
    return [endpoint("DeepInfra", model), endpoint("Together", model)]


@dataclass
class Canned:
    """A fixed answer for one path, replacing the normal behaviour.

    kind is "reply" (status, body, headers), "hang" (accept, never answer),
    "drop" (close without answering), "gzip_bomb", "malformed_stream",
    "reset" or "trickle" (see FakeOpenRouter's methods).
    """

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]
    hang: bool = False
    kind: str = "reply"
    size: int = 0  # gzip_bomb: how many bytes the body expands to


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
class Grant:
    """An authorization code issued by /auth, waiting for POST /auth/keys."""

    challenge: str | None
    method: str
    label: str | None
    limit: float | None
    #: The /auth page's usage_limit_type and expires_at (as POST /auth/keys/code takes them).
    reset: str | None = None
    expires_at: str | None = None


@dataclass
class _Lookup:
    """What a model id names: a concrete model, a :variant of one, a router or a ~alias."""

    kind: str
    concrete: str  # the model that answers a chat
    endpoints: list[dict[str, Any]]


@dataclass
class FakeOpenRouter:
    """The fake server. Start it with `with`, or start() and stop()."""

    latency: float = 0.0
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {
            MODEL: [endpoint("Google", MODEL), endpoint("Google AI Studio", MODEL)],
            OPENAI_MODEL: _default_endpoints(OPENAI_MODEL),
        }
    )
    model_info: dict[str, dict[str, Any]] = field(default_factory=dict)  # Model overrides
    aliases: dict[str, str] = field(default_factory=lambda: {ALIAS: OPENAI_MODEL})
    routers: set[str] = field(default_factory=lambda: {ROUTER})
    any_model: bool = False  # every author/slug id is known and routable (the command)
    reply: str = "Hello from the fake OpenRouter."
    stream_error: str | None = None
    auth_error: str | None = None  # /auth redirects with ?error=<this> (e.g. access_denied)
    affordable_tokens: int | None = None  # chat asking for more answers 402
    refused_headers: set[str] = field(default_factory=set)  # any request with one: 400
    credits: dict[str, float] = field(
        default_factory=lambda: {"total_credits": 100.0, "total_usage": 25.5}
    )
    guardrails: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id, oldest first
    #: The account's workspaces (GET /workspaces), the default one first.
    workspaces: list[dict[str, Any]] = field(
        default_factory=lambda: [workspace_data(WORKSPACE_ID, "Default")]
    )
    key_assignments: list[dict[str, Any]] = field(default_factory=list)  # KeyAssignment objects
    failing_models: dict[str, tuple[int, str]] = field(default_factory=dict)  # fail_model()
    free_limit: dict[str, Any] | None = None  # free_model_limit(): chat on :free answers 429
    fat_pages: tuple[int, int] = (0, 0)  # fat_key_pages(): how many keys, of what name length
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # authorization codes issued, in order
    deleted_keys: list[str] = field(default_factory=list)
    bytes_sent: int = 0
    max_in_flight: int = 0  # the most requests it was answering at once
    _in_flight: int = 0
    _canned: dict[tuple[str, str], Canned] = field(default_factory=dict)  # (method or *, path)
    _before: dict[tuple[str, str], Callable[[], None]] = field(default_factory=dict)
    #: expires_at of keys add_key() makes without one (a production suite: keys by policy).
    key_expires_at: str | None = None
    _grants: dict[str, Grant] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # --- setting up -------------------------------------------------------------

    def serve_model(self, model: str, **info: Any) -> None:
        """Make a model known and routable (a :variant makes its base model known too).

        info overrides fields of the Model that GET /model reports.
        """
        self.models[model] = _default_endpoints(model)
        base = model.split(":")[0]
        self.models.setdefault(base, _default_endpoints(base))
        if info:
            self.model_info[model] = info

    def add_unroutable_model(self, model: str) -> None:
        """A model OpenRouter knows but no provider serves: zero endpoints."""
        self.models[model] = []

    def add_alias(self, alias: str, target: str) -> None:
        """A ~author/slug alias resolving to target (made known if it is not)."""
        if target not in self.models:
            self.serve_model(target)
        self.aliases[alias] = target

    def add_router(self, model: str) -> None:
        """A router id like openrouter/auto: it picks a model for each request."""
        self.routers.add(model)

    def add_key(self, key: str | None = None, /, **data: Any) -> str:
        """Register a key that GET /key and chat accept; data overrides key_data().

        data may also set the management API's fields (name, disabled, ...);
        a disabled key is refused like an unknown one.
        """
        key = key or new_key()
        label = key_label(key)
        listing = {
            "label": label,
            "hash": key_hash(key),
            "name": data.get("label", label),
            "disabled": False,
            "created_at": utc_now(),
            "updated_at": None,
            "workspace_id": WORKSPACE_ID,
            "expires_at": self.key_expires_at,
        }
        self.keys[key] = key_data(**{**listing, **data})
        return key

    def add_management_key(self, key: str | None = None, /, **data: Any) -> str:
        """Register a management key: /keys and /credits accept it; chat refuses it (403)."""
        fields: dict[str, Any] = {
            "is_management_key": True,
            "is_provisioning_key": True,
            "limit": None,
            "limit_remaining": None,
            "limit_reset": None,
        }
        return self.add_key(key, **{**fields, **data})

    def respond(
        self,
        path: str,
        status: int = 200,
        *,
        json_body: Any = None,
        error: str | None = None,
        metadata: dict[str, Any] | None = None,
        user_id: str | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        hang: bool = False,
        method: str | None = None,
    ) -> None:
        """Answer requests for path (e.g. "/api/v1/key") with this, from now on.

        error= gives OpenRouter's error body for the status (with metadata= and a
        top-level user_id= when given); hang=True accepts the request and never
        answers; method= limits it to requests with that method.
        """
        if error is not None:
            json_body = _error_body(status, error, metadata, user_id)
        if body is None:
            body = json.dumps(json_body).encode() if json_body is not None else b""
        kind = "hang" if hang else "reply"
        canned = Canned(status, body, content_type, dict(headers or {}), hang, kind)
        self._canned[(method or "*", path)] = canned

    def before(self, method: str, path: str, action: Callable[[], None]) -> None:
        """Run action once, when the next request for path with that method arrives, before
        answering it: what happens elsewhere meanwhile (another command writes a file)."""
        self._before[(method, path)] = action

    def restore(self, path: str, method: str | None = None) -> None:
        """Answer path normally again."""
        self._canned.pop((method or "*", path), None)

    def hang(self, path: str, method: str | None = None) -> None:
        """Accept requests for path (with that method) and never answer."""
        self.respond(path, hang=True, method=method)

    def drop(self, path: str, method: str | None = None) -> None:
        """Close requests for path (with that method) without answering: a network error."""
        self._canned[(method or "*", path)] = Canned(0, b"", "", {}, kind="drop")

    def trickle(self, path: str, method: str | None = None, every: float = 0.5) -> None:
        """Answer 200 with a JSON body one byte every `every` seconds, for ever.

        Each read gets a byte in time, so only a deadline for the whole request ends it.
        """
        self._canned[(method or "*", path)] = Canned(
            200, b"", "application/json", {}, kind="trickle", size=int(every * 1000)
        )

    def fat_key_pages(self, keys: int = 10_000, name_length: int = 9_000) -> None:
        """GET /keys lists this many more keys of another project, each with a long name.

        A page of 100 is then about 1 MB: what a client keeps of them is what it costs.
        """
        self.fat_pages = (keys, name_length)

    def raw_json(
        self, path: str, text: str, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        """Answer with this exact JSON text: NaN, Infinity, 400-digit numbers, duplicate keys."""
        self.respond(path, status, body=text.encode(), headers=headers)

    def gzip_bomb(self, path: str, *, expanded: int = 1 << 30) -> None:
        """Answer 200 with Content-Encoding: gzip, about 1 MB that inflates to `expanded` bytes.

        The body is JSON whitespace, so only a bound on the inflated size stops a
        client; the fake streams it from one compressed block (it stays small).
        """
        headers = {"Content-Encoding": "gzip"}
        self._canned[("*", path)] = Canned(
            200, b"", "application/json", headers, kind="gzip_bomb", size=expanded
        )

    def malformed_stream(self, path: str = CHAT) -> None:
        """Answer with an event stream whose second data: line is broken JSON, then close."""
        canned = Canned(200, b"", "text/event-stream", {}, kind="malformed_stream")
        self._canned[("*", path)] = canned

    def reset_mid_stream(self, path: str = CHAT) -> None:
        """Start an event stream, send one chunk, then reset the connection (TCP RST)."""
        self._canned[("*", path)] = Canned(200, b"", "text/event-stream", {}, kind="reset")

    def redirect(self, path: str, location: str | None = None, status: int = 307) -> None:
        """Answer with a redirect; by default to the same path on another origin.

        The default origin is http://localhost:<port>: the same fake (requests that
        follow it show up with that Host), but another origin to a client.
        """
        if location is None:
            assert self._server is not None, "start the fake first"
            location = f"http://localhost:{self._server.server_address[1]}{path}"
        self.respond(path, status, body=b"", headers={"Location": location})

    def data_policy_404(self, path: str = CHAT) -> None:
        """OpenRouter's 404 when the account's privacy settings exclude every provider."""
        self.respond(path, 404, error=DATA_POLICY, user_id=USER_ID)

    def insufficient_credits(
        self, path: str = CHAT, *, requested: int = 1024, affordable: int = 27
    ) -> None:
        """OpenRouter's 402 when max_tokens times the price exceeds what the key may spend."""
        message = _fewer_max_tokens(requested, affordable)
        self.respond(path, 402, error=message, metadata={"provider_name": None}, user_id=USER_ID)

    def provider_rate_limit(
        self,
        path: str = CHAT,
        *,
        provider: str = "DeepInfra",
        model: str = MODEL,
        retry_after: int | None = None,
        provider_code: str = "rate_limited",
    ) -> None:
        """A 429 from the provider (not OpenRouter's own limits): metadata.provider_name and
        provider_code (the provider's own error code); Retry-After only when given."""
        message = (
            f"{model} is temporarily rate-limited upstream. Please retry shortly, or add your "
            "own key to accumulate your rate limits: https://openrouter.ai/settings/integrations"
        )
        metadata = {
            "raw": message,
            "provider_name": provider,
            "provider_code": provider_code,
            "error_type": "rate_limit_exceeded",
            "is_byok": False,
        }
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        self.respond(path, 429, error=message, metadata=metadata, user_id=USER_ID, headers=headers)

    def rate_limit(
        self,
        path: str = CHAT,
        *,
        limit: int = 20,
        remaining: int = 0,
        reset_ms: int | None = None,
        retry_after: int | None = None,
        message: str = "Rate limit exceeded",
    ) -> None:
        """OpenRouter's own 429 (a platform limit): X-RateLimit-Limit, -Remaining, -Reset.

        -Reset is milliseconds since the epoch (default: a minute from now); Retry-After
        (seconds) only when retry_after is given.
        """
        headers = _rate_limit_headers(limit, remaining, reset_ms, retry_after)
        metadata = {"error_type": "rate_limit_exceeded"}
        self.respond(path, 429, error=message, metadata=metadata, user_id=USER_ID, headers=headers)

    def free_model_limit(
        self,
        *,
        limit: int = 50,
        reset_ms: int | None = None,
        retry_after: int | None = None,
        message: str = FREE_MODELS_PER_DAY,
    ) -> None:
        """From now on a chat on a :free model answers OpenRouter's free-model cap (429).

        With fallbacks in `models`, the next model is tried, as for any failing model.
        """
        self.free_limit = {
            "limit": limit,
            "reset_ms": reset_ms,
            "retry_after": retry_after,
            "message": message,
        }

    def fail_model(self, model: str, status: int = 503, message: str | None = None) -> None:
        """Chats on model fail with this status; with fallbacks, the next model answers.

        The model is made known (served) if it is not.
        """
        if model not in self.models and model not in self.aliases and model not in self.routers:
            self.serve_model(model)
        self.failing_models[model] = (status, message or f"{model} is temporarily unavailable")

    def key_limit_exceeded(self, path: str = CHAT, *, reset: str | None = None) -> None:
        """The 403 users report when the key's own credit limit is spent (not moderation)."""
        self.respond(path, 403, error=_key_limit_message(reset), user_id=USER_ID)

    def exhaust_key(self, key: str) -> None:
        """Spend the key's whole limit: limit_remaining 0, and chat answers 402."""
        record = self.keys[key]
        limit = record.get("limit") if record.get("limit") is not None else 10.0
        record.update(limit=limit, limit_remaining=0.0, usage=limit, usage_monthly=limit)

    def endpoint_down(self, model: str, provider: str | None = None, status: int = -1) -> None:
        """Give one endpoint of model (provider's, or its first) a status other than 0."""
        if model not in self.models:
            self.serve_model(model)
        endpoints = self.models[model]
        chosen = [e for e in endpoints if provider in (None, e["provider_name"])][:1]
        for found in chosen:
            found["status"] = status

    def expire_model(self, model: str, date: str = "2026-12-31") -> None:
        """Give model an expiration_date (YYYY-MM-DD), as GET /model and /models report it."""
        if model not in self.models and model not in self.aliases:
            self.serve_model(model)
        self.model_info[model] = {**self.model_info.get(model, {}), "expiration_date": date}

    def add_workspace(self, workspace_id: str, name: str = "Elsewhere") -> str:
        """Another workspace of the account; keys and guardrails name it by workspace_id."""
        self.workspaces.append(workspace_data(workspace_id, name))
        return workspace_id

    def add_guardrail(self, name: str, **fields: Any) -> str:
        """Register a guardrail (fields as the spec's Guardrail has them); returns its id."""
        record = guardrail_data(name, **fields)
        self.guardrails[record["id"]] = record
        return str(record["id"])

    def assign_guardrail(self, guardrail_id: str, key_hash: str) -> None:
        """Assign a key (by hash) to a guardrail, replacing the key's previous assignment."""
        found = [r for r in self.keys.values() if r.get("hash") == key_hash]
        if not found:
            raise KeyError(f"no key has the hash {key_hash}")
        record = found[0]
        self.key_assignments = [a for a in self.key_assignments if a["key_hash"] != key_hash]
        self.key_assignments.append(
            {
                "id": str(uuid.uuid4()),
                "key_hash": key_hash,
                "guardrail_id": guardrail_id,
                "key_name": record.get("name", ""),
                "key_label": record.get("label", ""),
                "assigned_by": USER_ID,
                "created_at": utc_now(),
            }
        )

    # --- running ------------------------------------------------------------------

    @property
    def origin(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.origin + API

    @property
    def last_code(self) -> str | None:
        """The authorization code /auth issued last (what the headless page shows)."""
        return self.codes[-1] if self.codes else None

    def start(self) -> FakeOpenRouter:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = _QuietServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True).start()
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

    # --- what the registries say ----------------------------------------------------

    def _lookup(self, model: str) -> _Lookup | None:
        if model in self.routers:
            routable = [m for m, endpoints in self.models.items() if endpoints and ":" not in m]
            return _Lookup(
                "router", MODEL if MODEL in routable or not routable else routable[0], []
            )
        if model in self.aliases:
            target = self._lookup(self.aliases[model])
            return None if target is None else _Lookup("alias", target.concrete, [])
        if model in self.models:
            kind = "variant" if ":" in model else "model"
            return _Lookup(kind, model, self.models[model])
        base = model.split(":")[0]
        if base != model and base in self.models:
            return _Lookup("variant", model, self.models[base])
        if self.any_model and MODEL_ID.fullmatch(model) and not model.startswith("openrouter/"):
            return _Lookup("variant" if ":" in model else "model", model, _default_endpoints(base))
        return None

    def _model_object(self, model: str) -> dict[str, Any] | None:
        found = self._lookup(model)
        if found is None:
            return None
        if found.kind == "router":
            return router_data(model)
        if found.kind == "alias":
            target = self._model_object(found.concrete) or model_data(found.concrete)
            alias_target = {"slug": found.concrete, "name": target["name"]}
            links = {"details": f"{API}/models/{model}/endpoints"}
            name = _display_name(model.lstrip("~"))
            return {
                **target,
                "id": model,
                "canonical_slug": model,
                "name": name,
                "alias_target": alias_target,
                "links": links,
            }
        info = self.model_info.get(model) or self.model_info.get(model.split(":")[0]) or {}
        return model_data(model, **info)

    def _provider(self, model: str, found: _Lookup) -> str:
        """The provider that serves a chat on model: its first working endpoint's."""
        endpoints = found.endpoints or self.models.get(found.concrete) or []
        endpoints = endpoints or _default_endpoints(found.concrete.split(":")[0])
        working = [e for e in endpoints if e.get("status", 0) == 0] or endpoints
        return str(working[0]["provider_name"])

    def _failure(
        self, model: str, found: _Lookup, limit: int | None
    ) -> tuple[int, str, dict[str, Any] | None, dict[str, str] | None] | None:
        """Why a chat on model fails (status, message, metadata, headers), or None."""
        concrete = model if found.kind == "variant" else found.concrete
        failing = self.failing_models.get(model) or self.failing_models.get(concrete)
        if failing is not None:
            status, message = failing
            metadata = {
                "error_type": _ERROR_TYPES.get(status, "server"),
                "provider_name": self._provider(concrete, found),
            }
            return status, message, metadata, None
        if found.kind in ("model", "variant") and not any(
            e.get("status", 0) == 0 for e in found.endpoints
        ):
            return 404, f"No endpoints found for {model}.", None, None
        if self.free_limit is not None and concrete.endswith(":free"):
            cap = self.free_limit
            headers = _rate_limit_headers(cap["limit"], 0, cap["reset_ms"], cap["retry_after"])
            return 429, cap["message"], {"error_type": "rate_limit_exceeded"}, headers
        if concrete.startswith("openai/") and limit is not None and limit < MIN_OPENAI_TOKENS:
            return 400, "Provider returned error", _below_minimum(limit), None
        return None

    def _key_by_hash(self, digest: str) -> str | None:
        for key, record in self.keys.items():
            if record.get("hash") == digest and not _is_management(record):
                return key
        return None


def _is_management(record: dict[str, Any]) -> bool:
    return bool(record.get("is_management_key") or record.get("is_provisioning_key"))


def _error_body(
    status: int, message: str, metadata: dict[str, Any] | None = None, user_id: str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return {"error": error, **({"user_id": user_id} if user_id else {})}


def _rate_limit_headers(
    limit: int, remaining: int, reset_ms: int | None, retry_after: int | None
) -> dict[str, str]:
    """OpenRouter's X-RateLimit-* headers on its own 429s; Retry-After only when known."""
    reset = reset_ms if reset_ms is not None else int(time.time() * 1000) + 60_000
    headers = {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return headers


def _key_limit_message(reset: str | None) -> str:
    return (
        f"Key limit exceeded ({reset or 'total'} limit). "
        "Manage it using https://openrouter.ai/settings/keys"
    )


def _fewer_max_tokens(requested: int, affordable: int) -> str:
    return (
        f"This request requires more credits, or fewer max_tokens. You requested up to "
        f"{requested} tokens, but can only afford {affordable}. To increase, visit "
        "https://openrouter.ai/settings/credits and upgrade to a paid account"
    )


class _Refused(Exception):
    """The request was answered with an error; stop handling it."""


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hang up mid-answer on purpose in tests: nothing to report."""


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeOpenRouter
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the fake's records instead."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

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
        except (_Refused, ConnectionError):
            pass  # answered already, or the client hung up
        finally:
            with fake._lock:
                fake._in_flight -= 1

    def _answer(self, method: str, path: str, body: bytes) -> None:
        fake = self.server_fake
        meanwhile = fake._before.pop((method, path), None)
        if meanwhile is not None:
            meanwhile()
        if fake.latency:
            time.sleep(fake.latency)
        refused = sorted(name for name in fake.refused_headers if name in self.headers)
        if refused:
            self._error(400, f"This server refuses requests with {', '.join(refused)}")
            return
        canned = fake._canned.get((method, path)) or fake._canned.get(("*", path))
        if canned is not None:
            self._play(canned)
            return
        routes: dict[tuple[str, str], Callable[[bytes], None]] = {
            ("GET", f"{API}/key"): self._key,
            ("GET", f"{API}/models"): self._catalogue,
            ("POST", CHAT): self._chat,
            ("GET", "/auth"): self._authorize,
            ("POST", f"{API}/auth/keys"): self._exchange,
            ("GET", f"{API}/keys"): self._list_keys,
            ("POST", f"{API}/keys"): self._create_key,
            ("GET", f"{API}/credits"): self._credits,
            ("GET", f"{API}/guardrails"): self._list_guardrails,
            ("GET", f"{API}/workspaces"): self._list_workspaces,
            ("POST", f"{API}/guardrails"): self._create_guardrail,
            ("GET", f"{API}/guardrails/assignments/keys"): self._all_key_assignments,
        }
        route = routes.get((method, path))
        if route is not None:
            route(body)
        elif path == f"{API}/auth/keys":
            self._error(405, "Method Not Allowed")
        elif method == "GET" and path.startswith(f"{API}/models/") and path.endswith("/endpoints"):
            self._endpoints(unquote(path[len(f"{API}/models/") : -len("/endpoints")]))
        elif method == "GET" and path.startswith(f"{API}/model/"):
            self._model(unquote(path[len(f"{API}/model/") :]))
        elif method in ("GET", "PATCH", "DELETE") and path.startswith(f"{API}/keys/"):
            self._one_key(method, unquote(path[len(f"{API}/keys/") :]), body)
        elif path.startswith(f"{API}/guardrails/") and self._guardrail_route(
            method, unquote(path[len(f"{API}/guardrails/") :]), body
        ):
            pass
        else:
            self._send(404, HTML_404, "text/html; charset=utf-8")

    def _play(self, canned: Canned) -> None:
        if canned.kind == "hang":
            self.server_fake._stopping.wait()
        elif canned.kind == "drop":
            self.close_connection = True  # and not a byte of an answer
        elif canned.kind == "gzip_bomb":
            self._gzip_bomb(canned)
        elif canned.kind in ("malformed_stream", "reset"):
            self._broken_stream(canned.kind)
        elif canned.kind == "trickle":
            self._trickle(canned.size / 1000)
        else:
            self._send(canned.status, canned.body, canned.content_type, canned.headers)

    # --- keys -------------------------------------------------------------------------

    def _key(self, body: bytes) -> None:
        record = self.server_fake.keys[self._caller_key()]
        self._json(200, {"data": {k: v for k, v in record.items() if k not in LISTING_ONLY}})

    def _list_keys(self, body: bytes) -> None:
        self._management_key()
        query = parse_qs(urlsplit(self.path).query)
        include_disabled = query.get("include_disabled", ["false"])[0]
        offset = query.get("offset", ["0"])[0]
        workspace = query.get("workspace_id", [WORKSPACE_ID])[0]
        if (
            include_disabled not in ("true", "false")
            or not offset.isdigit()
            or not UUID.fullmatch(workspace)
        ):
            self._error(400, "Invalid request parameters")
            return
        listed = [
            _listing(record)
            for record in reversed(self.server_fake.keys.values())
            if not _is_management(record)
            and (include_disabled == "true" or not record.get("disabled"))
            and record.get("workspace_id", WORKSPACE_ID) == workspace
        ]
        start = int(offset)
        count, length = self.server_fake.fat_pages
        fat = [
            _listing(key_data(name=f"another-app-{n}-{'x' * length}", hash=f"{n:064x}"))
            for n in range(start, min(start + PAGE_SIZE, count))
        ]
        start = max(0, start - count)
        self._json(200, {"data": [*fat, *listed[start : start + PAGE_SIZE - len(fat)]]})

    def _create_key(self, body: bytes) -> None:
        self._management_key(403)
        asked = self._json_body(body)
        problem = _key_problem(asked, creating=True)
        if problem:
            self._error(400, f"Invalid request parameters: {problem}")
            return
        fake = self.server_fake
        key = fake.add_key(
            None,
            name=asked["name"],
            limit=asked.get("limit"),
            limit_remaining=asked.get("limit"),
            limit_reset=asked.get("limit_reset"),
            include_byok_in_limit=asked.get("include_byok_in_limit", False),
            expires_at=asked.get("expires_at"),
            workspace_id=asked.get("workspace_id", WORKSPACE_ID),
            creator_user_id=asked.get("creator_user_id") or USER_ID,
            **{name: 0.0 for name in _USAGE},
        )
        self._json(201, {"data": _listing(fake.keys[key]), "key": key})

    def _one_key(self, method: str, digest: str, body: bytes) -> None:
        self._management_key()
        fake = self.server_fake
        key = fake._key_by_hash(digest)
        if key is None:
            self._error(404, "Resource not found")
            return
        record = fake.keys[key]
        if method == "DELETE":
            del fake.keys[key]
            fake.deleted_keys.append(key)
            fake.key_assignments = [a for a in fake.key_assignments if a["key_hash"] != digest]
            self._json(200, {"deleted": True})
            return
        if method == "PATCH":
            asked = self._json_body(body)
            problem = _key_problem(asked, creating=False)
            if problem:
                self._error(400, f"Invalid request parameters: {problem}")
                return
            record.update({k: asked[k] for k in _PATCHABLE if k in asked})
            if "limit" in asked:
                limit = asked["limit"]
                record["limit_remaining"] = None if limit is None else limit - record["usage"]
            record["updated_at"] = utc_now()
        self._json(200, {"data": _listing(record)})

    def _credits(self, body: bytes) -> None:
        self._management_key(403)
        self._json(200, {"data": self.server_fake.credits})

    # --- guardrails -------------------------------------------------------------------

    def _page(self, default: int, most: int, *, strict: bool = True) -> tuple[int, int] | None:
        """offset and limit of a list's query, or None after answering 400.

        Not strict (where the spec documents no 400), a limit out of range is brought into
        it and what is not a number counts as not given.
        """
        query = parse_qs(urlsplit(self.path).query)
        offset = query.get("offset", ["0"])[0]
        limit = query.get("limit", [str(default)])[0]
        if not (offset.isdigit() and limit.isdigit() and 1 <= int(limit) <= most):
            if strict:
                self._error(400, "Invalid request parameters")
                return None
            offset = offset if offset.isdigit() else "0"
            limit = str(min(max(int(limit), 1), most)) if limit.isdigit() else str(default)
        return int(offset), int(limit)

    def _list_workspaces(self, body: bytes) -> None:
        self._management_key()
        page = self._page(GUARDRAILS_PAGE, GUARDRAILS_MAX, strict=False)  # no 400 documented
        if page is not None:
            self._assignments(self.server_fake.workspaces, page)

    def _list_guardrails(self, body: bytes) -> None:
        self._management_key()
        page = self._page(GUARDRAILS_PAGE, GUARDRAILS_MAX)
        workspace = parse_qs(urlsplit(self.path).query).get("workspace_id", [WORKSPACE_ID])[0]
        if page is None:
            return
        if not UUID.fullmatch(workspace):
            self._error(400, "Invalid request parameters")
            return
        listed = [g for g in self.server_fake.guardrails.values() if g["workspace_id"] == workspace]
        start, size = page
        self._json(200, {"data": listed[start : start + size], "total_count": len(listed)})

    def _create_guardrail(self, body: bytes) -> None:
        self._management_key(403)
        asked = self._json_body(body)
        problem = _guardrail_problem(asked, creating=True)
        if problem:
            self._error(400, f"Invalid request parameters: {problem}")
            return
        fields = {k: v for k, v in asked.items() if k in _GUARDRAIL_FIELDS and k != "name"}
        record = guardrail_data(asked["name"], **fields)
        self.server_fake.guardrails[record["id"]] = record
        self._json(201, {"data": record})

    def _all_key_assignments(self, body: bytes) -> None:
        self._management_key()
        page = self._page(GUARDRAILS_PAGE, GUARDRAILS_MAX, strict=False)
        if page is not None:
            self._assignments(self.server_fake.key_assignments, page)

    def _assignments(self, listed: list[dict[str, Any]], page: tuple[int, int]) -> None:
        start, size = page
        self._json(200, {"data": listed[start : start + size], "total_count": len(listed)})

    def _guardrail_route(self, method: str, rest: str, body: bytes) -> bool:
        """/guardrails/{id}[/assignments/keys[/remove]]; False when no such route."""
        guardrail_id, _, tail = rest.partition("/")
        allowed = {
            "": ("GET", "PATCH", "DELETE"),
            "assignments/keys": ("GET", "POST"),
            "assignments/keys/remove": ("POST",),
        }
        if not guardrail_id or method not in allowed.get(tail, ()):
            return False
        self._management_key()
        fake = self.server_fake
        record = fake.guardrails.get(guardrail_id)
        if record is None:
            self._error(404, "Resource not found")
            return True
        if tail == "" and method == "GET":
            self._json(200, {"data": record})
        elif tail == "" and method == "DELETE":
            del fake.guardrails[guardrail_id]
            fake.key_assignments = [
                a for a in fake.key_assignments if a["guardrail_id"] != guardrail_id
            ]
            self._json(200, {"deleted": True})
        elif tail == "":
            asked = self._json_body(body)
            problem = _guardrail_problem(asked, creating=False)
            if problem:
                self._error(400, f"Invalid request parameters: {problem}")
                return True
            fields = {
                k: v for k, v in asked.items() if k in _GUARDRAIL_FIELDS and k != "workspace_id"
            }
            if fields.get("enforce_zdr") is not None:
                fields.update({z: fields["enforce_zdr"] for z in ZDR_FIELDS if z not in fields})
            record.update(fields, updated_at=utc_now())
            self._json(200, {"data": record})
        elif method == "GET":
            page = self._page(GUARDRAILS_PAGE, GUARDRAILS_MAX, strict=False)
            if page is not None:
                mine = [a for a in fake.key_assignments if a["guardrail_id"] == guardrail_id]
                self._assignments(mine, page)
        else:
            asked = self._json_body(body)
            hashes = asked.get("key_hashes")
            if not (
                isinstance(hashes, list)
                and hashes
                and all(isinstance(h, str) and h for h in hashes)
            ):
                self._error(400, "Invalid request parameters: key_hashes must list key hashes")
                return True
            known = {r["hash"] for r in fake.keys.values() if not _is_management(r)}
            if tail == "assignments/keys":
                chosen = [h for h in dict.fromkeys(hashes) if h in known]
                for digest in chosen:
                    fake.assign_guardrail(guardrail_id, digest)
                self._json(200, {"assigned_count": len(chosen)})
            else:
                before = len(fake.key_assignments)
                fake.key_assignments = [
                    a
                    for a in fake.key_assignments
                    if not (a["guardrail_id"] == guardrail_id and a["key_hash"] in hashes)
                ]
                self._json(200, {"unassigned_count": before - len(fake.key_assignments)})
        return True

    # --- models -----------------------------------------------------------------------

    def _catalogue(self, body: bytes) -> None:
        fake = self.server_fake
        known = [
            fake._model_object(model) for model in [*fake.models, *fake.aliases, *fake.routers]
        ]
        padding = [
            model_data(
                f"vendor-{i // 10}/model-{i}",
                description="A model of the fake catalogue, padded to OpenRouter's size. " * 6,
            )
            for i in range(1800)
        ]
        rows = [m for m in known if m is not None] + padding
        query = parse_qs(urlsplit(self.path).query)
        if "offset" not in query and "limit" not in query:  # the full list, as the spec says
            self._json(200, {"data": rows, "total_count": len(rows), "links": {"next": None}})
            return
        offset = query.get("offset", ["0"])[0]
        limit = query.get("limit", [str(MODELS_PAGE)])[0]
        if not (offset.isdigit() and limit.isdigit() and 1 <= int(limit) <= MODELS_MAX):
            self._error(400, "Invalid request parameters")
            return
        start, size = int(offset), int(limit)
        after = start + size
        following = f"{API}/models?offset={after}&limit={size}" if after < len(rows) else None
        self._json(
            200,
            {"data": rows[start:after], "total_count": len(rows), "links": {"next": following}},
        )

    def _model(self, model: str) -> None:
        found = self.server_fake._model_object(model)
        if found is None:
            self._error(404, f"Model {model} not found")
            return
        self._json(200, {"data": found})

    def _endpoints(self, model: str) -> None:
        found = self.server_fake._lookup(model)
        if found is None:
            self._error(404, f"Model {model} not found")
            return
        about = self.server_fake._model_object(model) or model_data(model)
        data = {
            "id": about["id"],
            "name": about["name"],
            "created": about["created"],
            "description": about.get("description", ""),
            "architecture": {"tokenizer": "Other", "instruct_type": None, **about["architecture"]},
            "endpoints": found.endpoints,
        }
        self._json(200, {"data": data})

    # --- chat -------------------------------------------------------------------------

    def _chat(self, body: bytes) -> None:
        fake = self.server_fake
        key = self._caller_key()
        record = fake.keys[key]
        user = record.get("creator_user_id")
        if _is_management(record):
            message = "Management keys cannot be used to make API calls to completion endpoints"
            self._error(403, message, user_id=user)
            return
        request = self._json_body(body)
        problem = _chat_problem(request)
        if problem:
            self._error(400, f"Invalid request parameters: {problem}", user_id=user)
            return
        asked = [request["model"]] if isinstance(request.get("model"), str) else []
        candidates = list(dict.fromkeys(asked + list(request.get("models") or []))) or [""]
        resolved = [(model, fake._lookup(model)) for model in candidates]
        for model, found in resolved:
            if found is None:
                self._error(400, f"{model} is not a valid model ID", user_id=user)
                return
        remaining: Any = record.get("limit_remaining")
        if _is_number(remaining) and remaining <= 0:  # the key's own limit is spent
            self._error(402, INSUFFICIENT_CREDITS, {"provider_name": None}, user)
            return
        limit = _tokens(request)
        wanted = 65536 if limit is None else limit
        if fake.affordable_tokens is not None and wanted > fake.affordable_tokens:
            message = _fewer_max_tokens(wanted, fake.affordable_tokens)
            self._error(402, message, {"provider_name": None}, user)
            return
        failure: tuple[int, str, dict[str, Any] | None, dict[str, str] | None] | None = None
        for model, found in resolved:
            assert found is not None
            failure = fake._failure(model, found, limit)
            if failure is None:
                self._reply(model, found, request, limit)
                return
        assert failure is not None
        status, message, metadata, headers = failure
        self._error(status, message, metadata, user, headers)

    def _reply(
        self, model: str, found: _Lookup, request: dict[str, Any], limit: int | None
    ) -> None:
        fake = self.server_fake
        answered = model if found.kind == "variant" else found.concrete
        provider = fake._provider(answered, found)
        prompt = _prompt_tokens(request)
        if not request.get("stream"):
            self._json(200, _completion(answered, provider, fake.reply, limit, prompt))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self._write(b": OPENROUTER PROCESSING\n\n")
        words = fake.reply.split(" ")
        for index, word in enumerate(words):
            delta = {"content": word if index == 0 else " " + word}
            self._event(_chunk(answered, delta, provider=provider))
            self._write(b": OPENROUTER PROCESSING\n\n")
        if fake.stream_error is not None:
            error = {
                "code": 502,
                "message": fake.stream_error,
                "metadata": {"error_type": "provider_unavailable"},
            }
            last = _chunk(answered, {"content": ""}, "error", provider=provider)
            self._event({**last, "error": error})
        else:
            usage = _usage(answered, prompt, len(words))
            self._event({**_chunk(answered, {}, "stop", provider=provider), "usage": usage})
        self._write(b"data: [DONE]\n\n")

    # --- OAuth ------------------------------------------------------------------------

    def _authorize(self, body: bytes) -> None:
        fake = self.server_fake
        query = {name: values[0] for name, values in parse_qs(urlsplit(self.path).query).items()}
        callback = query.get("callback_url")
        challenge = query.get("code_challenge")
        method = query.get("code_challenge_method", "plain" if challenge else "")
        limit = query.get("limit")
        reset, expires_at = query.get("usage_limit_type"), query.get("expires_at")
        if (
            (challenge and method not in ("S256", "plain"))
            or (callback is None and not challenge)  # headless needs a challenge
            or (limit is not None and not _is_amount(limit))
            or (reset is not None and reset not in ("daily", "weekly", "monthly"))
            or (expires_at is not None and not _is_utc(expires_at))
        ):
            self._send(400, b"<html><body>Bad authorization request</body></html>", "text/html")
            return
        if callback is not None and fake.auth_error is not None:
            self._redirect(callback, {"error": fake.auth_error})
            return
        code = secrets.token_urlsafe(16)
        label = query.get("key_label")
        amount = None if limit is None else float(limit)
        grant = Grant(challenge or None, method, label, amount, reset, expires_at)
        fake._grants[code] = grant
        fake.codes.append(code)
        if callback is None:
            page = (
                "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                "<title>Authorization code</title></head><body>"
                "<p>Copy this code into the app that asked for it:</p>"
                f"<p><code id='code'>{escape(code)}</code></p></body></html>"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")
            return
        self._redirect(callback, {"code": code})

    def _exchange(self, body: bytes) -> None:
        fake = self.server_fake
        asked = self._json_body(body)
        method = asked.get("code_challenge_method")
        if not isinstance(asked.get("code"), str):
            self._error(400, "Invalid request parameters")
            return
        if method not in ("S256", "plain", None):
            self._error(400, "Invalid code_challenge_method")
            return
        grant = fake._grants.pop(asked["code"], None)  # single use, whatever happens next
        verifier = str(asked.get("code_verifier", ""))
        if method == "S256":
            digest = hashlib.sha256(verifier.encode()).digest()
            verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if grant is not None and grant.challenge is not None:
            if (method or "plain") != grant.method:  # not the method /auth was given
                self._error(400, "Invalid code_challenge_method")
                return
            if verifier != grant.challenge:
                grant = None
        if grant is None:
            self._error(403, "Invalid code or code_verifier")
            return
        data: dict[str, Any] = {
            "limit": grant.limit,
            "limit_remaining": grant.limit,
            "limit_reset": grant.reset,
            "expires_at": grant.expires_at,
        }
        if grant.label is not None:
            data.update(label=grant.label, name=grant.label)
        key = fake.add_key(None, **{name: 0.0 for name in _USAGE}, **data)
        self._json(200, {"key": key, "user_id": USER_ID})

    # --- helpers -------------------------------------------------------------------------

    def _caller_key(self) -> str:
        """The caller's key if the fake knows it and it is enabled; otherwise answer 401."""
        authorization = self.headers.get("Authorization")
        if authorization is None:
            self._error(401, "Missing Authentication header")
            raise _Refused
        key = authorization.removeprefix("Bearer ")
        record = self.server_fake.keys.get(key)
        if not authorization.startswith("Bearer ") or record is None or record.get("disabled"):
            self._error(401, "User not found.")
            raise _Refused
        return key

    def _management_key(self, status: int = 401) -> str:
        """The caller's management key; an ordinary key gets `status`: the spec's 401, or
        403 where the operation documents one (POST /keys, POST /guardrails, /credits)."""
        key = self._caller_key()
        record = self.server_fake.keys[key]
        if not _is_management(record):
            self._error(status, NOT_MANAGEMENT, user_id=record.get("creator_user_id"))
            raise _Refused
        return key

    def _json_body(self, body: bytes) -> dict[str, Any]:
        try:
            document = json.loads(body or b"{}")
        except ValueError:
            document = None
        if not isinstance(document, dict):
            self._error(400, "Invalid JSON body")
            raise _Refused
        return document

    def _redirect(self, callback: str, params: dict[str, str]) -> None:
        separator = "&" if "?" in callback else "?"
        location = f"{callback}{separator}{urlencode(params)}"
        self._send(302, b"", "text/html", {"Location": location})

    def _error(
        self,
        status: int,
        message: str,
        metadata: dict[str, Any] | None = None,
        user_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._json(status, _error_body(status, message, metadata, user_id), headers)

    def _json(self, status: int, document: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(document).encode(), "application/json", headers)

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

    def _gzip_bomb(self, canned: Canned) -> None:
        header, block, count, trailer = _gzip_bomb_parts(canned.size)
        self.send_response(200)
        self.send_header("Content-Type", canned.content_type)
        self.send_header("Content-Length", str(len(header) + len(block) * count + len(trailer)))
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self._write(header)
        for _ in range(count):
            self._write(block)
        self._write(trailer)

    def _broken_stream(self, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self._write(b": OPENROUTER PROCESSING\n\n")
        self._event(_chunk(MODEL, {"content": self.server_fake.reply.split(" ")[0]}))
        if kind == "malformed_stream":
            self._write(b'data: {"id":"gen-fake","choices":[{"delta":{"content":\n\n')
            return
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _trickle(self, every: float) -> None:
        body = b'{"data": ' + b" " * 1_000_000 + b"[]}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for at in range(len(body)):
            if self.server_fake._stopping.wait(every):
                return
            self._write(body[at : at + 1])

    def _event(self, document: dict[str, Any]) -> None:
        self._write(f"data: {json.dumps(document)}\n\n".encode())

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        with self.server_fake._lock:
            self.server_fake.bytes_sent += len(data)


_USAGE = (
    "usage",
    "usage_daily",
    "usage_weekly",
    "usage_monthly",
    "byok_usage",
    "byok_usage_daily",
    "byok_usage_weekly",
    "byok_usage_monthly",
)
_PATCHABLE = ("name", "disabled", "include_byok_in_limit", "limit", "limit_reset")


def _listing(record: dict[str, Any]) -> dict[str, Any]:
    """A key object of the management API: GET /key's fields without the is_* flags."""
    return {k: v for k, v in record.items() if k not in KEY_ONLY}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_amount(text: str) -> bool:
    try:
        return math.isfinite(float(text)) and float(text) >= 0
    except ValueError:
        return False


def _key_problem(asked: dict[str, Any], *, creating: bool) -> str | None:
    """What is wrong with a POST /keys or PATCH /keys/{hash} body, as the spec validates it."""
    name = asked.get("name")
    if creating and not (isinstance(name, str) and name):
        return "name must be a non-empty string"
    if "name" in asked and not isinstance(name, str):
        return "name must be a string"
    if "limit" in asked and asked["limit"] is not None and not _is_number(asked["limit"]):
        return "limit must be a number or null"
    if "limit_reset" in asked and asked["limit_reset"] not in LIMIT_RESETS:
        return "limit_reset must be daily, weekly, monthly or null"
    flags = ("include_byok_in_limit",) if creating else ("include_byok_in_limit", "disabled")
    for flag in flags:
        if flag in asked and not isinstance(asked[flag], bool):
            return f"{flag} must be a boolean"
    if creating and "workspace_id" in asked and not _is_uuid(asked["workspace_id"]):
        return "workspace_id must be a UUID"
    creator = asked.get("creator_user_id") if creating else None
    if creator is not None and not (isinstance(creator, str) and creator):
        return "creator_user_id must be a non-empty string or null"
    expires = asked.get("expires_at") if creating else None
    if expires is not None and not (isinstance(expires, str) and _is_utc(expires)):
        return "expires_at must be a UTC date-time with seconds (YYYY-MM-DDTHH:MM:SSZ)"
    return None


_GUARDRAIL_FIELDS = (
    "name",
    "description",
    "limit_usd",
    "reset_interval",
    *GUARDRAIL_LISTS,
    *GUARDRAIL_FLAGS,
    *GUARDRAIL_FILTERS,
    "include_byok_in_budgets",
    "workspace_id",
)


def _guardrail_problem(asked: dict[str, Any], *, creating: bool) -> str | None:
    """What is wrong with a POST /guardrails or PATCH /guardrails/{id} body, per the spec."""
    name = asked.get("name")
    if (creating or "name" in asked) and not (isinstance(name, str) and 1 <= len(name) <= 200):
        return "name must be a string of 1 to 200 characters"
    description = asked.get("description")
    if description is not None and not (isinstance(description, str) and len(description) <= 1000):
        return "description must be a string of at most 1000 characters, or null"
    limit = asked.get("limit_usd")
    if limit is not None and not _is_number(limit):
        return "limit_usd must be a number or null"
    if "reset_interval" in asked and asked["reset_interval"] not in GUARDRAIL_INTERVALS:
        return "reset_interval must be daily, weekly, monthly or null"
    for name in GUARDRAIL_LISTS:
        value = asked.get(name)
        if value is not None and not (
            isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        ):
            return f"{name} must be a non-empty list of strings, or null"
    for name in GUARDRAIL_FLAGS:
        if asked.get(name) is not None and not isinstance(asked[name], bool):
            return f"{name} must be a boolean or null"
    for name in GUARDRAIL_FILTERS:
        if asked.get(name) is not None and not isinstance(asked[name], list):
            return f"{name} must be a list or null"
    if "include_byok_in_budgets" in asked and not isinstance(
        asked["include_byok_in_budgets"], bool
    ):
        return "include_byok_in_budgets must be a boolean"
    if creating and "workspace_id" in asked and not _is_uuid(asked["workspace_id"]):
        return "workspace_id must be a UUID"
    return None


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and UUID.fullmatch(value) is not None


def _is_utc(text: str) -> bool:
    if not UTC_SECONDS.fullmatch(text):
        return False
    try:
        datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


def _below_minimum(limit: int) -> dict[str, Any]:
    """OpenAI's refusal of max_tokens < 16, as OpenRouter passes it on (metadata.raw)."""
    raw = {
        "error": {
            "message": (
                "Invalid 'max_output_tokens': integer below minimum value. "
                f"Expected a value >= {MIN_OPENAI_TOKENS}, but got {limit} instead."
            ),
            "type": "invalid_request_error",
            "param": "max_output_tokens",
            "code": "integer_below_min_value",
        }
    }
    return {"raw": json.dumps(raw, indent=2), "provider_name": "OpenAI", "is_byok": False}


@functools.lru_cache(maxsize=4)
def _gzip_bomb_parts(size: int) -> tuple[bytes, bytes, int, bytes]:
    """A gzip member of `size` spaces built from one compressed 1 MiB block, repeated.

    A full flush ends each block on a byte boundary with no back-references, so
    the block can be sent any number of times; the trailer holds the real CRC.
    """
    unit = b" " * (1 << 20)
    count = max(1, size // len(unit))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    final_block = b"\x03\x00"  # an empty final block with fixed Huffman codes
    trailer = final_block + struct.pack("<II", crc, (count * len(unit)) & 0xFFFFFFFF)
    return header, block, count, trailer


def _chunk(
    model: str,
    delta: dict[str, Any],
    finish_reason: str | None = None,
    *,
    provider: str = "Google",
) -> dict[str, Any]:
    return {
        "id": "gen-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "provider": provider,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _usage(model: str, prompt: int, completion: int) -> dict[str, Any]:
    """ChatUsage with the cost in USD: every token costs the fake's price (":free" nothing)."""
    price = 0.0 if model.endswith(":free") else 0.0000001
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": (prompt + completion) * price,
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def _prompt_tokens(request: dict[str, Any]) -> int:
    """One token per word of the messages' text."""
    words = 0
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        words += len(content.split()) if isinstance(content, str) else 0
    return max(1, words)


def _is_whole(value: Any) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _chat_problem(request: dict[str, Any]) -> str | None:
    """What is wrong with a chat request's types, as ChatRequest and ProviderPreferences say."""
    if not isinstance(request.get("messages"), list):
        return "messages must be a list"
    if request.get("model") is not None and not isinstance(request["model"], str):
        return "model must be a string"
    models = request.get("models")
    if models is not None and not (
        isinstance(models, list) and all(isinstance(m, str) for m in models)
    ):
        return "models must be a list of model ids"
    for name in ("max_completion_tokens", "max_tokens"):
        if request.get(name) is not None and not _is_whole(request[name]):
            return f"{name} must be an integer or null"
    provider = request.get("provider")
    if provider is None:
        return None
    if not isinstance(provider, dict):
        return "provider must be an object or null"
    unknown = sorted(set(provider) - set(_PROVIDER_FIELDS))
    if unknown:
        return f"provider has no field {unknown[0]}"
    for flag in ("allow_fallbacks", "require_parameters", "zdr", "enforce_distillable_text"):
        if provider.get(flag) is not None and not isinstance(provider[flag], bool):
            return f"provider.{flag} must be a boolean or null"
    if provider.get("data_collection") not in ("allow", "deny", None):
        return "provider.data_collection must be allow, deny or null"
    sort = provider.get("sort")
    if not (
        sort is None
        or sort in PROVIDER_SORTS
        or (
            isinstance(sort, dict)
            and sort.get("by") in (*PROVIDER_SORTS, None)
            and sort.get("partition") in ("model", "none", None)
        )
    ):
        return "provider.sort must be price, throughput, latency, exacto, {by, partition} or null"
    for name in ("only", "ignore", "order", "quantizations"):
        value = provider.get(name)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            return f"provider.{name} must be a list of strings or null"
    if provider.get("max_price") is not None and not isinstance(provider["max_price"], dict):
        return "provider.max_price must be an object"
    return None


_PROVIDER_FIELDS = (
    "allow_fallbacks",
    "data_collection",
    "enforce_distillable_text",
    "ignore",
    "max_price",
    "only",
    "order",
    "preferred_max_latency",
    "preferred_min_throughput",
    "quantizations",
    "require_parameters",
    "sort",
    "zdr",
)
_ERROR_TYPES = {
    400: "invalid_request",
    402: "payment_required",
    403: "permission_denied",
    404: "not_found",
    408: "timeout",
    429: "rate_limit_exceeded",
    502: "provider_unavailable",
    503: "provider_overloaded",
}


def _tokens(request: dict[str, Any]) -> int | None:
    """The request's token limit: max_completion_tokens, else the older max_tokens, if whole."""
    value = request.get("max_completion_tokens")
    if value is None:
        value = request.get("max_tokens")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _completion(
    model: str, provider: str, reply: str, max_tokens: int | None, prompt: int = 1
) -> dict[str, Any]:
    """A whole reply, or its first max_tokens words (one word, one token)."""
    words = reply.split(" ")
    room = len(words) if max_tokens is None else max_tokens
    cut = room < len(words)
    content = " ".join(words[:room]) if cut else reply
    return {
        "id": "gen-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "provider": provider,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "length" if cut else "stop",
            }
        ],
        "usage": _usage(model, prompt, min(room, len(words))),
    }


# --- a server that accepts and never speaks ------------------------------------------


class StalledListener:
    """A TCP listener on 127.0.0.1 that accepts connections and never sends a byte.

    Point an https base URL at it and the TLS handshake stalls forever, as behind
    a broken proxy. `accepted` counts connections, so a test can wait for the event.

        with StalledListener() as stalled:
            run_verify(base_url=stalled.base_url)
    """

    def __init__(self) -> None:
        self.accepted = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._connections: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}{API}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._connections.append(connection)
            self.accepted += 1

    def stop(self) -> None:
        self._closed = True
        self._socket.close()
        for connection in self._connections:
            connection.close()

    def __enter__(self) -> StalledListener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- the command: an offline OpenRouter to try the app with --------------------------


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted; print the two lines the app needs to use it."""
    parser = argparse.ArgumentParser(
        prog="python tests/openrouter/fake_server.py",
        description="An offline fake OpenRouter on 127.0.0.1, to try the app with no key "
        "and no network. Prints OPENROUTER_BASE_URL and OPENROUTER_API_KEY, then serves "
        "until interrupted.",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: a free one)"
    )
    parser.add_argument(
        "--management-key",
        metavar="KEY",
        help="also accept KEY as a management key (to try the keys command)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    fake = FakeOpenRouter(port=args.port, any_model=True)
    key = fake.add_key(name="fake-openrouter")
    if args.management_key:
        fake.add_management_key(args.management_key, name="fake-openrouter-management")
    try:
        fake.start()
    except OSError as error:
        print(
            f"fake_server: cannot listen on 127.0.0.1:{args.port}: {error.strerror}",
            file=sys.stderr,
        )
        return 1
    stopped = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stopped.set())
    try:
        print(f"OPENROUTER_BASE_URL={fake.base_url}\nOPENROUTER_API_KEY={key}", flush=True)
        stopped.wait()
    except BrokenPipeError:
        pass  # nobody reads our output: stop quietly
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
