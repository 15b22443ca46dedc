/**
 * Check an environment's OpenRouter set-up: npm run --silent verify -- [--env NAME] [--json].
 *
 * Three offline checks come first (config, key_format, base_url); if they pass, the requests
 * behind the other five are sent together, so the whole run costs about one round trip: GET /key
 * (reachability, key, credits), the model's endpoints (model) and, with --chat, a 1-token
 * completion (chat).
 *
 * Exit status: 0 every check passed or warned, 1 a check failed, 2 the configuration or the
 * command line is unusable (nothing was sent).
 */

import { statSync } from "node:fs";
import { join } from "node:path";

import { APIConnectionError, APIError, type OpenAI } from "openai";

import * as catalog from "./catalog.ts";
import * as cli from "./cli.ts";
import { createClient, percentEncode } from "./client.ts";
import {
  DEFAULT_ENVIRONMENT,
  describeKeyProblem,
  ENVIRONMENTS,
  keyProblem,
  loadSettings,
  mask,
  PROCESS_ENVIRONMENT,
  Problem,
  redact,
  type Settings,
} from "./config.ts";
import * as envfile from "./envfile.ts";
import {
  errorDetail,
  explainConnectionError,
  explainStatus,
  isRecord,
  messageValues,
} from "./explain.ts";

type Status = "pass" | "warn" | "fail" | "skip";
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

const COMMAND_LINE = {
  name: "verify",
  description: "Check that this project can use OpenRouter, and say what to fix if not.",
  options: {
    env: {
      type: "string",
      metavar: "NAME",
      help: `environment to check: ${ENVIRONMENTS.join(", ")}`,
    },
    json: { type: "boolean", help: "print one JSON object on stdout" },
    chat: { type: "boolean", help: "also send a 1-token completion (spends credit)" },
    timeout: { type: "string", metavar: "SECONDS", default: "10", help: "give up after this long" },
  },
} satisfies cli.CommandLine;

/** One line of the report. */
export interface Check {
  name: catalog.CheckName;
  status: Status;
  message: string;
  hint: string | null;
}

/** A check whose message and hint join those of several texts. */
function check(name: catalog.CheckName, status: Status, ...texts: catalog.Text[]): Check {
  const hints = texts.flatMap((text) => (text.hint ? [text.hint] : []));
  const message = texts.map((text) => text.message).join(" ");
  return { name, status, message, hint: hints.join(" ") || null };
}

/** One HTTP exchange, or why there was none (failure). */
interface Reply {
  url: string;
  status: number;
  body: unknown;
  contentType: string;
  headers: Headers;
  elapsedMs: number;
  failure: catalog.Text | null;
}

function failedReply(url: string, failure: catalog.Text): Reply {
  return {
    url,
    status: 0,
    body: null,
    contentType: "",
    headers: new Headers(),
    elapsedMs: 0,
    failure,
  };
}

function isJson(reply: Reply): boolean {
  return reply.failure === null && reply.body !== null;
}

/** What GET /key reported about the key: label, limit, usage... */
type KeyInfo = Record<string, unknown>;

/** What verify found: the checks, what GET /key said, and the exit status. */
interface Outcome {
  environment: string;
  checks: Check[];
  status: number;
  keyInfo: KeyInfo | null;
  /** Only to redact the output one last time. */
  apiKey: string;
}

interface Options {
  env: string | undefined;
  json: boolean;
  chat: boolean;
  timeoutMs: number;
  help: boolean;
}

/** The options given; cli.UsageError for a bad command line. */
function parseOptions(argv: readonly string[]): Options {
  const {
    env,
    json = false,
    chat = false,
    help = false,
    timeout,
  } = cli.parse(COMMAND_LINE, argv).values;
  const seconds = Number(timeout);
  if (!(seconds > 0 && Number.isFinite(seconds))) {
    throw new cli.UsageError(catalog.say("usage.timeout").message);
  }
  return { env, json, chat, help, timeoutMs: seconds * 1000 };
}

