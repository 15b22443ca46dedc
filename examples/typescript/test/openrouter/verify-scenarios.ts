// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * What verify must report in each situation a user can be in.
 *
 * Each scenario below sets up the fake OpenRouter, the env files and the command line; EXPECTED
 * (generated from the template's shared table, which the Python flavour uses too) says what verify
 * must then report: the eight checks' statuses (config, key_format, base_url, reachability, key,
 * credits, model, chat), the exit status, and a phrase the report must contain (Setup.expected()
 * fills in its {key_hash}).
 */

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  ALIAS,
  type FakeOpenRouter,
  MODEL,
  newKey,
  OPENAI_MODEL,
  ROUTER,
  StalledListener,
} from "./fake-server.ts";
import { closedPort } from "./fixtures.ts";

/** An app's own URL: every scenario's env file sends it, so config passes. */
export const REFERER = "https://github.com/acme/research-assistant";

/** What the scenarios need to know about the project under test. */
export interface Project {
  environment: string;
  environments: readonly string[];
  ceiling: number | null;
}

interface EnvOptions {
  /** Defaults to the fake's. */
  baseUrl?: string;
  /** Defaults to the environment's own .env.<environment>. */
  file?: string;
  more?: Record<string, string>;
}

/** One scenario's world: the fake, the project directory, the command line. */
export class Setup {
  readonly project: Project;
  readonly fake: FakeOpenRouter;
  readonly directory: string;
  readonly args: string[] = [];
  readonly env: Record<string, string> = {};
  /** The key in the environment's own env file. */
  key = "";
  /** A server that never finishes a TLS handshake. */
  stalled: StalledListener | null = null;

  constructor(project: Project, fake: FakeOpenRouter, directory: string) {
    this.project = project;
    this.fake = fake;
    this.directory = directory;
    if (project.environment === "production") {
      // Production keys expire by policy: one that never does is a warning of its own.
      fake.keyExpiresAt = inDays(60);
    }
  }

  /** Write the environment's env file: the key, the base URL, the referer and more. */
  writeEnv(key: string, { baseUrl, file, more = {} }: EnvOptions = {}): void {
    const values = {
      OPENROUTER_API_KEY: key,
      OPENROUTER_BASE_URL: baseUrl || this.fake.baseUrl,
      OPENROUTER_HTTP_REFERER: REFERER,
      ...more,
    };
    const text = Object.entries(values).map(([name, value]) => `${name}=${value}\n`);
    const ownFile = `.env.${this.project.environment}`;
    writeFileSync(join(this.directory, file || ownFile), text.join(""));
    if ((file || ownFile) === ownFile) {
      this.key = key;
    }
  }

  /** The phrase, with {key_hash} standing for the hash of the key verify uses. */
  expected(phrase: string): string {
    const key = this.env.OPENROUTER_API_KEY || this.key;
    return phrase.replaceAll("{key_hash}", createHash("sha256").update(key).digest("hex"));
  }

  /** Stop what the scenario started besides the fake. */
  async close(): Promise<void> {
    await this.stalled?.stop();
  }

  /** A key the fake accepts, within the environment's policy, in its env file. */
  goodKey(data: Record<string, unknown> = {}): string {
    const key = this.fake.addKey(undefined, { limit: 5.0, limit_remaining: 4.0, ...data });
    this.writeEnv(key);
    return key;
  }
}

export interface Scenario {
  name: string;
  prepare: (setup: Setup) => void | Promise<void>;
  statuses: string;
  exitCode: number;
  phrase: string;
  applies: (project: Project) => boolean;
}

