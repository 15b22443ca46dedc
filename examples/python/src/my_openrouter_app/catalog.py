"""What this project tells its users, and the facts behind it.

Generated from the template's shared catalog, which the TypeScript flavour of
this starter is generated from too: both check the same things and say the
same words. Texts hold {placeholders} that say() fills in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal, NamedTuple, TypeGuard


class Text(NamedTuple):
    """A message, and a hint that says what to do about it."""

    message: str
    hint: str | None

    def line(self) -> str:
        """Message and hint on one line."""
        return f"{self.message} {self.hint}" if self.hint else self.message


class Policy(NamedTuple):
    """The key policy of one environment."""

    credit_limit: str
    limit_usd: float | None
    rotation: str


DEFAULT_BASE_URL: Final = "https://openrouter.ai/api/v1"
KEY_PREFIX: Final = "sk-or-v1-"
KEY_PATTERN: Final = re.compile("sk-or-v1-[0-9a-f]{64}")
KEY_PLACEHOLDER: Final = re.compile(
    "^$|^(.)\\1*$|\\.\\.\\.|…|[<>*]|xxxx|your|here|placeholder|example|change|replace|insert|paste",
    re.IGNORECASE,
)
EXPIRY_WARNING_DAYS: Final = 7

VARIABLES: Final = (
    "OPENROUTER_API_KEY",
    "OPENROUTER_BASE_URL",
    "OPENROUTER_HTTP_REFERER",
    "OPENROUTER_APP_TITLE",
    "OPENROUTER_APP_CATEGORIES",
    "OPENROUTER_MODEL",
)

CHECKS: Final = (
    "config",
    "key_format",
    "base_url",
    "reachability",
    "key",
    "credits",
    "model",
    "chat",
)

POLICY: Final = {
    "development": Policy(
        "5-10 USD",
        10,
        "when needed, and immediately after any suspected exposure",
    ),
    "staging": Policy(
        "20-50 USD",
        50,
        "when needed, and immediately after any suspected exposure",
    ),
    "production": Policy(
        "set by your budget, with usage monitored at https://openrouter.ai/activity",
        None,
        "every 90 days, and immediately after any suspected exposure",
    ),
}

MessageId = Literal[
    "config.ok",
    "config.unknown_environment",
    "config.key_overridden",
    "config.shared_key",
    "config.made_private",
    "key_format.ok",
    "key_format.missing",
    "key_format.placeholder",
    "key_format.prefix",
    "key_format.whitespace",
    "key_format.quotes",
    "key_format.non_ascii",
    "key_format.length",
    "base_url.ok",
    "base_url.invalid",
    "base_url.insecure",
    "base_url.path",
    "reachability.ok",
    "reachability.not_json",
    "reachability.refused",
    "reachability.dns",
    "reachability.tls",
    "reachability.timeout",
    "reachability.network",
    "key.ok",
    "key.expiring",
    "key.expired",
    "key.management",
    "key.unexpected",
    "credits.ok",
    "credits.exhausted",
    "credits.no_limit",
    "credits.above_policy",
    "model.ok",
    "model.unknown",
    "model.unroutable",
    "chat.ok",
    "chat.not_run",
    "skip.preflight",
    "skip.unreachable",
    "skip.key_failed",
    "http.400",
    "http.401",
    "http.402",
    "http.403",
    "http.404",
    "http.408",
    "http.429",
    "http.5xx",
    "http.other",
    "verdict.pass",
    "verdict.warn",
    "verdict.fail",
    "verdict.config",
    "usage.timeout",
    "usage.port",
    "starter.stream_error",
    "login.open",
    "login.waiting",
    "login.page",
    "login.page_failed",
    "login.no_browser",
    "login.port_taken",
    "login.denied",
    "login.no_code",
    "login.exchange_failed",
    "login.timeout",
    "login.key_exists",
    "login.saved",
    "login.overridden",
]

MESSAGES: Final[Mapping[MessageId, Text]] = {
    "config.ok": Text(
        "Environment {environment} ({selected_by}); read {files}; key from {key_source}.",
        None,
    ),
    "config.unknown_environment": Text(
        "Unknown environment '{environment}'.",
        "This project has: {environments}. Choose one with --env or APP_ENV; add one with copier update --data 'environments=[...]'.",
    ),
    "config.key_overridden": Text(
        "An exported OPENROUTER_API_KEY overrides the key in {file}.",
        "Unset it (unset OPENROUTER_API_KEY) to use {file}, or delete the line in {file} so only one key is in play.",
    ),
    "config.shared_key": Text(
        "{files} hold the same key.",
        "Use one key per environment, each with its own credit limit, so that one can be revoked without breaking the others.",
    ),
    "config.made_private": Text(
        "{files} could be read by other users: made private (mode 600).",
        None,
    ),
    "key_format.ok": Text(
        "{masked} from {key_source}",
        None,
    ),
    "key_format.missing": Text(
        "OPENROUTER_API_KEY is not set for {environment}.",
        "Copy .env.{environment}.example to .env.{environment} and paste a key created at https://openrouter.ai/settings/keys (give it a credit limit), or run {login_command}.",
    ),
    "key_format.placeholder": Text(
        "OPENROUTER_API_KEY ({masked}) is a placeholder, not a key.",
        "Paste a real key from https://openrouter.ai/settings/keys into {key_source}, or run {login_command}.",
    ),
    "key_format.prefix": Text(
        "OPENROUTER_API_KEY ({masked}) does not start with sk-or-v1-.",
        "OpenRouter API keys start with sk-or-v1-. An OpenAI key (sk-...) does not work here; copy the whole key from https://openrouter.ai/settings/keys.",
    ),
    "key_format.whitespace": Text(
        "OPENROUTER_API_KEY ({masked}) contains whitespace.",
        "Remove the spaces, tabs or line breaks in or around the key in {key_source}.",
    ),
    "key_format.quotes": Text(
        "OPENROUTER_API_KEY ({masked}) contains quote characters.",
        "Write the key without quotes inside the value, e.g. OPENROUTER_API_KEY=sk-or-v1-..., in {key_source}.",
    ),
    "key_format.non_ascii": Text(
        "OPENROUTER_API_KEY contains a non-ASCII character at position {position}.",
        "Keys are plain ASCII; a document or chat app probably turned a hyphen into a dash. Copy the key again from https://openrouter.ai/settings/keys.",
    ),
    "key_format.length": Text(
        "{masked} has {length} characters after sk-or-v1-; OpenRouter keys usually have 64 hex characters.",
        "Check that the whole key was copied.",
    ),
    "base_url.ok": Text(
        "{base_url}",
        None,
    ),
    "base_url.invalid": Text(
        "OPENROUTER_BASE_URL ({base_url}) is not an http(s) URL with a host.",
        "Set OPENROUTER_BASE_URL=https://openrouter.ai/api/v1, or remove it to use that default.",
    ),
    "base_url.insecure": Text(
        "{base_url} does not use https: the key would cross the network unencrypted.",
        "Use https://openrouter.ai/api/v1; plain http is only safe for a proxy on this machine.",
    ),
    "base_url.path": Text(
        "{base_url} does not end in /api/v1.",
        "The OpenAI SDK appends /chat/completions to the base URL, so it must be https://openrouter.ai/api/v1 (https://openrouter.ai/api alone is for Anthropic SDK clients).",
    ),
    "reachability.ok": Text(
        "OpenRouter answered at {host} in {ms} ms.",
        None,
    ),
    "reachability.not_json": Text(
        "{url} answered HTTP {status} with {content_type}, not JSON: this is not OpenRouter's API.",
        "The base URL is wrong; a missing /api/v1 is the usual cause. Set OPENROUTER_BASE_URL=https://openrouter.ai/api/v1.",
    ),
    "reachability.refused": Text(
        "Could not connect to {host}: connection refused.",
        "Nothing is listening there. Check OPENROUTER_BASE_URL and your proxy settings (HTTPS_PROXY).",
    ),
    "reachability.dns": Text(
        "Could not resolve {host}.",
        "Check the host name in OPENROUTER_BASE_URL, your network and your DNS.",
    ),
    "reachability.tls": Text(
        "The TLS handshake with {host} failed: {detail}.",
        "If a proxy or antivirus inspects TLS, point {ca_variable} at its CA certificate. Also check the system clock.",
    ),
    "reachability.timeout": Text(
        "{host} did not answer within {timeout} s.",
        "Check your network and proxy (HTTPS_PROXY); on a slow link, raise --timeout.",
    ),
    "reachability.network": Text(
        "Could not reach {host}: {detail}.",
        "Check your network, your proxy (HTTPS_PROXY) and OPENROUTER_BASE_URL.",
    ),
    "key.ok": Text(
        "OpenRouter accepted the key ({label}).",
        None,
    ),
    "key.expiring": Text(
        "The key ({label}) expires in {days} day(s), on {date}.",
        "Create its replacement at https://openrouter.ai/settings/keys and put it in .env.{environment} before then.",
    ),
    "key.expired": Text(
        "The key ({label}) expired on {date}.",
        "Create a new key at https://openrouter.ai/settings/keys and put it in .env.{environment}.",
    ),
    "key.management": Text(
        "This is a management key: it manages other keys but cannot run completions.",
        "Create an ordinary API key at https://openrouter.ai/settings/keys and use that instead.",
    ),
    "key.unexpected": Text(
        "{url} answered without key details.",
        "Check that OPENROUTER_BASE_URL points at OpenRouter (https://openrouter.ai/api/v1).",
    ),
    "credits.ok": Text(
        "{remaining} of {limit} USD left{reset}.",
        None,
    ),
    "credits.exhausted": Text(
        "No credit left on this key: {remaining} of {limit} USD remaining.",
        "Add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/settings/keys.",
    ),
    "credits.no_limit": Text(
        "The key has no credit limit.",
        "Set one on every key at https://openrouter.ai/settings/keys ({environment}: {credit_limit}), so a leaked or looping key cannot spend without bound.",
    ),
    "credits.above_policy": Text(
        "The key's credit limit ({limit} USD) is above the {ceiling} USD suggested for {environment}.",
        "Lower it at https://openrouter.ai/settings/keys: a {environment} key should not be able to spend more ({credit_limit}).",
    ),
    "model.ok": Text(
        "{model} is served by {count} provider endpoint(s).",
        None,
    ),
    "model.unknown": Text(
        "OpenRouter has no model {model}.",
        "Pick a model id (author/slug) from https://openrouter.ai/models and set OPENROUTER_MODEL in .env.{environment}.",
    ),
    "model.unroutable": Text(
        "{model} exists, but no provider serves it right now.",
        "Try again later, or choose another model from https://openrouter.ai/models.",
    ),
    "chat.ok": Text(
        "{model} answered a 1-token completion.",
        None,
    ),
    "chat.not_run": Text(
        "Not run: --chat sends one 1-token completion with {model} (it spends a tiny amount of credit).",
        None,
    ),
    "skip.preflight": Text(
        "Not run: fix the configuration above first.",
        None,
    ),
    "skip.unreachable": Text(
        "Not run: OpenRouter could not be reached.",
        None,
    ),
    "skip.key_failed": Text(
        "Not run: the key check failed.",
        None,
    ),
    "http.400": Text(
        "OpenRouter refused the request (HTTP 400): {detail}",
        "Check OPENROUTER_MODEL and the request parameters.",
    ),
    "http.401": Text(
        "OpenRouter rejected the key (HTTP 401): {detail}",
        "Check that the key starts with sk-or-v1-, has no spaces or quotes around it, was not revoked or expired (https://openrouter.ai/settings/keys), and sits in .env.{environment} without an exported OPENROUTER_API_KEY overriding it.",
    ),
    "http.402": Text(
        "Not enough credits (HTTP 402): {detail}",
        "Add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/settings/keys.",
    ),
    "http.403": Text(
        "OpenRouter refused access (HTTP 403): {detail}",
        "The key may lack access to this, or a moderation or guardrail rule blocked it; check the key at https://openrouter.ai/settings/keys.",
    ),
    "http.404": Text(
        "Not found (HTTP 404): {detail}",
        "Check OPENROUTER_BASE_URL (https://openrouter.ai/api/v1) and OPENROUTER_MODEL.",
    ),
    "http.408": Text(
        "OpenRouter timed out (HTTP 408): {detail}",
        "Try again; if it keeps happening, check https://status.openrouter.ai.",
    ),
    "http.429": Text(
        "Rate limited (HTTP 429): {detail} ({limits})",
        "Wait {wait} before trying again; retries will not help sooner. Free models allow 20 requests a minute and a daily cap that 10 USD of credits raises.",
    ),
    "http.5xx": Text(
        "OpenRouter or the model's provider is failing (HTTP {status}): {detail}",
        "This is not your configuration. Check https://status.openrouter.ai, try again in a few minutes, or try another model.",
    ),
    "http.other": Text(
        "OpenRouter answered HTTP {status}: {detail}",
        None,
    ),
    "verdict.pass": Text(
        "All checks passed for {environment}.",
        None,
    ),
    "verdict.warn": Text(
        "Passed for {environment}, with {count} warning(s): read the hints above.",
        None,
    ),
    "verdict.fail": Text(
        "{count} check(s) failed for {environment}: fix the first one above and run verify again.",
        None,
    ),
    "verdict.config": Text(
        "verify stopped before contacting OpenRouter: fix the configuration above and run it again.",
        None,
    ),
    "usage.timeout": Text(
        "--timeout must be a number of seconds above 0.",
        None,
    ),
    "usage.port": Text(
        "--port must be a port number from 1 to 65535.",
        None,
    ),
    "starter.stream_error": Text(
        "The model stopped with an error mid-reply: {detail}",
        "The provider failed after it had started answering, when OpenRouter can no longer fall back. Try again, or use another model.",
    ),
    "login.open": Text(
        "Sign in to OpenRouter and approve a key for {environment} in your browser:",
        None,
    ),
    "login.waiting": Text(
        "Waiting for the browser at {callback_url} (up to {timeout} s; Ctrl-C cancels).",
        None,
    ),
    "login.page": Text(
        "Signed in. You can close this tab and go back to the terminal.",
        None,
    ),
    "login.page_failed": Text(
        "Sign-in did not complete. Go back to the terminal for details.",
        None,
    ),
    "login.no_browser": Text(
        "Could not open a browser.",
        "Run {login_command} and open the printed URL in a browser on this machine.",
    ),
    "login.port_taken": Text(
        "Port {port} on 127.0.0.1 is already in use.",
        "Choose another with --port, or leave --port out to use a free one.",
    ),
    "login.denied": Text(
        "Sign-in was not completed: {detail}.",
        "Start over with {login_command} and approve the request in the browser.",
    ),
    "login.no_code": Text(
        "The browser came back without an authorization code.",
        "Start over with {login_command} and approve the request in the browser.",
    ),
    "login.exchange_failed": Text(
        "OpenRouter did not exchange the code for a key (HTTP {status}): {detail}",
        "Codes work once and expire quickly: start over with {login_command}.",
    ),
    "login.timeout": Text(
        "No answer from the browser within {timeout} s.",
        "Start over with {login_command} and finish signing in, or raise --timeout.",
    ),
    "login.key_exists": Text(
        "{file} already holds a key; it was left as it is.",
        "Run {login_command} to replace it (revoke the old key at https://openrouter.ai/settings/keys afterwards).",
    ),
    "login.saved": Text(
        "Saved the new key to {file} (mode 600). Checking it:",
        None,
    ),
    "login.overridden": Text(
        "An exported OPENROUTER_API_KEY overrides the new key in {file} until you unset it.",
        None,
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def say(message_id: MessageId, **values: object) -> Text:
    """The catalog's text for message_id, with its placeholders filled in (unknown ones stay)."""
    message, hint = MESSAGES[message_id]
    return Text(_fill(message, values), None if hint is None else _fill(hint, values))


def is_message_id(text: str) -> TypeGuard[MessageId]:
    """Whether text names a text of the catalog, e.g. f"http.{status}"."""
    return text in MESSAGES


def _fill(text: str, values: dict[str, object]) -> str:
    return _PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), text)
