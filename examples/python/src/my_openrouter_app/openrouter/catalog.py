# Maintained by the OpenRouter app template: copier update replaces this file.
"""What this project tells its users, and the facts behind it.

Generated from the template's shared catalog, which the TypeScript flavour of
this starter is generated from too: both check the same things and say the
same words. Texts hold {placeholders} that say() fills in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final, Literal, NamedTuple, TypeGuard


class Text(NamedTuple):
    """A message, and a hint that says what to do about it."""

    message: str
    hint: str | None

    def line(self) -> str:
        """Message and hint on one line."""
        return f"{self.message} {self.hint}" if self.hint else self.message


class Problem(Exception):
    """A problem only the user can fix: the catalog's text about it, and the exit status."""

    def __init__(self, text: Text, status: int = 2) -> None:
        super().__init__(text.message)
        self.text = text
        self.status = status


class Policy(NamedTuple):
    """The key policy of one environment."""

    credit_limit: str
    limit_usd: float | None
    rotation: str
    expires_days: int | None


DEFAULT_BASE_URL: Final = "https://openrouter.ai/api/v1"
KEY_PREFIX: Final = "sk-or-v1-"
KEY_PATTERN: Final = re.compile("sk-or-v1-[0-9a-f]{64}")
KEY_PLACEHOLDER: Final = re.compile(
    "^$|^(.)\\1*$|\\.\\.\\.|…|[<>*]|xxxx|your|here|placeholder|example|change|replace|insert|paste",
    re.IGNORECASE,
)
EXPIRY_WARNING_DAYS: Final = 14
#: The most bytes read of one answer: a JSON body, or one line of a stream.
MAX_ANSWER_BYTES: Final = 1048576
#: The most bytes read of an env file, and of a key file: a larger one is refused.
MAX_ENV_FILE_BYTES: Final = 1048576
MAX_KEY_FILE_BYTES: Final = 65536
#: Numbers in an answer at or above this are garbage, read as absent.
LARGEST_NUMBER: Final = 1000000000000000
#: The seconds verify --timeout accepts, least and most.
TIMEOUT_RANGE: Final = (0.001, 86400)
CHAT_CHECK_TOKENS: Final = 16
DEFAULT_MAX_TOKENS: Final = 1024
APP_CATEGORIES: Final = (
    "cli-agent",
    "ide-extension",
    "cloud-agent",
    "programming-app",
    "native-app-builder",
    "creative-writing",
    "video-gen",
    "image-gen",
    "audio-gen",
    "writing-assistant",
    "general-chat",
    "personal-agent",
    "legal",
    "roleplay",
    "game",
)
MAX_CATEGORIES: Final = 2
#: HTTP-Referer hosts (and their subdomains) that every placeholder app sends.
PLACEHOLDER_HOSTS: Final = (
    "example.com",
    "example.net",
    "example.org",
)

#: The page login's callback answers the browser with; {placeholders} as in say().
LOGIN_PAGE: Final = "\n".join(
    (
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        "<title>{heading} · {app_title}</title>",
        "<style>",
        ":root { --text: #1f2328; --muted: #59636e; --page: #f6f8fa; --card: #ffffff; --line: #d1d9e0; }",
        ".signed-in { --accent: #1a7f37; }",
        ".failed { --accent: #cf222e; }",
        "@media (prefers-color-scheme: dark) {",
        "  :root { --text: #f0f6fc; --muted: #9198a1; --page: #0d1117; --card: #151b23; --line: #3d444d; }",
        "  .signed-in { --accent: #3fb950; }",
        "  .failed { --accent: #f85149; }",
        "}",
        "body {",
        "  margin: 0;",
        "  min-height: 100vh;",
        "  display: grid;",
        "  place-items: center;",
        "  background: var(--page);",
        "  color: var(--text);",
        '  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;',
        "}",
        "main {",
        "  box-sizing: border-box;",
        "  width: min(34rem, calc(100% - 2rem));",
        "  padding: 2rem;",
        "  background: var(--card);",
        "  border: 1px solid var(--line);",
        "  border-top: 4px solid var(--accent);",
        "  border-radius: 12px;",
        "}",
        ".app { margin: 0; color: var(--muted); font-size: 0.875rem; overflow-wrap: anywhere; }",
        "h1 { margin: 0.25rem 0 1rem; font-size: 1.5rem; line-height: 1.25; color: var(--accent); }",
        "p { margin: 0 0 1rem; overflow-wrap: anywhere; }",
        "code {",
        "  display: block;",
        "  padding: 0.75rem;",
        "  background: var(--page);",
        "  border: 1px solid var(--line);",
        "  border-radius: 6px;",
        "  font: 0.875rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;",
        "  overflow-wrap: anywhere;",
        "}",
        "</style>",
        "</head>",
        "<body>",
        '<main class="{outcome}">',
        '<p class="app">{app_title} · {environment}</p>',
        "<h1>{heading}</h1>",
        "<p>{text}</p>",
        "<p>{next}</p>",
        "<code>{command}</code>",
        "</main>",
        "</body>",
        "</html>",
    )
)