// biome-ignore format: one scenario per line
const EXPECTED: Readonly<Record<string, readonly [statuses: string, exitCode: number, phrase: string]>> = {
  all_good: ["pass pass pass pass pass pass pass skip", 0, "--chat"],
  chat_ok: ["pass pass pass pass pass pass pass pass", 0, "16-token"],
  no_key: ["pass fail pass skip skip skip skip skip", 2, "no key is set"],
  placeholder_key: ["pass fail pass skip skip skip skip skip", 2, "placeholder"],
  openai_key: ["pass fail pass skip skip skip skip skip", 2, "sk-or-v1-"],
  whitespace_in_key: ["pass fail pass skip skip skip skip skip", 2, "whitespace"],
  quotes_in_key: ["pass fail pass skip skip skip skip skip", 2, "quote"],
  smart_dash_in_key: ["pass fail pass skip skip skip skip skip", 2, "non-ASCII"],
  malformed_base_url: ["pass pass fail skip skip skip skip skip", 2, "OPENROUTER_BASE_URL"],
  unknown_environment: ["fail skip skip skip skip skip skip skip", 2, "--env"],
  unusual_key_length: ["pass warn pass pass pass pass pass skip", 0, "64 hex"],
  expiring_key: ["pass pass pass pass warn pass pass skip", 0, "expires in"],
  no_credit_limit: ["pass pass pass pass pass warn pass skip", 0, "credit limit"],
  limit_above_policy: ["pass pass pass pass pass warn pass skip", 0, "suggested"],
  exported_key_overrides_file: ["warn pass pass pass pass pass pass skip", 0, "unset"],
  same_key_in_two_environments: ["warn pass pass pass pass pass pass skip", 0, "one key per environment"],
  revoked_key: ["pass pass pass pass fail skip pass skip", 1, "revoked"],
  management_key: ["pass pass pass pass fail skip pass skip", 1, "management key"],
  expired_key: ["pass pass pass pass fail skip pass skip", 1, "expired"],
  no_credit_left: ["pass pass pass pass pass fail pass skip", 1, "settings/credits"],
  chat_without_credits: ["pass pass pass pass pass pass pass fail", 1, "settings/credits"],
  forbidden: ["pass pass pass pass fail skip pass skip", 1, "HTTP 403"],
  unknown_model: ["pass pass pass pass pass pass fail skip", 1, "openrouter.ai/models"],
  unroutable_model: ["pass pass pass pass pass pass fail skip", 1, "no provider"],
  key_rate_limited: ["pass pass pass pass fail skip pass skip", 1, "Retry-After: 30"],
  chat_rate_limited: ["pass pass pass pass pass pass pass fail", 1, "Retry-After: 12"],
  chat_timed_out: ["pass pass pass pass pass pass pass fail", 1, "HTTP 408"],
  openrouter_outage: ["pass pass pass pass fail skip pass skip", 1, "status.openrouter.ai"],
  html_error_page: ["pass pass pass fail skip skip skip skip", 1, "status.openrouter.ai"],
  wrong_base_url: ["pass pass warn fail skip skip skip skip", 1, "/api/v1"],
  connection_refused: ["pass pass pass fail skip skip skip skip", 1, "refused"],
  unknown_host: ["pass pass warn fail skip skip skip skip", 1, "https"],
  tls_failure: ["pass pass pass fail skip skip skip skip", 1, "TLS"],
  server_never_answers: ["pass pass pass fail skip skip skip skip", 1, "did not answer within 1 s"],
  chat_with_openai_model: ["pass pass pass pass pass pass pass pass", 0, "16-token"],
  router_model: ["pass pass pass pass pass pass pass skip", 0, "a router"],
  alias_model: ["pass pass pass pass pass pass pass skip", 0, "resolves to openai/gpt-5.2"],
  variant_model: ["pass pass pass pass pass pass pass skip", 0, "provider endpoint"],
  variant_not_found: ["pass pass pass pass pass pass warn skip", 0, "resolves some :variants"],
  openai_org_and_project_exported: ["pass pass pass pass pass pass pass pass", 0, "16-token"],
  provisioning_key: ["pass pass pass pass fail skip pass skip", 1, "management key"],
  free_tier_key: ["pass pass pass pass warn pass pass skip", 0, "free tier"],
  key_expires_in_ten_days: ["pass pass pass pass warn pass pass skip", 0, "https://openrouter.ai/keys/{key_hash}"],
  usage_reported: ["pass pass pass pass pass pass pass skip", 0, "2.50 USD this month"],
  placeholder_referer: ["warn pass pass pass pass pass pass skip", 0, "counts every app"],
  unknown_category: ["warn pass pass pass pass pass pass skip", 0, "does not know the app category chatbot"],
  too_many_categories: ["warn pass pass pass pass pass pass skip", 0, "at most 2"],
  chat_blocked_by_data_policy: ["pass pass pass pass pass pass pass fail", 1, "privacy settings"],
  chat_needs_fewer_max_tokens: ["pass pass pass pass pass pass pass fail", 1, "OPENROUTER_MAX_TOKENS"],
  provider_rate_limited: ["pass pass pass pass pass pass pass fail", 1, "not your key's"],
  redirect_to_other_origin: ["pass pass pass fail skip skip skip skip", 1, "was not followed"],
  credits_page_of_the_key: ["pass pass pass pass pass fail pass skip", 1, "logs?api_key_hash={key_hash}"],
  max_tokens_not_a_number: ["fail skip skip skip skip skip skip skip", 2, "OPENROUTER_MAX_TOKENS"],
  no_key_in_env_file: ["pass fail pass skip skip skip skip skip", 2, "after OPENROUTER_API_KEY= in .env."],
  no_key_example_only: ["pass fail pass skip skip skip skip skip", 2, "cp -n .env."],
  unreachable_without_chat: ["pass pass pass fail skip skip skip skip", 1, "--chat also sends"],
  model_endpoint_down: ["pass pass pass pass pass pass pass skip", 0, "served by 1 working provider endpoint"],
  model_every_endpoint_down: ["pass pass pass pass pass pass fail skip", 1, "none is working"],
  model_to_be_removed: ["pass pass pass pass pass pass warn skip", 0, "after 2026-12-31"],
  chat_rate_limited_until_reset: ["pass pass pass pass pass pass pass fail", 1, "s (until 12:34:56 UTC, from X-RateLimit-Reset)"],
  chat_free_model_limit: ["pass pass pass pass pass pass pass fail", 1, "at least 10 USD of credits"],
  chat_provider_limit_suggests_fallbacks: ["pass pass pass pass pass pass pass fail", 1, "OPENROUTER_FALLBACK_MODELS"],
  chat_key_limit_exceeded: ["pass pass pass pass pass pass pass fail", 1, "It resets monthly, next on"],
  chat_key_limit_spent: ["pass pass pass pass pass fail pass fail", 1, "adding credits to the account does not lift it"],
  chat_moderated: ["pass pass pass pass pass pass pass fail", 1, "moderation"],
  gzip_bomb: ["pass pass pass fail skip skip skip skip", 1, "larger than 1 MiB"],
  nan_in_key_data: ["pass pass pass fail skip skip skip skip", 1, "malformed JSON"],
  huge_limit: ["pass pass pass pass pass warn pass skip", 0, "no credit limit"],
  stalled_tls_handshake: ["pass pass pass fail skip skip skip skip", 1, "did not answer within 1 s"],
  timeout_out_of_range: ["fail skip skip skip skip skip skip skip", 2, "from 0.001 to 86400"],
  key_from_a_key_file: ["pass pass pass pass pass pass pass skip", 0, "(OPENROUTER_API_KEY_FILE in .env."],
  hostile_error_message: ["pass pass pass pass fail skip pass skip", 1, "User not found.\\u001b]0;owned\\u0007\\u001b[8m"],
  hostile_key_label: ["pass pass pass pass pass pass pass skip", 0, "team\\u202egnp.exe\\u001b]0;owned\\u0007"],
  hostile_model_name: ["pass pass pass pass pass pass fail skip", 1, "acme/\\u001b[2Jmodel\\u2066"],
  fallback_models_checked: ["pass pass pass pass pass pass pass skip", 0, "anthropic/claude-haiku-4.5 is served by"],
  fallback_model_missing: ["pass pass pass pass pass pass fail skip", 1, "no model nobody/no-such-model (a fallback in OPENROUTER_FALLBACK_MODELS)"],
  chat_with_fallbacks_and_preferences: ["pass pass pass pass pass pass pass pass", 0, "16-token"],
  bad_provider_sort: ["fail skip skip skip skip skip skip skip", 2, "OPENROUTER_PROVIDER_SORT (cheapest) is not one of: price, throughput, latency"],
  bad_data_collection: ["fail skip skip skip skip skip skip skip", 2, "OPENROUTER_DATA_COLLECTION (never) is not one of: allow, deny"],
  bad_zdr: ["fail skip skip skip skip skip skip skip", 2, "OPENROUTER_ZDR (yes) is not one of: true, false"],
  bad_fallback_models: ["fail skip skip skip skip skip skip skip", 2, "OPENROUTER_FALLBACK_MODELS (a/b c/d) is not a comma-separated list"],
  key_echoed_in_long_error: ["pass pass pass pass fail skip pass skip", 1, "found. sk-or-v1-…"],
  production_key_without_a_guardrail: ["pass pass pass pass fail skip pass skip", 1, "guard --env production"],
  production_key_guarded: ["pass pass pass pass pass pass pass skip", 0, "Guardrail app-production"],
  guardrail_does_not_allow_the_model: ["pass pass pass pass fail skip pass skip", 1, "does not allow"],
  production_key_without_expiry: ["pass pass pass pass warn pass pass skip", 0, "never expires"],
};