/** Run verify; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  let outcome: Outcome;
  try {
    const options = parseOptions(argv);
    if (options.help) {
      process.stdout.write(cli.help(COMMAND_LINE));
      return 0;
    }
    outcome = await verify(options);
  } catch (error) {
    if (!(error instanceof cli.UsageError)) {
      throw error;
    }
    if (!json) {
      return cli.usageError(COMMAND_LINE, error.message);
    }
    const config: Check = {
      name: "config",
      status: "fail",
      message: `Bad command line: ${error.message}`,
      hint: null,
    };
    outcome = {
      environment: process.env.APP_ENV || DEFAULT_ENVIRONMENT,
      checks: skipRest([config], "skip.preflight"),
      status: 2,
      keyInfo: null,
      apiKey: "",
    };
  }
  const output = json ? JSON.stringify(toJson(outcome)) : render(outcome, useColor());
  // Nothing above prints the key; this is the last safeguard.
  process.stdout.write(`${redact(output, outcome.apiKey)}\n`);
  return outcome.status;
}

/** The --json document. */
function toJson(outcome: Outcome) {
  return {
    ok: outcome.status === 0,
    environment: outcome.environment,
    checks: outcome.checks,
    key: outcome.keyInfo,
  };
}

/** Run the checks for the environment the options select. */
async function verify(options: Options): Promise<Outcome> {
  let settings: Settings;
  try {
    settings = loadSettings(options.env);
  } catch (error) {
    if (!(error instanceof Problem)) {
      throw error;
    }
    return {
      environment: options.env || process.env.APP_ENV || DEFAULT_ENVIRONMENT,
      checks: skipRest([check("config", "fail", error.text)], "skip.preflight"),
      status: 2,
      keyInfo: null,
      apiKey: "",
    };
  }

  const outcome = (status: number, checks: Check[], keyInfo: KeyInfo | null = null): Outcome => ({
    environment: settings.environment,
    checks,
    status,
    keyInfo,
    apiKey: settings.apiKey,
  });
  const checks = [
    configCheck(settings, process.cwd()),
    keyFormatCheck(settings),
    baseUrlCheck(settings),
  ];
  if (checks.some(isFailure)) {
    return outcome(2, skipRest(checks, "skip.preflight"));
  }

  const [keyReply, modelReply, chatReply] = await sendRequests(settings, options);
  const reachability = reachabilityCheck(settings, keyReply, modelReply);
  checks.push(reachability);
  if (isFailure(reachability)) {
    return outcome(1, skipRest(checks, "skip.unreachable"));
  }

  const [key, keyInfo] = keyCheck(settings, keyReply);
  checks.push(key);
  checks.push(
    isFailure(key) ? skip("credits", "skip.key_failed") : creditsCheck(settings, keyInfo),
  );
  checks.push(modelCheck(settings, modelReply), chatCheck(settings, chatReply));
  const reported = keyInfo && redactValues(keyInfo, settings.apiKey);
  return outcome(checks.some(isFailure) ? 1 : 0, checks, reported);
}

function isFailure(done: Check): boolean {
  return done.status === "fail";
}

/** What GET /key said, with the key masked wherever a value holds it. */
function redactValues(keyInfo: KeyInfo, apiKey: string): KeyInfo {
  return Object.fromEntries(
    Object.entries(keyInfo).map(([name, value]) => [
      name,
      typeof value === "string" ? redact(value, apiKey) : value,
    ]),
  );
}

// --- offline checks ---------------------------------------------------------

function configCheck(settings: Settings, directory: string): Check {
  const found = catalog.say("config.ok", {
    environment: settings.environment,
    selected_by: settings.selectedBy,
    files: settings.filesRead.join(", ") || "no env file",
    key_source: settings.keySource,
  });
  const keys = new Map<string, string>();
  for (const environment of ENVIRONMENTS) {
    const name = `.env.${environment}`;
    const path = join(directory, name);
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) {
      const key = envfile.read(path).OPENROUTER_API_KEY;
      if (key) {
        keys.set(name, key);
      }
    }
  }

  const warnings: catalog.Text[] = [];
  const ownFile = `.env.${settings.environment}`;
  if (
    settings.keySource === PROCESS_ENVIRONMENT &&
    (keys.get(ownFile) ?? settings.apiKey) !== settings.apiKey
  ) {
    warnings.push(catalog.say("config.key_overridden", { file: ownFile }));
  }
  for (const key of [...new Set(keys.values())].sort()) {
    const sharing = [...keys].filter(([, other]) => other === key).map(([name]) => name);
    if (sharing.length > 1) {
      warnings.push(catalog.say("config.shared_key", { files: sharing.join(" and ") }));
    }
  }
  const notes: catalog.Text[] = []; // already fixed: news, not a warning
  if (settings.filesMadePrivate.length > 0) {
    const files = settings.filesMadePrivate.join(", ");
    notes.push(catalog.say("config.made_private", { files }));
  }
  const status = warnings.length > 0 ? "warn" : "pass";
  return check("config", status, found, ...notes, ...warnings);
}

