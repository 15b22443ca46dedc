// Maintained by the OpenRouter app template: copier update replaces this file.
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

/** A problem only the user can fix: the catalog's text about it, and the exit status. */
export class Problem extends Error {
  readonly text: Text;
  readonly status: number;

  constructor(text: Text, status = 2) {
    super(text.message);
    this.name = "Problem";
    this.text = text;
    this.status = status;
  }
}

/** The key policy of one environment. */
export interface Policy {
  readonly creditLimit: string;
  readonly limitUsd: number | null;
  readonly rotation: string;
  readonly expiresDays: number | null;
}

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
export const KEY_PREFIX = "sk-or-v1-";
/** A whole key that looks real; any other length only warns. */
export const KEY_PATTERN = /^(?:sk-or-v1-[0-9a-f]{64})$/;
/** Matches the part after the prefix of a key that was never real. */
export const KEY_PLACEHOLDER =
  /^$|^(.)\1*$|\.\.\.|…|[<>*]|xxxx|your|here|placeholder|example|change|replace|insert|paste/iu;
export const EXPIRY_WARNING_DAYS = 14;
/** The most bytes read of one answer: a JSON body, or one line of a stream. */
export const MAX_ANSWER_BYTES = 1048576;
/** The most bytes read of an env file, and of a key file: a larger one is refused. */
export const MAX_ENV_FILE_BYTES = 1048576;
export const MAX_KEY_FILE_BYTES = 65536;
/** Numbers in an answer at or above this are garbage, read as absent. */
export const LARGEST_NUMBER = 1000000000000000;
/** The seconds verify --timeout accepts, least and most. */
export const TIMEOUT_RANGE = [0.001, 86400] as const;
export const CHAT_CHECK_TOKENS = 16;
export const DEFAULT_MAX_TOKENS = 1024;
export const APP_CATEGORIES: readonly string[] = [
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
];
export const MAX_CATEGORIES = 2;
/** HTTP-Referer hosts (and their subdomains) that every placeholder app sends. */
export const PLACEHOLDER_HOSTS = ["example.com", "example.net", "example.org"] as const;

/** The page login's callback answers the browser with; {placeholders} as in say(). */
export const LOGIN_PAGE = [
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
].join("\n");
/** Names a file that holds the key, instead of OPENROUTER_API_KEY (secret mounts). */
export const KEY_FILE_VARIABLE = "OPENROUTER_API_KEY_FILE";

export const VARIABLES = [
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
] as const;
export type Variable = (typeof VARIABLES)[number];

/** The values a setting may take (anything else is a configuration error naming them). */
export const CHOICES: Readonly<Record<string, readonly string[]>> = {
  OPENROUTER_PROVIDER_SORT: ["price", "throughput", "latency"],
  OPENROUTER_DATA_COLLECTION: ["allow", "deny"],
  OPENROUTER_ZDR: ["true", "false"],
};

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
    expiresDays: null,
  },
  staging: {
    creditLimit: "20-50 USD",
    limitUsd: 50,
    rotation: "when needed, and immediately after any suspected exposure",
    expiresDays: null,
  },
  production: {
    creditLimit: "set by your budget, with usage monitored at https://openrouter.ai/activity",
    limitUsd: null,
    rotation: "every 90 days, and immediately after any suspected exposure",
    expiresDays: 90,
  },
} satisfies Record<string, Policy>;