export const SCENARIOS: Scenario[] = [];

/** Register prepare as the scenario of this name in EXPECTED. */
function scenario(
  name: string,
  prepare: Scenario["prepare"],
  applies: Scenario["applies"] = () => true,
): void {
  const expected = EXPECTED[name];
  if (expected === undefined) {
    throw new Error(`no expected results for the scenario ${name}`);
  }
  const [statuses, exitCode, phrase] = expected;
  SCENARIOS.push({ name, prepare, statuses, exitCode, phrase, applies });
}

/** The scenarios that make sense for this project's answers. */
export function scenariosFor(project: Project): Scenario[] {
  return SCENARIOS.filter((candidate) => candidate.applies(project));
}

/** The next 12:34:56 UTC at least a minute away, in ms since the epoch (X-RateLimit-Reset). */
function next123456Utc(): number {
  const now = new Date();
  let at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12, 34, 56);
  if (at < now.getTime() + 60_000) {
    at += 86_400_000;
  }
  return at;
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

// --- the key is fine, and so is everything else -------------------------------------

scenario("all_good", (setup) => {
  setup.goodKey();
});

scenario("chat_ok", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
});

// --- found offline: exit 2, nothing sent ----------------------------------------

scenario("no_key", (setup) => {
  setup.writeEnv("", { file: ".env" });
});