function keyFormatCheck(settings: Settings): Check {
  const problem = keyProblem(settings.apiKey);
  if (problem) {
    return check("key_format", "fail", describeKeyProblem(settings, problem));
  }
  const masked = mask(settings.apiKey);
  if (!catalog.KEY_PATTERN.test(settings.apiKey)) {
    const length = settings.apiKey.length - catalog.KEY_PREFIX.length;
    return check("key_format", "warn", catalog.say("key_format.length", { masked, length }));
  }
  return check(
    "key_format",
    "pass",
    catalog.say("key_format.ok", { masked, key_source: settings.keySource }),
  );
}

function baseUrlCheck(settings: Settings): Check {
  const url = settings.baseUrl;
  const parts = URL.parse(url);
  // WHATWG URLs forgive "http:host" and backslashes; ask for what the SDK needs, as written.
  const valid =
    parts !== null &&
    /^https?:\/\//i.test(url) &&
    parts.hostname !== "" &&
    parts.port !== "0" &&
    !/\s/u.test(url) &&
    /^\p{ASCII}*$/u.test(url);
  if (!valid) {
    return check("base_url", "fail", catalog.say("base_url.invalid", { base_url: url }));
  }
  const warnings: catalog.Text[] = [];
  if (parts.protocol !== "https:" && !LOOPBACK.has(parts.hostname)) {
    warnings.push(catalog.say("base_url.insecure", { base_url: url }));
  }
  if (!parts.pathname.replace(/\/+$/, "").endsWith("/api/v1")) {
    warnings.push(catalog.say("base_url.path", { base_url: url }));
  }
  if (warnings.length > 0) {
    return check("base_url", "warn", ...warnings);
  }
  return check("base_url", "pass", catalog.say("base_url.ok", { base_url: url }));
}

// --- requests, all at once ----------------------------------------------------

/** What every request of a run shares. */
interface Run {
  client: OpenAI;
  settings: Settings;
  timeoutMs: number;
  /** Aborts whatever is still running when the time is up. */
  deadline: AbortSignal;
}

/**
 * GET /key, GET the model's endpoints and maybe a 1-token chat, concurrently.
 *
 * Everything ends within the timeout, even against a server that accepts the connection and never
 * answers. SDK retries are off: verify reports, the app retries.
 */
async function sendRequests(
  settings: Settings,
  { timeoutMs, chat }: Options,
): Promise<[Reply, Reply, Reply | null]> {
  const run: Run = {
    client: createClient(settings, { timeout: timeoutMs, maxRetries: 0 }),
    settings,
    timeoutMs,
    deadline: AbortSignal.timeout(timeoutMs),
  };
  // author/slug:variant stays as it is; anything unusual is percent-encoded.
  const model = settings.model.replace(/[^\w.~/:-]/gu, percentEncode);
  const body = {
    model: settings.model,
    messages: [{ role: "user", content: "Say OK." }],
    max_tokens: 1,
  };
  return Promise.all([
    fetchKey(run),
    send(run, "GET", `/models/${model}/endpoints`),
    chat ? send(run, "POST", "/chat/completions", body) : null,
  ]);
}

/** GET /key, falling back to the legacy /auth/key where /key does not exist. */
async function fetchKey(run: Run): Promise<Reply> {
  const reply = await send(run, "GET", "/key");
  if (reply.status === 404 && isJson(reply)) {
    const legacy = await send(run, "GET", "/auth/key");
    if (legacy.status !== 404) {
      return legacy;
    }
  }
  return reply;
}