#: Names a file that holds the key, instead of OPENROUTER_API_KEY (secret mounts).
KEY_FILE_VARIABLE: Final = "OPENROUTER_API_KEY_FILE"

VARIABLES: Final = (
    "OPENROUTER_API_KEY",
    "OPENROUTER_BASE_URL",
    "OPENROUTER_HTTP_REFERER",
    "OPENROUTER_APP_TITLE",
    "OPENROUTER_APP_CATEGORIES",
    "OPENROUTER_MODEL",
    "OPENROUTER_MAX_TOKENS",
    "OPENROUTER_FALLBACK_MODELS",
    "OPENROUTER_PROVIDER_SORT",
    "OPENROUTER_DATA_COLLECTION",
    "OPENROUTER_ZDR",
)

#: The values a setting may take (anything else is a configuration error naming them).
CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "OPENROUTER_PROVIDER_SORT": ("price", "throughput", "latency"),
    "OPENROUTER_DATA_COLLECTION": ("allow", "deny"),
    "OPENROUTER_ZDR": ("true", "false"),
}

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
        None,
    ),
    "staging": Policy(
        "20-50 USD",
        50,
        "when needed, and immediately after any suspected exposure",
        None,
    ),
    "production": Policy(
        "set by your budget, with usage monitored at https://openrouter.ai/activity",
        None,
        "every 90 days, and immediately after any suspected exposure",
        90,
    ),
}

MessageId = Literal[
    "config.ok",
    "config.no_key",
    "config.unknown_environment",
    "config.key_overridden",
    "config.shared_key",
    "config.made_private",
    "config.placeholder_referer",
    "config.unknown_category",
    "config.too_many_categories",
    "config.max_tokens",
    "config.bad_choice",
    "config.fallback_models",
    "key_format.ok",
    "key_format.missing",
    "key_format.missing_copy",
    "key_format.missing_file",
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
    "reachability.too_large",
    "reachability.malformed",
    "key.ok",
    "key.expiring",
    "key.expired",
    "key.free_tier",
    "key.management",
    "key.unexpected",
    "credits.ok",
    "credits.exhausted",
    "credits.no_limit",
    "credits.above_policy",
    "credits.usage",
    "model.ok",
    "model.unknown",
    "model.unroutable",
    "model.router",
    "model.alias",
    "model.variant_not_found",
    "model.down",
    "model.expiring",
    "model.unknown_fallback",
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
    "http.data_policy",
    "http.408",
    "http.429",
    "http.429_free",
    "http.429_provider",
    "http.key_limit",
    "http.redirect",
    "http.5xx",
    "http.other",
    "verdict.pass",
    "verdict.warn",
    "verdict.fail",
    "verdict.config",
    "usage.timeout",
    "usage.port",
    "starter.stream_error",
    "envfile.unreadable",
    "envfile.too_large",
    "envfile.not_utf8",
    "envfile.not_private",
    "envfile.unwritable_value",
    "envfile.key_unreadable_after_write",
    "envfile.unwritable",
    "key_file.unreadable",
    "key_file.not_utf8",
    "key_file.too_large",
    "key_file.empty",
    "starter.stream_cut",
    "starter.stream_malformed",
    "precommit.key_found",
    "precommit.unreadable",
    "login.open",
    "login.open_headless",
    "login.paste",
    "login.waiting",
    "login.no_browser",
    "login.port_taken",
    "login.denied",
    "login.no_code",
    "login.bad_code",
    "login.code_too_long",
    "login.exchange_failed",
    "login.timeout",
    "login.key_exists",
    "login.saved",
    "login.overridden",
    "login.not_writable",
    "login.file_is_directory",
    "login.file_read_only",
    "login.directory_read_only",
    "login.directory_missing",
    "login.interrupted",
    "login.save_failed",
    "login.page_signed_in",
    "login.page_signed_in_next",
    "login.page_failed",
    "login.page_failed_next",
    "login.page_ignored",
    "output.unwritable",
    "keys.no_management_key",
    "keys.bad_management_key",
    "keys.management_refused",
    "keys.limit_required",
    "keys.bad_limit",
    "keys.key_exists",
    "keys.created",
    "keys.expiry",
    "keys.bad_answer",
    "keys.create_unsaved",
    "keys.create_unsaved_left",
    "keys.no_key_to_rotate",
    "keys.unknown_key",
    "keys.exported_key",
    "keys.successor_saved",
    "keys.rotated",
    "keys.successor_failed",
    "keys.successor_deleted",
    "keys.successor_left",
    "keys.old_left",
    "keys.compromised_deleted",
    "keys.compromised_unsaved",
    "keys.interrupted_creating",
    "keys.interrupted_verifying",
    "keys.interrupted_deleting",
    "keys.interrupted_compromised",
    "keys.interrupted",
    "keys.management_key_readable",
    "keys.none",
    "keys.guarded",
    "keys.guard_zdr",
    "keys.no_key_to_guard",
    "keys.guard_failed",
    "keys.successor_unguarded",
    "keys.bad_zdr",
    "keys.file_changed",
    "key.no_guardrail",
    "key.unguarded_model",
    "key.guardrail",
    "key.no_expiry",
    "key.guardrail_unknown",
]