scenario("no_key_in_env_file", (setup) => {
  setup.writeEnv("");
});

scenario("no_key_example_only", (setup) => {
  setup.writeEnv("", { file: ".env" });
  const example = `.env.${setup.project.environment}.example`;
  writeFileSync(join(setup.directory, example), "OPENROUTER_API_KEY=\n");
});

scenario("placeholder_key", (setup) => {
  setup.writeEnv("sk-or-v1-...");
});

scenario("openai_key", (setup) => {
  setup.writeEnv(`sk-proj-${newKey().slice("sk-or-v1-".length)}`);
});

scenario("whitespace_in_key", (setup) => {
  setup.writeEnv(`"${newKey()} "`);
});

scenario("quotes_in_key", (setup) => {
  setup.writeEnv("");
  setup.env.OPENROUTER_API_KEY = `'${newKey()}'`;
});

scenario("smart_dash_in_key", (setup) => {
  setup.writeEnv(newKey().replace("-", "\u2010"));
});

scenario("malformed_base_url", (setup) => {
  setup.writeEnv(newKey(), { baseUrl: "openrouter.ai/api/v1" });
});

scenario("unknown_environment", (setup) => {
  setup.args.push("--env", "qa");
});

scenario("max_tokens_not_a_number", (setup) => {
  setup.writeEnv(newKey(), { more: { OPENROUTER_MAX_TOKENS: "lots" } });
});

scenario("timeout_out_of_range", (setup) => {
  setup.goodKey();
  setup.args.push("--timeout", "86401");
});

// --- warnings: exit 0 ------------------------------------------------------------