async function send(
  { client, settings, timeoutMs, deadline }: Run,
  method: "GET" | "POST",
  path: string,
  body?: Record<string, unknown>,
): Promise<Reply> {
  const url = client.baseURL.replace(/\/+$/, "") + path;
  const started = performance.now();
  let status: number;
  let headers: Headers;
  let parsed: unknown;
  try {
    const request =
      method === "GET"
        ? client.get(path, { signal: deadline })
        : client.post(path, { body, signal: deadline });
    const response = await request.asResponse();
    ({ status, headers } = response);
    parsed = parseJson(await response.text());
  } catch (error) {
    if (deadline.aborted) {
      const timeout = timeoutMs / 1000;
      return failedReply(
        url,
        catalog.say("reachability.timeout", messageValues(settings, { timeout })),
      );
    }
    if (error instanceof APIConnectionError) {
      return failedReply(url, explainConnectionError(error, settings, timeoutMs));
    }
    if (!(error instanceof APIError && error.status !== undefined && error.headers !== undefined)) {
      throw error;
    }
    // The SDK read the error body already: OpenRouter's {"error": {...}}, or undefined if not JSON.
    ({ status, headers } = error);
    parsed = error.error === undefined ? null : { error: error.error };
  }
  const contentType = headers.get("content-type")?.split(";")[0]?.trim() ?? "";
  const elapsedMs = performance.now() - started;
  return { url, status, body: parsed, contentType, headers, elapsedMs, failure: null };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// --- checks from the replies -------------------------------------------------------

/** OpenRouter's own words about an error, on one line. */
function replyErrorDetail(reply: Reply): string {
  if (reply.body === null) {
    return `a ${reply.contentType || "non-JSON"} answer`;
  }
  const error = isRecord(reply.body) ? reply.body.error : undefined;
  return errorDetail(error, "no details");
}

/** A check failed by an HTTP error, with what the status means. */
function failed(name: catalog.CheckName, reply: Reply, settings: Settings): Check {
  let status = reply.status;
  const error = isRecord(reply.body) ? reply.body.error : undefined;
  if (status < 400 && isRecord(error) && Number.isInteger(error.code)) {
    status = error.code as number;
  }
  return check(
    name,
    "fail",
    explainStatus(status, replyErrorDetail(reply), reply.headers, settings),
  );
}

function reachabilityCheck(settings: Settings, ...replies: Reply[]): Check {
  for (const reply of replies) {
    if (reply.failure !== null) {
      return check("reachability", "fail", reply.failure);
    }
  }
  for (const reply of replies) {
    if (!isJson(reply)) {
      if (reply.status >= 500) {
        return failed("reachability", reply, settings);
      }
      const text = catalog.say("reachability.not_json", {
        url: reply.url,
        status: reply.status,
        content_type: reply.contentType || "no content type",
      });
      return check("reachability", "fail", text);
    }
  }
  const host = URL.parse(settings.baseUrl)?.hostname;
  const fastest = Math.min(...replies.map((reply) => reply.elapsedMs));
  return check(
    "reachability",
    "pass",
    catalog.say("reachability.ok", { host, ms: Math.round(fastest) }),
  );
}

function keyCheck(settings: Settings, reply: Reply): [Check, KeyInfo | null] {
  const data = isRecord(reply.body) ? reply.body.data : undefined;
  if (reply.status !== 200) {
    return [failed("key", reply, settings), null];
  }
  if (!isRecord(data)) {
    return [check("key", "fail", catalog.say("key.unexpected", { url: reply.url })), null];
  }
  const label = redact(String(data.label || "no label"), settings.apiKey);
  if (data.is_management_key) {
    return [check("key", "fail", catalog.say("key.management")), data];
  }
  const expires = parseTime(data.expires_at);
  if (expires !== null) {
    const days = Math.ceil((expires.time - Date.now()) / 86_400_000);
    const values = { label, date: expires.date, days, environment: settings.environment };
    if (days <= 0) {
      return [check("key", "fail", catalog.say("key.expired", values)), data];
    }
    if (days <= catalog.EXPIRY_WARNING_DAYS) {
      return [check("key", "warn", catalog.say("key.expiring", values)), data];
    }
  }
  return [check("key", "pass", catalog.say("key.ok", { label })), data];
}

function creditsCheck(settings: Settings, data: KeyInfo | null): Check {
  const limit = number(data?.limit);
  const remaining = number(data?.limit_remaining);
  const policy: catalog.Policy = catalog.POLICY[settings.environment];
  const values = {
    environment: settings.environment,
    limit: usd(limit),
    remaining: usd(remaining),
    credit_limit: policy.creditLimit,
  };
  if (remaining !== null && remaining <= 0) {
    return check("credits", "fail", catalog.say("credits.exhausted", values));
  }
  if (limit === null) {
    return check("credits", "warn", catalog.say("credits.no_limit", values));
  }
  if (policy.limitUsd !== null && limit > policy.limitUsd) {
    const text = catalog.say("credits.above_policy", { ...values, ceiling: usd(policy.limitUsd) });
    return check("credits", "warn", text);
  }
  const reset = data?.limit_reset;
  const text = catalog.say("credits.ok", { ...values, reset: reset ? `, resets ${reset}` : "" });
  return check("credits", "pass", text);
}

function modelCheck(settings: Settings, reply: Reply): Check {
  const model = settings.model;
  if (reply.status === 404) {
    return check(
      "model",
      "fail",
      catalog.say("model.unknown", { model, environment: settings.environment }),
    );
  }
  const data = isRecord(reply.body) ? reply.body.data : undefined;
  if (reply.status !== 200 || !isRecord(data)) {
    return failed("model", reply, settings);
  }
  const endpoints = data.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    return check("model", "fail", catalog.say("model.unroutable", { model }));
  }
  return check("model", "pass", catalog.say("model.ok", { model, count: endpoints.length }));
}