// biome-ignore format: the catalog's layout, one text per line however long it is
export const MESSAGES = {
  "config.ok": {
    message: "Environment {environment} ({selected_by}); read {files}; key from {key_source}.",
    hint: null,
  },
  "config.no_key": {
    message: "Environment {environment} ({selected_by}); read {files}; no key is set.",
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
  "config.placeholder_referer": {
    message: "OPENROUTER_HTTP_REFERER ({referer}) is a placeholder: OpenRouter counts every app that sends it as one app.",
    hint: "Set OPENROUTER_HTTP_REFERER to your app's own URL (its site or its repository) in .env.{environment}, or in .env for every environment.",
  },
  "config.unknown_category": {
    message: "OpenRouter does not know the app category {categories} in OPENROUTER_APP_CATEGORIES: it drops unknown categories without a word.",
    hint: "Use OpenRouter's own: {known}.",
  },
  "config.too_many_categories": {
    message: "OPENROUTER_APP_CATEGORIES lists {count} categories; OpenRouter takes at most {most} per request and may then drop them all.",
    hint: "Keep the {most} that describe the app best.",
  },
  "config.max_tokens": {
    message: "OPENROUTER_MAX_TOKENS ({value}) is not a whole number of tokens from 1 up.",
    hint: "Set it to the most tokens a reply may use, e.g. OPENROUTER_MAX_TOKENS={default}, or remove it to use {default}.",
  },
  "config.bad_choice": {
    message: "{variable} ({value}) is not one of: {allowed}.",
    hint: "Set {variable} to one of {allowed} in .env.{environment}, or leave it empty for OpenRouter's default.",
  },
  "config.fallback_models": {
    message: "OPENROUTER_FALLBACK_MODELS ({value}) is not a comma-separated list of model ids.",
    hint: "List model ids (author/slug, no spaces) separated by commas, e.g. OPENROUTER_FALLBACK_MODELS=anthropic/claude-haiku-4.5,google/gemini-2.5-flash; or leave it empty for no fallbacks.",
  },
  "key_format.ok": {
    message: "{masked} from {key_source}",
    hint: null,
  },
  "key_format.missing": {
    message: "OPENROUTER_API_KEY is not set for {environment}.",
    hint: "Paste a key created at https://openrouter.ai/settings/keys (give it a credit limit) after OPENROUTER_API_KEY= in .env.{environment}, or run {login_command}.",
  },
  "key_format.missing_copy": {
    message: "OPENROUTER_API_KEY is not set for {environment}.",
    hint: "Copy the example without overwriting anything (cp -n .env.{environment}.example .env.{environment}), then paste a key created at https://openrouter.ai/settings/keys (give it a credit limit) after OPENROUTER_API_KEY=; or run {login_command}.",
  },
  "key_format.missing_file": {
    message: "OPENROUTER_API_KEY is not set for {environment}.",
    hint: "Create .env.{environment} holding OPENROUTER_API_KEY= and a key created at https://openrouter.ai/settings/keys (give it a credit limit), or run {login_command}.",
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
  "reachability.too_large": {
    message: "{host} sent an answer (or a line of a stream) larger than 1 MiB; it was not read further.",
    hint: "OpenRouter's answers are small: check OPENROUTER_BASE_URL and any proxy in between.",
  },
  "reachability.malformed": {
    message: "{url} answered HTTP {status} with malformed JSON.",
    hint: "OpenRouter does not answer like this: check OPENROUTER_BASE_URL and any proxy in between, then try again.",
  },
  "key.ok": {
    message: "OpenRouter accepted the key ({label}).",
    hint: null,
  },
  "key.expiring": {
    message: "The key ({label}) expires in {days} day(s), on {date}.",
    hint: "Create its replacement at https://openrouter.ai/settings/keys and put it in .env.{environment} before then (this key: https://openrouter.ai/keys/{key_hash}).",
  },
  "key.expired": {
    message: "The key ({label}) expired on {date}.",
    hint: "Create a new key at https://openrouter.ai/settings/keys and put it in .env.{environment} (the expired key: https://openrouter.ai/keys/{key_hash}).",
  },
  "key.free_tier": {
    message: "This account has never bought credits (free tier): paid models refuse it with HTTP 402.",
    hint: "Buy credits at https://openrouter.ai/settings/credits, or use a free model (an id ending in :free).",
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
    hint: "Add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/keys/{key_hash} (what it spent: https://openrouter.ai/logs?api_key_hash={key_hash}).",
  },
  "credits.no_limit": {
    message: "The key has no credit limit.",
    hint: "Set one on every key ({environment}: {credit_limit}) at https://openrouter.ai/keys/{key_hash}, so a leaked or looping key cannot spend without bound.",
  },
  "credits.above_policy": {
    message: "The key's credit limit ({limit} USD) is above the {ceiling} USD suggested for {environment}.",
    hint: "Lower it at https://openrouter.ai/keys/{key_hash}: a {environment} key should not be able to spend more ({credit_limit}).",
  },
  "credits.usage": {
    message: "Spent {daily} USD today and {monthly} USD this month (UTC).",
    hint: null,
  },
  "model.ok": {
    message: "{model} is served by {count} working provider endpoint(s).",
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
  "model.router": {
    message: "{model} is a router: OpenRouter picks the model for each request.",
    hint: null,
  },
  "model.alias": {
    message: "{model} resolves to {target}.",
    hint: null,
  },
  "model.variant_not_found": {
    message: "OpenRouter's model lookup does not know {model}, but it resolves some :variants only when they are used.",
    hint: "Run verify with --chat to be sure (it spends a tiny amount of credit), or pick a model at https://openrouter.ai/models.",
  },
  "model.down": {
    message: "{model} has {listed} provider endpoint(s), but none is working right now: requests to it fail.",
    hint: "Try again later, list fallback models in OPENROUTER_FALLBACK_MODELS (tried in order when this one fails), or choose another model at https://openrouter.ai/models.",
  },
  "model.expiring": {
    message: "OpenRouter may remove {model} after {date} (its expiration date).",
    hint: "Choose its successor at https://openrouter.ai/models and set OPENROUTER_MODEL in .env.{environment} before then.",
  },
  "model.unknown_fallback": {
    message: "OpenRouter has no model {model} (a fallback in OPENROUTER_FALLBACK_MODELS).",
    hint: "Pick model ids (author/slug) from https://openrouter.ai/models for OPENROUTER_FALLBACK_MODELS in .env.{environment}, or remove {model} from it.",
  },
  "chat.ok": {
    message: "{model} answered a {tokens}-token completion.",
    hint: null,
  },
  "chat.not_run": {
    message: "Not run: --chat also sends one {tokens}-token completion (it spends a tiny amount of credit).",
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
    hint: "Check that the key starts with sk-or-v1-, has no spaces or quotes around it, was not revoked or expired (https://openrouter.ai/keys/{key_hash}), and sits in .env.{environment} without an exported OPENROUTER_API_KEY overriding it.",
  },
  "http.402": {
    message: "Not enough credits (HTTP 402): {detail}",
    hint: "OpenRouter sets aside max_tokens times the model's price before it answers: lower max_tokens (the starter sends OPENROUTER_MAX_TOKENS), add credits at https://openrouter.ai/settings/credits, or raise this key's credit limit at https://openrouter.ai/keys/{key_hash} (what it spent: https://openrouter.ai/logs?api_key_hash={key_hash}).",
  },
  "http.403": {
    message: "OpenRouter refused access (HTTP 403): {detail}",
    hint: "The key may lack access to this, or a moderation or guardrail rule blocked it; check the key at https://openrouter.ai/settings/keys.",
  },
  "http.404": {
    message: "Not found (HTTP 404): {detail}",
    hint: "Check OPENROUTER_BASE_URL (https://openrouter.ai/api/v1) and OPENROUTER_MODEL.",
  },
  "http.data_policy": {
    message: "No provider may serve this under your account's data policy (HTTP 404): {detail}",
    hint: "Allow more providers in your privacy settings at https://openrouter.ai/settings/privacy (training on prompts, data retention), or choose another model.",
  },
  "http.408": {
    message: "OpenRouter timed out (HTTP 408): {detail}",
    hint: "Try again; if it keeps happening, check https://status.openrouter.ai.",
  },
  "http.429": {
    message: "Rate limited (HTTP 429): {detail} ({limits})",
    hint: "Wait {wait} before trying again; retries will not help sooner. OpenRouter's limits are global: more keys or accounts do not raise them.",
  },
  "http.429_free": {
    message: "The free-model limit is reached (HTTP 429): {detail} ({limits})",
    hint: "Models whose id ends in :free allow 20 requests a minute and 50 a day, or 1000 a day once the account has bought at least 10 USD of credits (https://openrouter.ai/settings/credits). Wait {wait}, or use the paid variant ({paid}), which has no such cap.",
  },
  "http.429_provider": {
    message: "The model's provider{provider} is rate limiting it (HTTP 429): {detail} ({limits})",
    hint: "This is the provider's limit, not your key's: try again in {wait}, list fallback models in OPENROUTER_FALLBACK_MODELS (OpenRouter tries them in order when one is limited), or add your own provider key at https://openrouter.ai/settings/integrations.",
  },
  "http.key_limit": {
    message: "This key's own credit limit{limit} is used up (HTTP {status}): {detail}",
    hint: "{resets}. Raise or remove the key's limit at https://openrouter.ai/keys/{key_hash} (what it spent: https://openrouter.ai/logs?api_key_hash={key_hash}); adding credits to the account does not lift it.",
  },
  "http.redirect": {
    message: "{host} redirected the request to {origin} (HTTP {status}); it was not followed.",
    hint: "OpenRouter's API does not redirect: OPENROUTER_BASE_URL is wrong (use https://openrouter.ai/api/v1), or a proxy in between redirects.",
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
    message: "--timeout must be a number of seconds from {least} to {most}.",
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
  "envfile.unreadable": {
    message: "{file} cannot be read: {reason}.",
    hint: "Env files must be files you can read: fix the file's owner or mode (chmod 600 {file}), or move it out of the way.",
  },
  "envfile.too_large": {
    message: "{file} is larger than {limit} KiB: that is not an env file.",
    hint: "Env files hold a few variables: point the project at the right file, or move this one out of the way.",
  },
  "envfile.not_utf8": {
    message: "{file} is not UTF-8 text: the first bad byte is at offset {offset}.",
    hint: "Save it again as UTF-8 (editors offer the encoding when saving); env files hold plain text.",
  },
  "envfile.not_private": {
    message: "{files} can be read by other users and could not be made private: another user owns it, or its filesystem is read-only.",
    hint: "Have its owner run chmod 600 on it, or keep the key in a file only this user can read and point OPENROUTER_API_KEY_FILE at it.",
  },
  "envfile.unwritable_value": {
    message: "The key holds characters that no env file can quote so that it reads back whole.",
    hint: "Check the key: OpenRouter keys are sk-or-v1- followed by 64 hex characters.",
  },
  "envfile.key_unreadable_after_write": {
    message: "{file} would not read back the new key: its OPENROUTER_API_KEY line sits inside a quoted value that spans several lines.",
    hint: "Close the quote above that line, or move the line out of the quoted value, then run the command again.",
  },
  "envfile.unwritable": {
    message: "{file} could not be written: {reason}.",
    hint: "It was left as it was. Check the directory's permissions and free space, then run the command again.",
  },
  "key_file.unreadable": {
    message: "{variable} ({path}, set in {source}) cannot be read: {reason}.",
    hint: "Point {variable} at the file that holds the key (a mounted secret, say), or unset it and set OPENROUTER_API_KEY instead.",
  },
  "key_file.not_utf8": {
    message: "{variable} ({path}, set in {source}) is not UTF-8 text: the first bad byte is at offset {offset}.",
    hint: "A key file holds the key alone, as plain text: sk-or-v1-... and at most a final newline.",
  },
  "key_file.too_large": {
    message: "{variable} ({path}, set in {source}) is larger than {limit} KiB: that is not a key file.",
    hint: "Point {variable} at the file that holds the key (a mounted secret, say), or unset it and set OPENROUTER_API_KEY instead.",
  },
  "key_file.empty": {
    message: "{variable} ({path}, set in {source}) is empty.",
    hint: "Put the key in it (sk-or-v1-...), or unset {variable} and set OPENROUTER_API_KEY instead.",
  },
  "starter.stream_cut": {
    message: "The reply from {host} stopped before the model finished: the connection was cut.",
    hint: "A network drop, a proxy's time limit or a restart at OpenRouter ends a stream early. Try again.",
  },
  "starter.stream_malformed": {
    message: "{host} sent a reply stream this app cannot read (an event that is not JSON).",
    hint: "Check that OPENROUTER_BASE_URL is OpenRouter's API (https://openrouter.ai/api/v1) and that no proxy rewrites the stream; {verify_command} checks the set-up.",
  },
  "precommit.key_found": {
    message: "{file}:{line}: an OpenRouter API key ({masked})",
    hint: "Remove it from the file: keys belong in .env.<environment> files, which git ignores. If it was ever pushed, revoke it at https://openrouter.ai/settings/keys.",
  },
  "precommit.unreadable": {
    message: "{file}: cannot be read ({reason}), so it cannot be checked for OpenRouter API keys",
    hint: null,
  },
  "login.open": {
    message: "Sign in to OpenRouter and approve a key for {environment} in your browser:",
    hint: null,
  },
  "login.open_headless": {
    message: "Open this URL in a browser on any device, sign in to OpenRouter and approve a key for {environment}:",
    hint: null,
  },
  "login.paste": {
    message: "Then paste the code OpenRouter shows here and press Enter: ",
    hint: null,
  },
  "login.waiting": {
    message: "Waiting for the browser at {callback_url} (up to {timeout} s; Ctrl-C cancels).",
    hint: null,
  },
  "login.no_browser": {
    message: "No browser could be opened here: open the URL above by hand, in a browser on this machine (the key comes back to 127.0.0.1). Still waiting.",
    hint: "On a remote machine (SSH, a container), stop with Ctrl-C and run {login_command} instead: you paste a code, nothing has to reach this machine.",
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
    message: "No authorization code was entered.",
    hint: "Start over with {login_command} and paste the code OpenRouter shows after you approve the request.",
  },
  "login.bad_code": {
    message: "That is not an authorization code: it holds spaces or control characters.",
    hint: "Start over with {login_command} and paste only the code OpenRouter shows.",
  },
  "login.code_too_long": {
    message: "That is not an authorization code: the line is longer than {limit} KiB.",
    hint: "Start over with {login_command} and paste only the code OpenRouter shows.",
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
    message: "An exported {variable} overrides the new key in {file} until you unset it: the app would use that key; the new one is checked below.",
    hint: "Unset it (unset {variable}) to use the key in {file}.",
  },
  "login.not_writable": {
    message: "{file} cannot be written: {reason}. Nothing was sent to OpenRouter.",
    hint: "Make {file} a file you may write (or remove what is in the way), then run {command} again.",
  },
  "login.file_is_directory": {
    message: "it is a directory",
    hint: null,
  },
  "login.file_read_only": {
    message: "it is read-only",
    hint: null,
  },
  "login.directory_read_only": {
    message: "its directory is not writable",
    hint: null,
  },
  "login.directory_missing": {
    message: "its directory does not exist",
    hint: null,
  },
  "login.interrupted": {
    message: "Interrupted.",
    hint: null,
  },
  "login.save_failed": {
    message: "The new key {name} exists on your account but could not be saved to {file}: {detail}",
    hint: "{file} was left as it was. Delete the key at https://openrouter.ai/settings/keys (named {name}, hash {hash}), fix the file, then start over with {command}.",
  },
  "login.page_signed_in": {
    message: "Signed in to OpenRouter",
    hint: "{app_title} has a new OpenRouter key for {environment}. It was saved to .env.{environment} and is never shown, here or in the terminal.",
  },
  "login.page_signed_in_next": {
    message: "You can close this tab: the terminal is checking the key now. To check it again later, run:",
    hint: null,
  },
  "login.page_failed": {
    message: "Sign-in did not complete",
    hint: "{detail} Nothing was saved to .env.{environment}.",
  },
  "login.page_failed_next": {
    message: "Go back to the terminal for details. To start over, run:",
    hint: null,
  },
  "login.page_ignored": {
    message: "This address only receives OpenRouter's sign-in callback.",
    hint: null,
  },
  "output.unwritable": {
    message: "Could not write to standard output: {reason}.",
    hint: "Send the output somewhere that can take it (a file on a disk with free space, a pipe that reads it all).",
  },
  "keys.no_management_key": {
    message: "OPENROUTER_MANAGEMENT_KEY is not set.",
    hint: "The keys command needs a management key: create one at https://openrouter.ai/settings/management-keys and export it in your shell (or put it in .env on your own machine; never in .env.<environment>, a deployed app or its CI secrets).",
  },
  "keys.bad_management_key": {
    message: "OPENROUTER_MANAGEMENT_KEY ({masked}) does not look like a key.",
    hint: "Copy it again from https://openrouter.ai/settings/management-keys: it starts with sk-or-v1- and holds no spaces or quotes.",
  },
  "keys.management_refused": {
    message: "OpenRouter refused the management key (HTTP {status}): {detail}",
    hint: "OPENROUTER_MANAGEMENT_KEY must be a management key from https://openrouter.ai/settings/management-keys; an ordinary API key cannot manage keys.",
  },
  "keys.limit_required": {
    message: "{environment} has no suggested credit limit: choose one with --limit USD.",
    hint: "Set it from your budget, e.g. {command}.",
  },
  "keys.bad_limit": {
    message: "--limit must be an amount of USD above 0 and at most 1000000, with at most 2 decimals, e.g. --limit 25.",
    hint: null,
  },
  "keys.key_exists": {
    message: "{file} already holds a key; it was left as it is, and no key was created.",
    hint: "Run {command} to replace it with a successor and delete the old key, or {force_command} to replace it and keep the old key.",
  },
  "keys.created": {
    message: "Created {name} (credit limit: {limit}{expiry}) and saved it to {file} (mode 600). Checking it:",
    hint: null,
  },
  "keys.expiry": {
    message: ", expires {date}",
    hint: null,
  },
  "keys.bad_answer": {
    message: "OpenRouter answered {url} without {what}.",
    hint: "Check that OPENROUTER_BASE_URL points at OpenRouter (https://openrouter.ai/api/v1), and try again.",
  },
  "keys.create_unsaved": {
    message: "The new key could not be saved to {file} ({detail}), so it was deleted again.",
    hint: "Fix the file, then run {command} again.",
  },
  "keys.create_unsaved_left": {
    message: "The new key could not be saved to {file} ({detail}), nor deleted again: {reason}",
    hint: "Delete it at https://openrouter.ai/keys/{hash}, fix the file, then run {command} again.",
  },
  "keys.no_key_to_rotate": {
    message: "{file} holds no key to rotate.",
    hint: "Create one with {command}.",
  },
  "keys.unknown_key": {
    message: "The key in {file} ({masked}) is not one of this account's keys.",
    hint: "It was deleted, or it belongs to another account. Replace it with {command}.",
  },
  "keys.exported_key": {
    message: "An exported {variable} overrides {file}: verify would check that key instead of the new one.",
    hint: "Unset it (unset {variable}) and run {command} again.",
  },
  "keys.successor_saved": {
    message: "Created {name} (credit limit: {limit}{expiry}); checking it before it replaces the old key {old_name} in {file}:",
    hint: null,
  },
  "keys.rotated": {
    message: "Rotated {environment}: {file} holds {name}, which works, and the old key {old_name} was deleted.",
    hint: null,
  },
  "keys.successor_failed": {
    message: "The new key {name} failed verification: {file} still holds the old key {old_name}, which works.",
    hint: "Read the report above, fix what it says, then run {command} again.",
  },
  "keys.successor_deleted": {
    message: "The new key {name} was deleted.",
    hint: null,
  },
  "keys.successor_left": {
    message: "The new key {name} could not be deleted: {detail}",
    hint: "Delete it at https://openrouter.ai/keys/{hash}.",
  },
  "keys.old_left": {
    message: "{file} holds the new key {name}, which works, but the old key {old_name} could not be deleted: {detail}",
    hint: "Delete it at https://openrouter.ai/keys/{hash}: until then it keeps working.",
  },
  "keys.compromised_deleted": {
    message: "Deleted the exposed key {old_name}: it no longer works.",
    hint: null,
  },
  "keys.compromised_unsaved": {
    message: "The exposed key was deleted, but its successor could not be created or saved: {file} holds no working key.",
    hint: "Run {command} to create one.",
  },
  "keys.interrupted_creating": {
    message: "Interrupted before a new key was saved: {file} was not changed.",
    hint: "A new key may have been created all the same: {list_command} shows it without an env file; delete it at https://openrouter.ai/keys.",
  },
  "keys.interrupted_verifying": {
    message: "Interrupted while the new key was checked: {file} still holds the old key {old_name}, which works.",
    hint: "The unchecked new key {name} still exists: delete it at https://openrouter.ai/keys/{hash}, then run {command} again.",
  },
  "keys.interrupted_deleting": {
    message: "Interrupted while the old key was deleted: {file} holds the new key {name}, which works.",
    hint: "The old key {old_name} may still exist: check https://openrouter.ai/keys/{hash} and delete it there.",
  },
  "keys.interrupted_compromised": {
    message: "Interrupted after the exposed key was deleted: {file} holds no working key.",
    hint: "Run {command} to create one.",
  },
  "keys.interrupted": {
    message: "Interrupted.",
    hint: null,
  },
  "keys.management_key_readable": {
    message: "{files} holds OPENROUTER_MANAGEMENT_KEY and can be read by other users; it could not be made private: another user owns it, or its filesystem is read-only.",
    hint: "Have its owner run chmod 600 on it, or export OPENROUTER_MANAGEMENT_KEY in your shell instead of keeping it in a file.",
  },
  "keys.none": {
    message: "No keys named {prefix}* on this account.",
    hint: "Create one with {command}.",
  },
  "keys.guarded": {
    message: "Guardrail {name}: only {models}; a budget of {limit}{zdr}. {key_name} is assigned to it: a leaked key can spend on nothing else, and no more.",
    hint: null,
  },
  "keys.guard_zdr": {
    message: "; zero data retention enforced",
    hint: null,
  },
  "keys.no_key_to_guard": {
    message: "{file} holds no key to guard.",
    hint: "Create one with {command}: it is guarded as it is made.",
  },
  "keys.guard_failed": {
    message: "{name} works, but its guardrail could not be set: {detail}",
    hint: "Run {command} once OpenRouter answers: until then the key may spend on any model.",
  },
  "keys.successor_unguarded": {
    message: "The new key {name} could not be guarded: {detail} {file} still holds the old key {old_name}, which works.",
    hint: "Run {command} again once OpenRouter answers, or {no_guard} to rotate without a guardrail.",
  },
  "keys.bad_zdr": {
    message: "OPENROUTER_ZDR must be true or false.",
    hint: "Fix it in the env file (or unset it), then run {command}.",
  },
  "keys.file_changed": {
    message: "{file} no longer holds the old key {old_name}: it changed during the rotation (a login --force?), so it was left as it is.",
    hint: "The new key was not needed and is deleted. Run {command} again to rotate the key it holds now.",
  },
  "key.no_guardrail": {
    message: "The {environment} key has no guardrail: a leaked copy could spend on any model, up to the key's own limit.",
    hint: "Run {command}: it allows only the configured models and caps the monthly budget.",
  },
  "key.unguarded_model": {
    message: "The key's guardrail {name} does not allow {model}: OpenRouter refuses it (HTTP 403).",
    hint: "Run {command} to allow the configured models.",
  },
  "key.guardrail": {
    message: "Guardrail {name}.",
    hint: null,
  },
  "key.no_expiry": {
    message: "The production key never expires: the policy rotates production keys every 90 days.",
    hint: "Replace it with {command}: keys the keys command makes expire after 90 days.",
  },
  "key.guardrail_unknown": {
    message: "The key's guardrail could not be checked: {detail}",
    hint: "OPENROUTER_MANAGEMENT_KEY is set, so verify asks which guardrail the key has; check that key.",
  },
} satisfies Record<string, { message: string; hint: string | null }>;
export type MessageId = keyof typeof MESSAGES;

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * The catalog's text for id, with its placeholders filled in (unknown ones stay as they are).
 *
 * Every value passes printable(): what a server or a file said never reaches a terminal raw.
 */
export function say(id: MessageId, values: Readonly<Record<string, unknown>> = {}): Text {
  const { message, hint } = MESSAGES[id];
  const safe = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, printable(String(value))]),
  );
  return new Text(fill(message, safe), hint === null ? null : fill(hint, safe));
}

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * Text from outside (a server, a file) made inert for a terminal, in human output and JSON.
 *
 * Control characters (escape sequences among them), format characters (bidi overrides and
 * isolates, zero-width characters, byte-order marks), line and paragraph separators and lone
 * surrogates are shown escaped, as \u001b or \u{e0001}: visible, unable to steer the terminal,
 * the same in both languages.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Whether id names a text of the catalog, e.g. `http.${status}`. */
export function isMessageId(id: string): id is MessageId {
  return Object.hasOwn(MESSAGES, id);
}

/** The text with its {placeholders} filled in, in one pass (values are not filled again). */
export function fill(text: string, values: Readonly<Record<string, unknown>>): string {
  return text.replace(PLACEHOLDER, (placeholder, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : placeholder,
  );
}