scenario("unusual_key_length", (setup) => {
  setup.writeEnv(setup.fake.addKey(`sk-or-v1-${"ab12".repeat(5)}`, { limit: 5.0 }));
});

scenario("expiring_key", (setup) => {
  setup.goodKey({ expires_at: inDays(3) });
});

scenario("key_expires_in_ten_days", (setup) => {
  setup.goodKey({ expires_at: inDays(10) });
});

scenario("free_tier_key", (setup) => {
  setup.goodKey({ is_free_tier: true });
});

scenario("usage_reported", (setup) => {
  setup.goodKey({ usage_daily: 0.25, usage_monthly: 2.5 });
});

scenario("placeholder_referer", (setup) => {
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.writeEnv(key, { more: { OPENROUTER_HTTP_REFERER: "https://www.example.org/my-app" } });
});

scenario("unknown_category", (setup) => {
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.writeEnv(key, { more: { OPENROUTER_APP_CATEGORIES: "cli-agent,chatbot" } });
});

scenario("too_many_categories", (setup) => {
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  const categories = "cli-agent,general-chat,roleplay";
  setup.writeEnv(key, { more: { OPENROUTER_APP_CATEGORIES: categories } });
});

// Numbers past any amount of money (400 digits, 1e400) read as absent: no limit.
scenario("huge_limit", (setup) => {
  setup.goodKey();
  const limits = `"limit": 1${"0".repeat(400)}, "limit_remaining": 1e400`;
  const expiry = `, "expires_at": "${inDays(60)}"`; // a production key by policy
  setup.fake.rawJson("/api/v1/key", `{"data": {"label": "x", ${limits}, "usage": 0${expiry}}}`);
});

scenario("no_credit_limit", (setup) => {
  setup.goodKey({ limit: null, limit_remaining: null });
});

scenario(
  "limit_above_policy",
  (setup) => {
    setup.goodKey({ limit: (setup.project.ceiling ?? 0) + 15, limit_remaining: 1.0 });
  },
  (project) => project.ceiling !== null,
);

scenario("exported_key_overrides_file", (setup) => {
  setup.goodKey();
  setup.env.OPENROUTER_API_KEY = setup.fake.addKey(undefined, { limit: 5.0 });
});

scenario(
  "same_key_in_two_environments",
  (setup) => {
    const key = setup.goodKey();
    const other = setup.project.environments.find((name) => name !== setup.project.environment);
    setup.writeEnv(key, { file: `.env.${other}` });
  },
  (project) => project.environments.length > 1,
);

// --- the key or the account ------------------------------------------------------

scenario("revoked_key", (setup) => {
  setup.writeEnv(newKey());
});

scenario("management_key", (setup) => {
  setup.goodKey({ is_management_key: true });
});

// A management key that /key reports only with the deprecated flag.
scenario("provisioning_key", (setup) => {
  setup.goodKey({ is_management_key: false, is_provisioning_key: true });
});

scenario("expired_key", (setup) => {
  setup.goodKey({ expires_at: inDays(-2) });
});

scenario("no_credit_left", (setup) => {
  setup.goodKey({ limit_remaining: 0.0 });
});

scenario("credits_page_of_the_key", (setup) => {
  setup.goodKey({ limit_remaining: -0.5 });
});

scenario("chat_without_credits", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.respond("/api/v1/chat/completions", 402, { error: "Insufficient credits" });
});

scenario("chat_blocked_by_data_policy", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.dataPolicy404();
});

scenario("chat_needs_fewer_max_tokens", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.insufficientCredits();
});

scenario("forbidden", (setup) => {
  setup.goodKey();
  setup.fake.respond("/api/v1/key", 403, { error: "Forbidden" });
});

// --- the model ----------------------------------------------------------------------

scenario("unknown_model", (setup) => {
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.writeEnv(key, { more: { OPENROUTER_MODEL: "nobody/no-such-model" } });
});

scenario("unroutable_model", (setup) => {
  setup.fake.models.set("acme/idle-model", []);
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.writeEnv(key, { more: { OPENROUTER_MODEL: "acme/idle-model" } });
});