MESSAGES: Final[Mapping[MessageId, Text]] = {
    "config.ok": Text(
        "Environment {environment} ({selected_by}); read {files}; key from {key_source}.",
        None,
    ),
    "config.no_key": Text(
        "Environment {environment} ({selected_by}); read {files}; no key is set.",
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
    "config.placeholder_referer": Text(
        "OPENROUTER_HTTP_REFERER ({referer}) is a placeholder: OpenRouter counts every app that sends it as one app.",
        "Set OPENROUTER_HTTP_REFERER to your app's own URL (its site or its repository) in .env.{environment}, or in .env for every environment.",
    ),
    "config.unknown_category": Text(
        "OpenRouter does not know the app category {categories} in OPENROUTER_APP_CATEGORIES: it drops unknown categories without a word.",
        "Use OpenRouter's own: {known}.",
    ),
    "config.too_many_categories": Text(
        "OPENROUTER_APP_CATEGORIES lists {count} categories; OpenRouter takes at most {most} per request and may then drop them all.",
        "Keep the {most} that describe the app best.",
    ),
    "config.max_tokens": Text(
        "OPENROUTER_MAX_TOKENS ({value}) is not a whole number of tokens from 1 up.",
        "Set it to the most tokens a reply may use, e.g. OPENROUTER_MAX_TOKENS={default}, or remove it to use {default}.",
    ),
    "config.bad_choice": Text(
        "{variable} ({value}) is not one of: {allowed}.",
        "Set {variable} to one of {allowed} in .env.{environment}, or leave it empty for OpenRouter's default.",
    ),
    "config.fallback_models": Text(
        "OPENROUTER_FALLBACK_MODELS ({value}) is not a comma-separated list of model ids.",
        "List model ids (author/slug, no spaces) separated by commas, e.g. OPENROUTER_FALLBACK_MODELS=anthropic/claude-haiku-4.5,google/gemini-2.5-flash; or leave it empty for no fallbacks.",
    ),
    "key_format.ok": Text(
        "{masked} from {key_source}",
        None,
    ),
    "key_format.missing": Text(
        "OPENROUTER_API_KEY is not set for {environment}.",
        "Paste a key created at https://openrouter.ai/settings/keys (give it a credit limit) after OPENROUTER_API_KEY= in .env.{environment}, or run {login_command}.",
    ),
    "key_format.missing_copy": Text(
        "OPENROUTER_API_KEY is not set for {environment}.",
        "Copy the example without overwriting anything (cp -n .env.{environment}.example .env.{environment}), then paste a key created at https://openrouter.ai/settings/keys (give it a credit limit) after OPENROUTER_API_KEY=; or run {login_command}.",
    ),
    "key_format.missing_file": Text(
        "OPENROUTER_API_KEY is not set for {environment}.",
        "Create .env.{environment} holding OPENROUTER_API_KEY= and a key created at https://openrouter.ai/settings/keys (give it a credit limit), or run {login_command}.",
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
    "reachability.too_large": Text(
        "{host} sent an answer (or a line of a stream) larger than 1 MiB; it was not read further.",
        "OpenRouter's answers are small: check OPENROUTER_BASE_URL and any proxy in between.",
    ),
    "reachability.malformed": Text(
        "{url} answered HTTP {status} with malformed JSON.",
        "OpenRouter does not answer like this: check OPENROUTER_BASE_URL and any proxy in between, then try again.",
    ),
    "key.ok": Text(
        "OpenRouter accepted the key ({label}).",
        None,
    ),
    "key.expiring": Text(
        "The key ({label}) expires in {days} day(s), on {date}.",
        "Create its replacement at https://openrouter.ai/settings/keys and put it in .env.{environment} before then (this key: https://openrouter.ai/keys/{key_hash}).",
    ),
    "key.expired": Text(
        "The key ({label}) expired on {date}.",
        "Create a new key at https://openrouter.ai/settings/keys and put it in .env.{environment} (the expired key: https://openrouter.ai/keys/{key_hash}).",
    ),
    "key.free_tier": Text(
        "This account has never bought credits (free tier): paid models refuse it with HTTP 402.",
        "Buy credits at https://openrouter.ai/settings/credits, or use a free model (an id ending in :free).",
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
        "Add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/keys/{key_hash} (what it spent: https://openrouter.ai/logs?api_key_hash={key_hash}).",
    ),
    "credits.no_limit": Text(
        "The key has no credit limit.",
        "Set one on every key ({environment}: {credit_limit}) at https://openrouter.ai/keys/{key_hash}, so a leaked or looping key cannot spend without bound.",
    ),
    "credits.above_policy": Text(
        "The key's credit limit ({limit} USD) is above the {ceiling} USD suggested for {environment}.",
        "Lower it at https://openrouter.ai/keys/{key_hash}: a {environment} key should not be able to spend more ({credit_limit}).",
    ),
    "credits.usage": Text(
        "Spent {daily} USD today and {monthly} USD this month (UTC).",
        None,
    ),
    "model.ok": Text(
        "{model} is served by {count} working provider endpoint(s).",
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
    "model.router": Text(
        "{model} is a router: OpenRouter picks the model for each request.",
        None,
    ),
    "model.alias": Text(
        "{model} resolves to {target}.",
        None,
    ),
    "model.variant_not_found": Text(
        "OpenRouter's model lookup does not know {model}, but it resolves some :variants only when they are used.",
        "Run verify with --chat to be sure (it spends a tiny amount of credit), or pick a model at https://openrouter.ai/models.",
    ),
    "model.down": Text(
        "{model} has {listed} provider endpoint(s), but none is working right now: requests to it fail.",
        "Try again later, list fallback models in OPENROUTER_FALLBACK_MODELS (tried in order when this one fails), or choose another model at https://openrouter.ai/models.",
    ),
    "model.expiring": Text(
        "OpenRouter may remove {model} after {date} (its expiration date).",
        "Choose its successor at https://openrouter.ai/models and set OPENROUTER_MODEL in .env.{environment} before then.",
    ),
    "model.unknown_fallback": Text(
        "OpenRouter has no model {model} (a fallback in OPENROUTER_FALLBACK_MODELS).",
        "Pick model ids (author/slug) from https://openrouter.ai/models for OPENROUTER_FALLBACK_MODELS in .env.{environment}, or remove {model} from it.",
    ),
    "chat.ok": Text(
        "{model} answered a {tokens}-token completion.",
        None,
    ),
    "chat.not_run": Text(
        "Not run: --chat also sends one {tokens}-token completion (it spends a tiny amount of credit).",
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
        "Check that the key starts with sk-or-v1-, has no spaces or quotes around it, was not revoked or expired (https://openrouter.ai/keys/{key_hash}), and sits in .env.{environment} without an exported OPENROUTER_API_KEY overriding it.",
    ),
    "http.402": Text(
        "Not enough credits (HTTP 402): {detail}",
        "OpenRouter sets aside max_tokens times the model's price before it answers: lower max_tokens (the starter sends OPENROUTER_MAX_TOKENS), add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/keys/{key_hash} (what it spent: https://openrouter.ai/logs?api_key_hash={key_hash}).",
    ),
    "http.403": Text(
        "OpenRouter refused access (HTTP 403): {detail}",
        "The key may lack access to this, or a moderation or guardrail rule blocked it; check the key at https://openrouter.ai/settings/keys.",
    ),
    "http.404": Text(
        "Not found (HTTP 404): {detail}",
        "Check OPENROUTER_BASE_URL (https://openrouter.ai/api/v1) and OPENROUTER_MODEL.",
    ),
    "http.data_policy": Text(
        "No provider may serve this under your account's data policy (HTTP 404): {detail}",
        "Allow more providers in your privacy settings at https://openrouter.ai/settings/privacy (training on prompts, data retention), or choose another model.",
    ),
    "http.408": Text(
        "OpenRouter timed out (HTTP 408): {detail}",
        "Try again; if it keeps happening, check https://status.openrouter.ai.",
    ),
    "http.429": Text(
        "Rate limited (HTTP 429): {detail} ({limits})",
        "Wait {wait} before trying again; retries will not help sooner. OpenRouter's limits are global: more keys or accounts do not raise them.",
    ),
    "http.429_free": Text(
        "The free-model limit is reached (HTTP 429): {detail} ({limits})",
        "Models whose id ends in :free allow 20 requests a minute and 50 a day, or 1000 a day once the account has bought at least 10 USD of credits (https://openrouter.ai/settings/credits). Wait {wait}, or use the paid variant ({paid}), which has no such cap.",
    ),
    "http.429_provider": Text(
        "The model's provider{provider} is rate limiting it (HTTP 429): {detail} ({limits})",
        "This is the provider's limit, not your key's: try again in {wait}, list fallback models in OPENROUTER_FALLBACK_MODELS (OpenRouter tries them in order when one is limited), or add your own provider key at https://openrouter.ai/settings/integrations.",
    ),
    "http.key_limit": Text(
        "This key's own credit limit{limit} is used up (HTTP {status}): {detail}",
        "{resets}. Raise or remove the key's limit at https://openrouter.ai/keys/{key_hash} (what it spent: https://openrouter.ai/logs?api_key_hash={key_hash}); adding credits to the account does not lift it.",
    ),
    "http.redirect": Text(
        "{host} redirected the request to {origin} (HTTP {status}); it was not followed.",
        "OpenRouter's API does not redirect: OPENROUTER_BASE_URL is wrong (use https://openrouter.ai/api/v1), or a proxy in between redirects.",
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
        "--timeout must be a number of seconds from {least} to {most}.",
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
    "envfile.unreadable": Text(
        "{file} cannot be read: {reason}.",
        "Env files must be files you can read: fix the file's owner or mode (chmod 600 {file}), or move it out of the way.",
    ),
    "envfile.too_large": Text(
        "{file} is larger than {limit} KiB: that is not an env file.",
        "Env files hold a few variables: point the project at the right file, or move this one out of the way.",
    ),
    "envfile.not_utf8": Text(
        "{file} is not UTF-8 text: the first bad byte is at offset {offset}.",
        "Save it again as UTF-8 (editors offer the encoding when saving); env files hold plain text.",
    ),
    "envfile.not_private": Text(
        "{files} can be read by other users and could not be made private: another user owns it, or its filesystem is read-only.",
        "Have its owner run chmod 600 on it, or keep the key in a file only this user can read and point OPENROUTER_API_KEY_FILE at it.",
    ),
    "envfile.unwritable_value": Text(
        "The key holds characters that no env file can quote so that it reads back whole.",
        "Check the key: OpenRouter keys are sk-or-v1- followed by 64 hex characters.",
    ),
    "envfile.key_unreadable_after_write": Text(
        "{file} would not read back the new key: its OPENROUTER_API_KEY line sits inside a quoted value that spans several lines.",
        "Close the quote above that line, or move the line out of the quoted value, then run the command again.",
    ),
    "envfile.unwritable": Text(
        "{file} could not be written: {reason}.",
        "It was left as it was. Check the directory's permissions and free space, then run the command again.",
    ),
    "key_file.unreadable": Text(
        "{variable} ({path}, set in {source}) cannot be read: {reason}.",
        "Point {variable} at the file that holds the key (a mounted secret, say), or unset it and set OPENROUTER_API_KEY instead.",
    ),
    "key_file.not_utf8": Text(
        "{variable} ({path}, set in {source}) is not UTF-8 text: the first bad byte is at offset {offset}.",
        "A key file holds the key alone, as plain text: sk-or-v1-... and at most a final newline.",
    ),
    "key_file.too_large": Text(
        "{variable} ({path}, set in {source}) is larger than {limit} KiB: that is not a key file.",
        "Point {variable} at the file that holds the key (a mounted secret, say), or unset it and set OPENROUTER_API_KEY instead.",
    ),
    "key_file.empty": Text(
        "{variable} ({path}, set in {source}) is empty.",
        "Put the key in it (sk-or-v1-...), or unset {variable} and set OPENROUTER_API_KEY instead.",
    ),
    "starter.stream_cut": Text(
        "The reply from {host} stopped before the model finished: the connection was cut.",
        "A network drop, a proxy's time limit or a restart at OpenRouter ends a stream early. Try again.",
    ),
    "starter.stream_malformed": Text(
        "{host} sent a reply stream this app cannot read (an event that is not JSON).",
        "Check that OPENROUTER_BASE_URL is OpenRouter's API (https://openrouter.ai/api/v1) and that no proxy rewrites the stream; {verify_command} checks the set-up.",
    ),
    "precommit.key_found": Text(
        "{file}:{line}: an OpenRouter API key ({masked})",
        "Remove it from the file: keys belong in .env.<environment> files, which git ignores. If it was ever pushed, revoke it at https://openrouter.ai/settings/keys.",
    ),
    "precommit.unreadable": Text(
        "{file}: cannot be read ({reason}), so it cannot be checked for OpenRouter API keys",
        None,
    ),
    "login.open": Text(
        "Sign in to OpenRouter and approve a key for {environment} in your browser:",
        None,
    ),
    "login.open_headless": Text(
        "Open this URL in a browser on any device, sign in to OpenRouter and approve a key for {environment}:",
        None,
    ),
    "login.paste": Text(
        "Then paste the code OpenRouter shows here and press Enter: ",
        None,
    ),
    "login.waiting": Text(
        "Waiting for the browser at {callback_url} (up to {timeout} s; Ctrl-C cancels).",
        None,
    ),
    "login.no_browser": Text(
        "No browser could be opened here: open the URL above by hand, in a browser on this machine (the key comes back to 127.0.0.1). Still waiting.",
        "On a remote machine (SSH, a container), stop with Ctrl-C and run {login_command} instead: you paste a code, nothing has to reach this machine.",
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
        "No authorization code was entered.",
        "Start over with {login_command} and paste the code OpenRouter shows after you approve the request.",
    ),
    "login.bad_code": Text(
        "That is not an authorization code: it holds spaces or control characters.",
        "Start over with {login_command} and paste only the code OpenRouter shows.",
    ),
    "login.code_too_long": Text(
        "That is not an authorization code: the line is longer than {limit} KiB.",
        "Start over with {login_command} and paste only the code OpenRouter shows.",
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
        "An exported {variable} overrides the new key in {file} until you unset it: the app would use that key; the new one is checked below.",
        "Unset it (unset {variable}) to use the key in {file}.",
    ),
    "login.not_writable": Text(
        "{file} cannot be written: {reason}. Nothing was sent to OpenRouter.",
        "Make {file} a file you may write (or remove what is in the way), then run {command} again.",
    ),
    "login.file_is_directory": Text(
        "it is a directory",
        None,
    ),
    "login.file_read_only": Text(
        "it is read-only",
        None,
    ),
    "login.directory_read_only": Text(
        "its directory is not writable",
        None,
    ),
    "login.directory_missing": Text(
        "its directory does not exist",
        None,
    ),
    "login.interrupted": Text(
        "Interrupted.",
        None,
    ),
    "login.save_failed": Text(
        "The new key {name} exists on your account but could not be saved to {file}: {detail}",
        "{file} was left as it was. Delete the key at https://openrouter.ai/settings/keys (named {name}, hash {hash}), fix the file, then start over with {command}.",
    ),
    "login.page_signed_in": Text(
        "Signed in to OpenRouter",
        "{app_title} has a new OpenRouter key for {environment}. It was saved to .env.{environment} and is never shown, here or in the terminal.",
    ),
    "login.page_signed_in_next": Text(
        "You can close this tab: the terminal is checking the key now. To check it again later, run:",
        None,
    ),
    "login.page_failed": Text(
        "Sign-in did not complete",
        "{detail} Nothing was saved to .env.{environment}.",
    ),
    "login.page_failed_next": Text(
        "Go back to the terminal for details. To start over, run:",
        None,
    ),
    "login.page_ignored": Text(
        "This address only receives OpenRouter's sign-in callback.",
        None,
    ),
    "output.unwritable": Text(
        "Could not write to standard output: {reason}.",
        "Send the output somewhere that can take it (a file on a disk with free space, a pipe that reads it all).",
    ),
    "keys.no_management_key": Text(
        "OPENROUTER_MANAGEMENT_KEY is not set.",
        "The keys command needs a management key: create one at https://openrouter.ai/settings/management-keys and export it in your shell (or put it in .env on your own machine; never in .env.<environment>, a deployed app or its CI secrets).",
    ),
    "keys.bad_management_key": Text(
        "OPENROUTER_MANAGEMENT_KEY ({masked}) does not look like a key.",
        "Copy it again from https://openrouter.ai/settings/management-keys: it starts with sk-or-v1- and holds no spaces or quotes.",
    ),
    "keys.management_refused": Text(
        "OpenRouter refused the management key (HTTP {status}): {detail}",
        "OPENROUTER_MANAGEMENT_KEY must be a management key from https://openrouter.ai/settings/management-keys; an ordinary API key cannot manage keys.",
    ),
    "keys.limit_required": Text(
        "{environment} has no suggested credit limit: choose one with --limit USD.",
        "Set it from your budget, e.g. {command}.",
    ),
    "keys.bad_limit": Text(
        "--limit must be an amount of USD above 0 and at most 1000000, with at most 2 decimals, e.g. --limit 25.",
        None,
    ),
    "keys.key_exists": Text(
        "{file} already holds a key; it was left as it is, and no key was created.",
        "Run {command} to replace it with a successor and delete the old key, or {force_command} to replace it and keep the old key.",
    ),
    "keys.created": Text(
        "Created {name} (credit limit: {limit}{expiry}) and saved it to {file} (mode 600). Checking it:",
        None,
    ),
    "keys.expiry": Text(
        ", expires {date}",
        None,
    ),
    "keys.bad_answer": Text(
        "OpenRouter answered {url} without {what}.",
        "Check that OPENROUTER_BASE_URL points at OpenRouter (https://openrouter.ai/api/v1), and try again.",
    ),
    "keys.create_unsaved": Text(
        "The new key could not be saved to {file} ({detail}), so it was deleted again.",
        "Fix the file, then run {command} again.",
    ),
    "keys.create_unsaved_left": Text(
        "The new key could not be saved to {file} ({detail}), nor deleted again: {reason}",
        "Delete it at https://openrouter.ai/keys/{hash}, fix the file, then run {command} again.",
    ),
    "keys.no_key_to_rotate": Text(
        "{file} holds no key to rotate.",
        "Create one with {command}.",
    ),
    "keys.unknown_key": Text(
        "The key in {file} ({masked}) is not one of this account's keys.",
        "It was deleted, or it belongs to another account. Replace it with {command}.",
    ),
    "keys.exported_key": Text(
        "An exported {variable} overrides {file}: verify would check that key instead of the new one.",
        "Unset it (unset {variable}) and run {command} again.",
    ),
    "keys.successor_saved": Text(
        "Created {name} (credit limit: {limit}{expiry}); checking it before it replaces the old key {old_name} in {file}:",
        None,
    ),
    "keys.rotated": Text(
        "Rotated {environment}: {file} holds {name}, which works, and the old key {old_name} was deleted.",
        None,
    ),
    "keys.successor_failed": Text(
        "The new key {name} failed verification: {file} still holds the old key {old_name}, which works.",
        "Read the report above, fix what it says, then run {command} again.",
    ),
    "keys.successor_deleted": Text(
        "The new key {name} was deleted.",
        None,
    ),
    "keys.successor_left": Text(
        "The new key {name} could not be deleted: {detail}",
        "Delete it at https://openrouter.ai/keys/{hash}.",
    ),
    "keys.old_left": Text(
        "{file} holds the new key {name}, which works, but the old key {old_name} could not be deleted: {detail}",
        "Delete it at https://openrouter.ai/keys/{hash}: until then it keeps working.",
    ),
    "keys.compromised_deleted": Text(
        "Deleted the exposed key {old_name}: it no longer works.",
        None,
    ),
    "keys.compromised_unsaved": Text(
        "The exposed key was deleted, but its successor could not be created or saved: {file} holds no working key.",
        "Run {command} to create one.",
    ),
    "keys.interrupted_creating": Text(
        "Interrupted before a new key was saved: {file} was not changed.",
        "A new key may have been created all the same: {list_command} shows it without an env file; delete it at https://openrouter.ai/keys.",
    ),
    "keys.interrupted_verifying": Text(
        "Interrupted while the new key was checked: {file} still holds the old key {old_name}, which works.",
        "The unchecked new key {name} still exists: delete it at https://openrouter.ai/keys/{hash}, then run {command} again.",
    ),
    "keys.interrupted_deleting": Text(
        "Interrupted while the old key was deleted: {file} holds the new key {name}, which works.",
        "The old key {old_name} may still exist: check https://openrouter.ai/keys/{hash} and delete it there.",
    ),
    "keys.interrupted_compromised": Text(
        "Interrupted after the exposed key was deleted: {file} holds no working key.",
        "Run {command} to create one.",
    ),
    "keys.interrupted": Text(
        "Interrupted.",
        None,
    ),
    "keys.management_key_readable": Text(
        "{files} holds OPENROUTER_MANAGEMENT_KEY and can be read by other users; it could not be made private: another user owns it, or its filesystem is read-only.",
        "Have its owner run chmod 600 on it, or export OPENROUTER_MANAGEMENT_KEY in your shell instead of keeping it in a file.",
    ),
    "keys.none": Text(
        "No keys named {prefix}* on this account.",
        "Create one with {command}.",
    ),
    "keys.guarded": Text(
        "Guardrail {name}: only {models}; a budget of {limit}{zdr}. {key_name} is assigned to it: a leaked key can spend on nothing else, and no more.",
        None,
    ),
    "keys.guard_zdr": Text(
        "; zero data retention enforced",
        None,
    ),
    "keys.no_key_to_guard": Text(
        "{file} holds no key to guard.",
        "Create one with {command}: it is guarded as it is made.",
    ),
    "keys.guard_failed": Text(
        "{name} works, but its guardrail could not be set: {detail}",
        "Run {command} once OpenRouter answers: until then the key may spend on any model.",
    ),
    "keys.successor_unguarded": Text(
        "The new key {name} could not be guarded: {detail} {file} still holds the old key {old_name}, which works.",
        "Run {command} again once OpenRouter answers, or {no_guard} to rotate without a guardrail.",
    ),
    "keys.bad_zdr": Text(
        "OPENROUTER_ZDR must be true or false.",
        "Fix it in the env file (or unset it), then run {command}.",
    ),
    "keys.file_changed": Text(
        "{file} no longer holds the old key {old_name}: it changed during the rotation (a login --force?), so it was left as it is.",
        "The new key was not needed and is deleted. Run {command} again to rotate the key it holds now.",
    ),
    "key.no_guardrail": Text(
        "The {environment} key has no guardrail: a leaked copy could spend on any model, up to the key's own limit.",
        "Run {command}: it allows only the configured models and caps the monthly budget.",
    ),
    "key.unguarded_model": Text(
        "The key's guardrail {name} does not allow {model}: OpenRouter refuses it (HTTP 403).",
        "Run {command} to allow the configured models.",
    ),
    "key.guardrail": Text(
        "Guardrail {name}.",
        None,
    ),
    "key.no_expiry": Text(
        "The production key never expires: the policy rotates production keys every 90 days.",
        "Replace it with {command}: keys the keys command makes expire after 90 days.",
    ),
    "key.guardrail_unknown": Text(
        "The key's guardrail could not be checked: {detail}",
        "OPENROUTER_MANAGEMENT_KEY is set, so verify asks which guardrail the key has; check that key.",
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


_UNPRINTABLE = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def say(message_id: MessageId, **values: object) -> Text:
    """The catalog's text for message_id, with its placeholders filled in (unknown ones stay).

    Every value passes printable(): what a server or a file said never reaches a terminal raw.
    """
    message, hint = MESSAGES[message_id]
    safe = {name: printable(str(value)) for name, value in values.items()}
    return Text(fill(message, safe), None if hint is None else fill(hint, safe))


def printable(text: str) -> str:
    """Text from outside (a server, a file) made inert for a terminal, in human output and JSON.

    Control characters (escape sequences among them), format characters (bidi
    overrides and isolates, zero-width characters, byte-order marks), line and
    paragraph separators and lone surrogates are shown escaped, as \\u001b or
    \\u{e0001}: visible, unable to steer the terminal, the same in both languages.
    """
    if text.isprintable():  # the usual case: none of those (they are all unprintable)
        return text
    return "".join(_escaped(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in text)


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else "\\u{" + format(code, "x") + "}"


def is_message_id(text: str) -> TypeGuard[MessageId]:
    """Whether text names a text of the catalog, e.g. f"http.{status}"."""
    return text in MESSAGES


def fill(text: str, values: Mapping[str, object]) -> str:
    """The text with its {placeholders} filled in, in one pass (values are not filled again)."""
    return _PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), text)
