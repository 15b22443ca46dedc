/**
 * What this project tells its users, and the facts behind it.
 *
 * Generated from the template's shared catalog, which the Python flavour of this starter is
 * generated from too: both check the same things and say the same words. Texts hold
 * {placeholders} that say() fills in.
 */

/** A message, and a hint that says what to do about it. */
export class Text {
  readonly message: string;
  readonly hint: string | null;

  constructor(message: string, hint: string | null) {
    this.message = message;
    this.hint = hint;
  }

  /** Message and hint on one line. */
  line(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** The key policy of one environment. */
export interface Policy {
  readonly creditLimit: string;
  readonly limitUsd: number | null;
  readonly rotation: string;
}

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
export const KEY_PREFIX = "sk-or-v1-";
/** A whole key that looks real; any other length only warns. */
export const KEY_PATTERN = /^(?:sk-or-v1-[0-9a-f]{64})$/;
/** Matches the part after the prefix of a key that was never real. */
export const KEY_PLACEHOLDER =
  /^$|^(.)\1*$|\.\.\.|…|[<>*]|xxxx|your|here|placeholder|example|change|replace|insert|paste/iu;
export const EXPIRY_WARNING_DAYS = 7;

export const VARIABLES = [
  "OPENROUTER_API_KEY",
  "OPENROUTER_BASE_URL",
  "OPENROUTER_HTTP_REFERER",
  "OPENROUTER_APP_TITLE",
  "OPENROUTER_APP_CATEGORIES",
  "OPENROUTER_MODEL",
] as const;
export type Variable = (typeof VARIABLES)[number];

export const CHECKS = [
  "config",
  "key_format",
  "base_url",
  "reachability",
  "key",
  "credits",
  "model",
  "chat",
] as const;
export type CheckName = (typeof CHECKS)[number];

export const POLICY = {
  development: {
    creditLimit: "5-10 USD",
    limitUsd: 10,
    rotation: "when needed, and immediately after any suspected exposure",
  },
  staging: {
    creditLimit: "20-50 USD",
    limitUsd: 50,
    rotation: "when needed, and immediately after any suspected exposure",
  },
  production: {
    creditLimit: "set by your budget, with usage monitored at https://openrouter.ai/activity",
    limitUsd: null,
    rotation: "every 90 days, and immediately after any suspected exposure",
  },
} satisfies Record<string, Policy>;

// biome-ignore format: the catalog's layout, one text per line however long it is
export const MESSAGES = {
  "config.ok": {
    message: "Environment {environment} ({selected_by}); read {files}; key from {key_source}.",
    hint: null,
  },
  "config.unknown_environment": {
    message: "Unknown environment '{environment}'.",
    hint: "This project has: {environments}. Choose one with --env or APP_ENV; add one with copier update --data 'environments=[...]'.",
  },
  "config.key_overridden": {
    message: "An exported OPENROUTER_API_KEY overrides the key in {file}.",
    hint: "Unset it (unset OPENROUTER_API_KEY) to use {file}, or delete the line in {file} so only one key is in play.",
  },
  "config.shared_key": {
    message: "{files} hold the same key.",
    hint: "Use one key per environment, each with its own credit limit, so that one can be revoked without breaking the others.",
  },
  "config.made_private": {
    message: "{files} could be read by other users: made private (mode 600).",
    hint: null,
  },
  "key_format.ok": {
    message: "{masked} from {key_source}",
    hint: null,
  },
  "key_format.missing": {
    message: "OPENROUTER_API_KEY is not set for {environment}.",
    hint: "Copy .env.{environment}.example to .env.{environment} and paste a key created at https://openrouter.ai/settings/keys (give it a credit limit), or run {login_command}.",
  },
  "key_format.placeholder": {
    message: "OPENROUTER_API_KEY ({masked}) is a placeholder, not a key.",
    hint: "Paste a real key from https://openrouter.ai/settings/keys into {key_source}, or run {login_command}.",
  },
  "key_format.prefix": {
    message: "OPENROUTER_API_KEY ({masked}) does not start with sk-or-v1-.",
    hint: "OpenRouter API keys start with sk-or-v1-. An OpenAI key (sk-...) does not work here; copy the whole key from https://openrouter.ai/settings/keys.",
  },
  "key_format.whitespace": {
    message: "OPENROUTER_API_KEY ({masked}) contains whitespace.",
    hint: "Remove the spaces, tabs or line breaks in or around the key in {key_source}.",
  },
  "key_format.quotes": {
    message: "OPENROUTER_API_KEY ({masked}) contains quote characters.",
    hint: "Write the key without quotes inside the value, e.g. OPENROUTER_API_KEY=sk-or-v1-..., in {key_source}.",
  },
  "key_format.non_ascii": {
    message: "OPENROUTER_API_KEY contains a non-ASCII character at position {position}.",
    hint: "Keys are plain ASCII; a document or chat app probably turned a hyphen into a dash. Copy the key again from https://openrouter.ai/settings/keys.",
  },
  "key_format.length": {
    message: "{masked} has {length} characters after sk-or-v1-; OpenRouter keys usually have 64 hex characters.",
    hint: "Check that the whole key was copied.",
  },
  "base_url.ok": {
    message: "{base_url}",
    hint: null,
  },
  "base_url.invalid": {
    message: "OPENROUTER_BASE_URL ({base_url}) is not an http(s) URL with a host.",
    hint: "Set OPENROUTER_BASE_URL=https://openrouter.ai/api/v1, or remove it to use that default.",
  },
  "base_url.insecure": {
    message: "{base_url} does not use https: the key would cross the network unencrypted.",
    hint: "Use https://openrouter.ai/api/v1; plain http is only safe for a proxy on this machine.",
  },
  "base_url.path": {
    message: "{base_url} does not end in /api/v1.",
    hint: "The OpenAI SDK appends /chat/completions to the base URL, so it must be https://openrouter.ai/api/v1 (https://openrouter.ai/api alone is for Anthropic SDK clients).",
  },
  "reachability.ok": {
    message: "OpenRouter answered at {host} in {ms} ms.",
    hint: null,
  },
  "reachability.not_json": {
    message: "{url} answered HTTP {status} with {content_type}, not JSON: this is not OpenRouter's API.",
    hint: "The base URL is wrong; a missing /api/v1 is the usual cause. Set OPENROUTER_BASE_URL=https://openrouter.ai/api/v1.",
  },
  "reachability.refused": {
    message: "Could not connect to {host}: connection refused.",
    hint: "Nothing is listening there. Check OPENROUTER_BASE_URL and your proxy settings (HTTPS_PROXY).",
  },
  "reachability.dns": {
    message: "Could not resolve {host}.",
    hint: "Check the host name in OPENROUTER_BASE_URL, your network and your DNS.",
  },
  "reachability.tls": {
    message: "The TLS handshake with {host} failed: {detail}.",
    hint: "If a proxy or antivirus inspects TLS, point {ca_variable} at its CA certificate. Also check the system clock.",
  },
  "reachability.timeout": {
    message: "{host} did not answer within {timeout} s.",
    hint: "Check your network and proxy (HTTPS_PROXY); on a slow link, raise --timeout.",
  },
  "reachability.network": {
    message: "Could not reach {host}: {detail}.",
    hint: "Check your network, your proxy (HTTPS_PROXY) and OPENROUTER_BASE_URL.",
  },
  "key.ok": {
    message: "OpenRouter accepted the key ({label}).",
    hint: null,
  },
  "key.expiring": {
    message: "The key ({label}) expires in {days} day(s), on {date}.",
    hint: "Create its replacement at https://openrouter.ai/settings/keys and put it in .env.{environment} before then.",
  },
  "key.expired": {
    message: "The key ({label}) expired on {date}.",
    hint: "Create a new key at https://openrouter.ai/settings/keys and put it in .env.{environment}.",
  },
  "key.management": {
    message: "This is a management key: it manages other keys but cannot run completions.",
    hint: "Create an ordinary API key at https://openrouter.ai/settings/keys and use that instead.",
  },
  "key.unexpected": {
    message: "{url} answered without key details.",
    hint: "Check that OPENROUTER_BASE_URL points at OpenRouter (https://openrouter.ai/api/v1).",
  },
  "credits.ok": {
    message: "{remaining} of {limit} USD left{reset}.",
    hint: null,
  },
  "credits.exhausted": {
    message: "No credit left on this key: {remaining} of {limit} USD remaining.",
    hint: "Add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/settings/keys.",
  },
  "credits.no_limit": {
    message: "The key has no credit limit.",
    hint: "Set one on every key at https://openrouter.ai/settings/keys ({environment}: {credit_limit}), so a leaked or looping key cannot spend without bound.",
  },
  "credits.above_policy": {
    message: "The key's credit limit ({limit} USD) is above the {ceiling} USD suggested for {environment}.",
    hint: "Lower it at https://openrouter.ai/settings/keys: a {environment} key should not be able to spend more ({credit_limit}).",
  },
  "model.ok": {
    message: "{model} is served by {count} provider endpoint(s).",
    hint: null,
  },
  "model.unknown": {
    message: "OpenRouter has no model {model}.",
    hint: "Pick a model id (author/slug) from https://openrouter.ai/models and set OPENROUTER_MODEL in .env.{environment}.",
  },
  "model.unroutable": {
    message: "{model} exists, but no provider serves it right now.",
    hint: "Try again later, or choose another model from https://openrouter.ai/models.",
  },
  "chat.ok": {
    message: "{model} answered a 1-token completion.",
    hint: null,
  },
  "chat.not_run": {
    message: "Not run: --chat sends one 1-token completion with {model} (it spends a tiny amount of credit).",
    hint: null,
  },
  "skip.preflight": {
    message: "Not run: fix the configuration above first.",
    hint: null,
  },
  "skip.unreachable": {
    message: "Not run: OpenRouter could not be reached.",
    hint: null,
  },
  "skip.key_failed": {
    message: "Not run: the key check failed.",
    hint: null,
  },
  "http.400": {
    message: "OpenRouter refused the request (HTTP 400): {detail}",
    hint: "Check OPENROUTER_MODEL and the request parameters.",
  },
  "http.401": {
    message: "OpenRouter rejected the key (HTTP 401): {detail}",
    hint: "Check that the key starts with sk-or-v1-, has no spaces or quotes around it, was not revoked or expired (https://openrouter.ai/settings/keys), and sits in .env.{environment} without an exported OPENROUTER_API_KEY overriding it.",
  },
  "http.402": {
    message: "Not enough credits (HTTP 402): {detail}",
    hint: "Add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/settings/keys.",
  },
  "http.403": {
    message: "OpenRouter refused access (HTTP 403): {detail}",
    hint: "The key may lack access to this, or a moderation or guardrail rule blocked it; check the key at https://openrouter.ai/settings/keys.",
  },
  "http.404": {
    message: "Not found (HTTP 404): {detail}",
    hint: "Check OPENROUTER_BASE_URL (https://openrouter.ai/api/v1) and OPENROUTER_MODEL.",
  },
  "http.408": {
    message: "OpenRouter timed out (HTTP 408): {detail}",
    hint: "Try again; if it keeps happening, check https://status.openrouter.ai.",
  },
  "http.429": {
    message: "Rate limited (HTTP 429): {detail} ({limits})",
    hint: "Wait {wait} before trying again; retries will not help sooner. Free models allow 20 requests a minute and a daily cap that 10 USD of credits raises.",
  },
  "http.5xx": {
    message: "OpenRouter or the model's provider is failing (HTTP {status}): {detail}",
    hint: "This is not your configuration. Check https://status.openrouter.ai, try again in a few minutes, or try another model.",
  },
  "http.other": {
    message: "OpenRouter answered HTTP {status}: {detail}",
    hint: null,
  },
  "verdict.pass": {
    message: "All checks passed for {environment}.",
    hint: null,
  },
  "verdict.warn": {
    message: "Passed for {environment}, with {count} warning(s): read the hints above.",
    hint: null,
  },
  "verdict.fail": {
    message: "{count} check(s) failed for {environment}: fix the first one above and run verify again.",
    hint: null,
  },
  "verdict.config": {
    message: "verify stopped before contacting OpenRouter: fix the configuration above and run it again.",
    hint: null,
  },
  "usage.timeout": {
    message: "--timeout must be a number of seconds above 0.",
    hint: null,
  },
  "usage.port": {
    message: "--port must be a port number from 1 to 65535.",
    hint: null,
  },
  "starter.stream_error": {
    message: "The model stopped with an error mid-reply: {detail}",
    hint: "The provider failed after it had started answering, when OpenRouter can no longer fall back. Try again, or use another model.",
  },
  "login.open": {
    message: "Sign in to OpenRouter and approve a key for {environment} in your browser:",
    hint: null,
  },
  "login.waiting": {
    message: "Waiting for the browser at {callback_url} (up to {timeout} s; Ctrl-C cancels).",
    hint: null,
  },
  "login.page": {
    message: "Signed in. You can close this tab and go back to the terminal.",
    hint: null,
  },
  "login.page_failed": {
    message: "Sign-in did not complete. Go back to the terminal for details.",
    hint: null,
  },
  "login.no_browser": {
    message: "Could not open a browser.",
    hint: "Run {login_command} and open the printed URL in a browser on this machine.",
  },
  "login.port_taken": {
    message: "Port {port} on 127.0.0.1 is already in use.",
    hint: "Choose another with --port, or leave --port out to use a free one.",
  },
  "login.denied": {
    message: "Sign-in was not completed: {detail}.",
    hint: "Start over with {login_command} and approve the request in the browser.",
  },
  "login.no_code": {
    message: "The browser came back without an authorization code.",
    hint: "Start over with {login_command} and approve the request in the browser.",
  },
  "login.exchange_failed": {
    message: "OpenRouter did not exchange the code for a key (HTTP {status}): {detail}",
    hint: "Codes work once and expire quickly: start over with {login_command}.",
  },
  "login.timeout": {
    message: "No answer from the browser within {timeout} s.",
    hint: "Start over with {login_command} and finish signing in, or raise --timeout.",
  },
  "login.key_exists": {
    message: "{file} already holds a key; it was left as it is.",
    hint: "Run {login_command} to replace it (revoke the old key at https://openrouter.ai/settings/keys afterwards).",
  },
  "login.saved": {
    message: "Saved the new key to {file} (mode 600). Checking it:",
    hint: null,
  },
  "login.overridden": {
    message: "An exported OPENROUTER_API_KEY overrides the new key in {file} until you unset it.",
    hint: null,
  },
} satisfies Record<string, { message: string; hint: string | null }>;
export type MessageId = keyof typeof MESSAGES;

const PLACEHOLDER = /\{(\w+)\}/g;

/** The catalog's text for id, with its placeholders filled in (unknown ones stay as they are). */
export function say(id: MessageId, values: Readonly<Record<string, unknown>> = {}): Text {
  const { message, hint } = MESSAGES[id];
  return new Text(fill(message, values), hint === null ? null : fill(hint, values));
}

/** Whether id names a text of the catalog, e.g. `http.${status}`. */
export function isMessageId(id: string): id is MessageId {
  return Object.hasOwn(MESSAGES, id);
}

function fill(text: string, values: Readonly<Record<string, unknown>>): string {
  return text.replace(PLACEHOLDER, (placeholder, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : placeholder,
  );
}