/** A model id in the environment's env file, with a key the fake accepts. */
function useModel(setup: Setup, model: string): void {
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.writeEnv(key, { more: { OPENROUTER_MODEL: model } });
}

// OpenAI-served models refuse fewer than 16 tokens: the chat check asks for 16.
scenario("chat_with_openai_model", (setup) => {
  useModel(setup, OPENAI_MODEL);
  setup.args.push("--chat");
});

scenario("router_model", (setup) => {
  useModel(setup, ROUTER);
});

scenario("alias_model", (setup) => {
  useModel(setup, ALIAS);
});

scenario("variant_model", (setup) => {
  useModel(setup, `${MODEL}:nitro`);
});

// OpenRouter's model lookup misses some :variants that chat serves: a warning, not a failure.
scenario("variant_not_found", (setup) => {
  useModel(setup, "nobody/no-such-model:free");
});

// OPENAI_* variables never reach OpenRouter: the fake refuses any request they would mark.
scenario("openai_org_and_project_exported", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  Object.assign(setup.env, {
    OPENAI_ORG_ID: "org-should-not-be-sent",
    OPENAI_PROJECT_ID: "proj_should_not_be_sent",
    OPENAI_CUSTOM_HEADERS: "X-Proxy-Secret: should-not-be-sent\nAuthorization: Bearer sk-not-this",
  });
  for (const name of ["OpenAI-Organization", "OpenAI-Project", "X-Proxy-Secret"]) {
    setup.fake.refusedHeaders.add(name);
  }
});

// Only endpoints whose status is 0 serve requests: one of two is down.
scenario("model_endpoint_down", (setup) => {
  setup.fake.endpointDown("acme/flaky-model", { provider: "DeepInfra" });
  useModel(setup, "acme/flaky-model");
});

scenario("model_every_endpoint_down", (setup) => {
  for (const provider of ["DeepInfra", "Together"]) {
    setup.fake.endpointDown("acme/flaky-model", { provider, status: -2 });
  }
  useModel(setup, "acme/flaky-model");
});

scenario("model_to_be_removed", (setup) => {
  setup.fake.expireModel("acme/old-model", "2026-12-31");
  useModel(setup, "acme/old-model");
});

// --- OpenRouter says no, or says nothing --------------------------------------------

scenario("key_rate_limited", (setup) => {
  setup.goodKey();
  const headers = {
    "Retry-After": "30",
    "X-RateLimit-Limit": "20",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": "1791331200000",
  };
  setup.fake.respond("/api/v1/key", 429, { error: "Rate limit exceeded", headers });
});

scenario("chat_rate_limited", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  const headers = { "Retry-After": "12" };
  setup.fake.respond("/api/v1/chat/completions", 429, { error: "Rate limit exceeded", headers });
});

scenario("provider_rate_limited", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.providerRateLimit();
});

// OpenRouter's own 429 without Retry-After: the wait comes from X-RateLimit-Reset.
scenario("chat_rate_limited_until_reset", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.rateLimit(undefined, { resetMs: next123456Utc() });
});

scenario("chat_free_model_limit", (setup) => {
  useModel(setup, `${MODEL}:free`);
  setup.args.push("--chat");
  setup.fake.freeModelLimit();
});

scenario("chat_provider_limit_suggests_fallbacks", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.providerRateLimit(undefined, { providerCode: "429" });
});

// The 403 users report when the key's own limit is spent: not moderation, not the balance.
scenario("chat_key_limit_exceeded", (setup) => {
  setup.goodKey({ limit_reset: "monthly" });
  setup.args.push("--chat");
  setup.fake.keyLimitExceeded(undefined, { reset: "monthly" });
});

// A 402 while GET /key says the key's limit_remaining is spent: the key's cap.
scenario("chat_key_limit_spent", (setup) => {
  setup.fake.exhaustKey(setup.goodKey({ limit_reset: "weekly" }));
  setup.args.push("--chat");
});

scenario("chat_moderated", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  const error = "Your chosen model requires moderation and your input was flagged";
  const metadata = { reasons: ["violence"], flagged_input: "...", provider_name: "OpenAI" };
  setup.fake.respond("/api/v1/chat/completions", 403, { error, metadata });
});

