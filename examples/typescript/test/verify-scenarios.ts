/**
 * What verify must report in each situation a user can be in.
 *
 * Each scenario below sets up the fake OpenRouter, the env files and the command line; EXPECTED
 * (generated from the template's shared table, which the Python flavour uses too) says what verify
 * must then report: the eight checks' statuses (config, key_format, base_url, reachability, key,
 * credits, model, chat), the exit status, and a phrase the report must contain.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { type FakeOpenRouter, newKey } from "./fake-openrouter.ts";
import { closedPort } from "./fixtures.ts";

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

  constructor(project: Project, fake: FakeOpenRouter, directory: string) {
    this.project = project;
    this.fake = fake;
    this.directory = directory;
  }

  /** Write the environment's env file: the key, the base URL and more variables. */
  writeEnv(key: string, { baseUrl, file, more = {} }: EnvOptions = {}): void {
    const values = {
      OPENROUTER_API_KEY: key,
      OPENROUTER_BASE_URL: baseUrl || this.fake.baseUrl,
      ...more,
    };
    const text = Object.entries(values).map(([name, value]) => `${name}=${value}\n`);
    writeFileSync(join(this.directory, file || `.env.${this.project.environment}`), text.join(""));
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
  chat_ok: ["pass pass pass pass pass pass pass pass", 0, "1-token"],
  legacy_key_endpoint: ["pass pass pass pass pass pass pass skip", 0, ""],
  no_key: ["pass fail pass skip skip skip skip skip", 2, "settings/keys"],
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

// Where /key does not exist, verify asks the legacy /auth/key.
scenario("legacy_key_endpoint", (setup) => {
  setup.goodKey();
  setup.fake.legacyKeyEndpointOnly = true;
});

// --- found offline: exit 2, nothing sent ----------------------------------------

scenario("no_key", () => {});

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

// --- warnings: exit 0 ------------------------------------------------------------

scenario("unusual_key_length", (setup) => {
  setup.writeEnv(setup.fake.addKey(`sk-or-v1-${"ab12".repeat(5)}`, { limit: 5.0 }));
});

scenario("expiring_key", (setup) => {
  setup.goodKey({ expires_at: inDays(3) });
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

scenario("expired_key", (setup) => {
  setup.goodKey({ expires_at: inDays(-2) });
});

scenario("no_credit_left", (setup) => {
  setup.goodKey({ limit_remaining: 0.0 });
});

scenario("chat_without_credits", (setup) => {
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.respond("/api/v1/chat/completions", 402, { error: "Insufficient credits" });
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

// A base URL without /api/v1 reaches OpenRouter's website: HTML, not JSON.
scenario("wrong_base_url", (setup) => {
  setup.writeEnv(setup.fake.addKey(), { baseUrl: `${setup.fake.origin}/v1` });
});

scenario("connection_refused", async (setup) => {
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