function chatCheck(settings: Settings, reply: Reply | null): Check {
  if (reply === null) {
    return check("chat", "skip", catalog.say("chat.not_run", { model: settings.model }));
  }
  if (reply.failure !== null) {
    return check("chat", "fail", reply.failure);
  }
  if (reply.status === 200 && isRecord(reply.body) && !("error" in reply.body)) {
    return check("chat", "pass", catalog.say("chat.ok", { model: settings.model }));
  }
  return failed("chat", reply, settings);
}

function skip(name: catalog.CheckName, reason: catalog.MessageId): Check {
  return check(name, "skip", catalog.say(reason));
}

/** The checks so far, then every remaining one skipped for the reason given. */
function skipRest(checks: Check[], reason: catalog.MessageId): Check[] {
  const done = new Set(checks.map((item) => item.name));
  return [
    ...checks,
    ...catalog.CHECKS.filter((name) => !done.has(name)).map((name) => skip(name, reason)),
  ];
}

const ISO_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 time (UTC unless it says otherwise), and its date as written. */
function parseTime(value: unknown): { time: number; date: string } | null {
  const match = typeof value === "string" ? ISO_TIME.exec(value) : null;
  if (match === null) {
    return null;
  }
  const [, date = "", clock, zone] = match;
  const time = Date.parse(clock === undefined ? date : `${date}T${clock}${zone ?? "Z"}`);
  return Number.isNaN(time) ? null : { time, date };
}

function number(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function usd(amount: number | null): string {
  return amount === null ? "unlimited" : amount.toFixed(2);
}

// --- output --------------------------------------------------------------------

const COLORS: Record<Status, string> = { pass: "32", warn: "33", fail: "31", skip: "2" };

/** The human report: one line per check, its hint below, then the verdict. */
function render(outcome: Outcome, color: boolean): string {
  const { environment, checks } = outcome;
  const lines = [`OpenRouter set-up for ${environment}`, ""];
  for (const { name, status, message, hint } of checks) {
    const mark = color
      ? `\x1b[${COLORS[status]}m${status.toUpperCase()}\x1b[0m`
      : status.toUpperCase();
    lines.push(`  ${mark}  ${name.padEnd(14)}${message}`);
    if (hint && (status === "warn" || status === "fail")) {
      lines.push(`${" ".repeat(8 + 14)}hint: ${hint}`); // under the message
    }
  }
  const warnings = checks.filter((item) => item.status === "warn").length;
  const failures = checks.filter((item) => item.status === "fail").length;
  let verdict: catalog.Text;
  if (outcome.status === 2) {
    verdict = catalog.say("verdict.config");
  } else if (failures > 0) {
    verdict = catalog.say("verdict.fail", { count: failures, environment });
  } else if (warnings > 0) {
    verdict = catalog.say("verdict.warn", { count: warnings, environment });
  } else {
    verdict = catalog.say("verdict.pass", { environment });
  }
  lines.push("", verdict.message);
  return lines.join("\n");
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