scenario("chat_timed_out", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.respond("/api/v1/chat/completions", 408, { error: "Request timed out" });
});

scenario("openrouter_outage", (setup) => {
  setup.goodKey();
  setup.fake.respond("/api/v1/key", 503, { error: "Service Unavailable" });
});

scenario("html_error_page", (setup) => {
  setup.goodKey();
  const body = "<html><body>502 Bad Gateway</body></html>";
  setup.fake.respond("/api/v1/key", 502, { body, contentType: "text/html" });
});

// A redirect is reported where it points, never followed and never blamed on the key.
scenario("redirect_to_other_origin", (setup) => {
  setup.goodKey();
  setup.fake.redirect("/api/v1/key");
});

scenario("gzip_bomb", (setup) => {
  setup.goodKey();
  setup.fake.gzipBomb("/api/v1/key");
});

scenario("nan_in_key_data", (setup) => {
  setup.goodKey();
  setup.fake.rawJson("/api/v1/key", '{"data": {"label": "x", "limit": NaN, "usage": Infinity}}');
});

// A base URL without /api/v1 reaches OpenRouter's website: HTML, not JSON.
scenario("wrong_base_url", (setup) => {
  setup.writeEnv(setup.fake.addKey(), { baseUrl: `${setup.fake.origin}/v1` });
});

scenario("connection_refused", async (setup) => {
  setup.writeEnv(newKey(), { baseUrl: `http://127.0.0.1:${await closedPort()}/api/v1` });
});

// Whatever stopped the run, the chat line says how to run the chat check.
scenario("unreachable_without_chat", async (setup) => {
  setup.writeEnv(newKey(), { baseUrl: `http://127.0.0.1:${await closedPort()}/api/v1` });
});

scenario("unknown_host", (setup) => {
  setup.writeEnv(newKey(), { baseUrl: "http://openrouter.invalid/api/v1" });
});

scenario("tls_failure", (setup) => {
  setup.writeEnv(newKey(), { baseUrl: setup.fake.baseUrl.replace("http:", "https:") });
});

scenario("server_never_answers", (setup) => {
  setup.goodKey();
  setup.fake.respond("/api/v1/key", 200, { hang: true });
  setup.args.push("--timeout", "1");
});

// A server that accepts the connection and never answers the TLS handshake.
scenario("stalled_tls_handshake", async (setup) => {
  setup.stalled = await new StalledListener().start();
  setup.writeEnv(newKey(), { baseUrl: setup.stalled.baseUrl });
  setup.args.push("--timeout", "1");
});

// --- the key from a file ------------------------------------------------------

// A secret mount holds the key; the environment's file names it.
scenario("key_from_a_key_file", (setup) => {
  const key = setup.fake.addKey(undefined, { limit: 5.0, limit_remaining: 4.0 });
  writeFileSync(join(setup.directory, "openrouter-key"), `${key}\n`);
  setup.writeEnv("", { more: { OPENROUTER_API_KEY_FILE: "openrouter-key" } });
});

// --- what a server or a file says, escaped ---------------------------------------

// OpenRouter's own words, retitling the terminal and hiding what follows: shown escaped.
scenario("hostile_error_message", (setup) => {
  setup.goodKey();
  setup.fake.respond("/api/v1/key", 401, { error: "User not found.\x1b]0;owned\x07\x1b[8m" });
});

// A label with a right-to-left override and an escape sequence, in the report and the JSON.
scenario("hostile_key_label", (setup) => {
  setup.goodKey({ label: "team\u202egnp.exe\x1b]0;owned\x07", expires_at: "\u2067soon\x1b[8m" });
});

// A model name from the env file is text from outside too.
scenario("hostile_model_name", (setup) => {
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.writeEnv(key, { more: { OPENROUTER_MODEL: "acme/\x1b[2Jmodel\u2066" } });
});

// --- fallback models and provider preferences ------------------------------------------------

const FALLBACK = "anthropic/claude-haiku-4.5";

scenario("fallback_models_checked", (setup) => {
  setup.fake.serveModel(FALLBACK);
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  const more = { OPENROUTER_MODEL: MODEL, OPENROUTER_FALLBACK_MODELS: `${FALLBACK},${ALIAS}` };
  setup.writeEnv(key, { more });
});

scenario("fallback_model_missing", (setup) => {
  setup.fake.serveModel(FALLBACK);
  const key = setup.fake.addKey(undefined, { limit: 5.0 });
  const fallbacks = `${FALLBACK},nobody/no-such-model`;
  setup.writeEnv(key, { more: { OPENROUTER_MODEL: MODEL, OPENROUTER_FALLBACK_MODELS: fallbacks } });
});

// The chat check sends what the app sends; the model fails, its fallback answers.
scenario("chat_with_fallbacks_and_preferences", (setup) => {
  setup.fake.serveModel(FALLBACK);
  setup.fake.failModel(MODEL);
  setup.writeEnv(setup.fake.addKey(undefined, { limit: 5.0 }), {
    more: {
      OPENROUTER_MODEL: MODEL,
      OPENROUTER_FALLBACK_MODELS: FALLBACK,
      OPENROUTER_PROVIDER_SORT: "latency",
      OPENROUTER_DATA_COLLECTION: "deny",
      OPENROUTER_ZDR: "true",
    },
  });
  setup.args.push("--chat");
});

scenario("bad_provider_sort", (setup) => {
  setup.writeEnv(newKey(), { more: { OPENROUTER_PROVIDER_SORT: "cheapest" } });
});

scenario("bad_data_collection", (setup) => {
  setup.writeEnv(newKey(), { more: { OPENROUTER_DATA_COLLECTION: "never" } });
});

scenario("bad_zdr", (setup) => {
  setup.writeEnv(newKey(), { more: { OPENROUTER_ZDR: "yes" } });
});

scenario("bad_fallback_models", (setup) => {
  setup.writeEnv(newKey(), { more: { OPENROUTER_FALLBACK_MODELS: "a/b c/d" } });
});

// The server echoes the key 270 characters in: a cut at 300 would keep its first 21 digits.
scenario("key_echoed_in_long_error", (setup) => {
  const key = setup.goodKey();
  const words = "No auth credentials found. ".repeat(10);
  setup.fake.respond("/api/v1/key", 401, { error: `${words}${key} is not a key of this account.` });
});

// --- guardrails (OPENROUTER_MANAGEMENT_KEY set too) and the production policy ---------

function hasProduction(project: Project): boolean {
  return project.environments.includes("production");
}

/** A production key in .env.production, checked with --env production. */
function productionKey(setup: Setup, data: Record<string, unknown>): string {
  const key = setup.fake.addKey(undefined, { limit: 5.0, limit_remaining: 4.0, ...data });
  setup.writeEnv(key, { file: ".env.production", more: { OPENROUTER_MODEL: MODEL } });
  setup.args.push("--env", "production");
  return key;
}

function sha256(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

scenario(
  "production_key_without_a_guardrail",
  (setup) => {
    productionKey(setup, { expires_at: inDays(60) });
    setup.env.OPENROUTER_MANAGEMENT_KEY = setup.fake.addManagementKey();
  },
  hasProduction,
);

scenario(
  "production_key_guarded",
  (setup) => {
    const key = productionKey(setup, { expires_at: inDays(60) });
    setup.env.OPENROUTER_MANAGEMENT_KEY = setup.fake.addManagementKey();
    const guardrail = setup.fake.addGuardrail("app-production", { allowed_models: [MODEL] });
    setup.fake.assignGuardrail(guardrail, sha256(key));
  },
  hasProduction,
);

scenario("guardrail_does_not_allow_the_model", (setup) => {
  const key = setup.goodKey();
  setup.env.OPENROUTER_MANAGEMENT_KEY = setup.fake.addManagementKey();
  const guardrail = setup.fake.addGuardrail("app-guard", { allowed_models: ["x-ai/grok-4"] });
  setup.fake.assignGuardrail(guardrail, sha256(key));
});

scenario(
  "production_key_without_expiry",
  (setup) => {
    productionKey(setup, { expires_at: null });
  },
  hasProduction,
);
