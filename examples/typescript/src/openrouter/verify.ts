// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Check an environment's OpenRouter set-up: npm run --silent verify -- [--env NAME] [--json].
 *
 * Three offline checks come first (config, key_format, base_url); if they pass, the requests
 * behind the other five are sent together, so the whole run costs about one round trip: GET /key
 * (reachability, key, credits), GET /model and, for a concrete model, its endpoints (model), and
 * with --chat a 16-token completion (chat).
 *
 * Exit status: 0 every check passed or warned, 1 a check failed, 2 the configuration or the
 * command line is unusable (nothing was sent).
 */

import { join } from "node:path";

import { APIConnectionError, APIError, type OpenAI } from "openai";

import * as catalog from "./catalog.ts";
import { chatOptions } from "./chat.ts";
import * as cli from "./cli.ts";
import { createClient, parseJson, percentEncode } from "./client.ts";
import {
  command,
  DEFAULT_ENVIRONMENT,
  describeKeyProblem,
  ENVIRONMENTS,
  exitStatus,
  guardOutput,
  keyHash,
  keyProblem,
  loadSettings,
  mask,
  outputError,
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
    chat: {
      type: "boolean",
      help: `also send a ${catalog.CHAT_CHECK_TOKENS}-token completion (spends credit)`,
    },
    timeout: {
      type: "string",
      metavar: "SECONDS",
      default: "10",
      help: `give up after this many seconds, from ${catalog.TIMEOUT_RANGE.join(" to ")}`,
    },
  },
} satisfies cli.CommandLine;

/** One line of the report. */
export interface Check {
  name: catalog.CheckName;
  status: Status;
  message: string;
  hint: string | null;
  /** The model check's: each model checked (the model, then its fallbacks), for --json. */
  models?: ModelEntry[];
}

/** One model's result in the model check's `models` list. */
export interface ModelEntry {
  model: string;
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

function isRedirect(reply: Reply): boolean {
  return reply.failure === null && reply.status >= 300 && reply.status < 400;
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

/** How the checks run: the chat check or not, and the deadline of the requests. */
interface CheckOptions {
  chat: boolean;
  timeoutMs: number;
}

interface Options extends CheckOptions {
  env: string | undefined;
  json: boolean;
  help: boolean;
}

/** The deadline of verify's requests when --timeout is not given (the command line's default). */
export const CHECK_TIMEOUT_MS = Number(COMMAND_LINE.options.timeout.default) * 1000;

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
  const [least, most] = catalog.TIMEOUT_RANGE;
  if (!(seconds >= least && seconds <= most)) {
    throw new cli.UsageError(catalog.say("usage.timeout", { least, most }).message);
  }
  return { env, json, chat, help, timeoutMs: seconds * 1000 };
}

/** Where the report goes: standard output, or a test's buffer. */
export interface Output {
  write(text: string): unknown;
}

/** Run verify; returns the exit status. */
export async function main(
  argv: readonly string[],
  output: Output = process.stdout,
): Promise<number> {
  const json = argv.includes("--json");
  let outcome: Outcome;
  try {
    const options = parseOptions(argv);
    if (options.help) {
      output.write(cli.help(COMMAND_LINE));
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
      checks: skipRest([config], "skip.preflight", argv.includes("--chat")),
      status: 2,
      keyInfo: null,
      apiKey: "",
    };
  }
  return report(outcome, json, output);
}

/** What run() may be told: as the command's options, and where the report goes. */
export interface RunOptions {
  chat?: boolean;
  json?: boolean;
  timeoutMs?: number;
  output?: Output;
}

/**
 * Check these settings and print the report, as the command does; returns the exit status.
 *
 * What login and keys run on a key they have just saved (provision.ts), in this process.
 */
export async function run(
  settings: Settings,
  {
    chat = false,
    json = false,
    timeoutMs = CHECK_TIMEOUT_MS,
    output = process.stdout,
  }: RunOptions = {},
): Promise<number> {
  return report(await runChecks(settings, { chat, timeoutMs }), json, output);
}

/** Print the report of an outcome; returns its exit status. */
function report(outcome: Outcome, json: boolean, output: Output): number {
  const text = json ? JSON.stringify(toJson(outcome)) : render(outcome, useColor());
  // Nothing above prints the key; this is the last safeguard.
  output.write(`${redact(text, outcome.apiKey)}\n`);
  return outcome.status;
}

/** The --json document. */
function toJson(outcome: Outcome) {
  return {
    ok: outcome.status === 0,
    environment: outcome.environment,
    checks: outcome.checks,
    key: reported(outcome.keyInfo, outcome.apiKey),
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
      checks: skipRest([check("config", "fail", error.text)], "skip.preflight", options.chat),
      status: 2,
      keyInfo: null,
      apiKey: "",
    };
  }
  return runChecks(settings, options);
}

/** Run the checks for these settings. */
async function runChecks(settings: Settings, options: CheckOptions): Promise<Outcome> {
  const outcome = (status: number, checks: Check[], keyInfo: KeyInfo | null = null): Outcome => ({
    environment: settings.environment,
    checks,
    status,
    keyInfo,
    apiKey: settings.apiKey,
  });
  const checks = [configCheck(settings), keyFormatCheck(settings), baseUrlCheck(settings)];
  if (checks.some(isFailure)) {
    return outcome(2, skipRest(checks, "skip.preflight", options.chat));
  }

  const replies = await sendRequests(settings, options);
  const reachability = reachabilityCheck(settings, ...allButChat(replies));
  checks.push(reachability);
  if (isFailure(reachability)) {
    return outcome(1, skipRest(checks, "skip.unreachable", options.chat));
  }

  const [checked, keyInfo] = keyCheck(settings, replies.key);
  const key =
    !isFailure(checked) && replies.guardrail !== null
      ? guardrailCheck(settings, checked, replies.guardrail)
      : checked;
  checks.push(key);
  checks.push(
    isFailure(key) ? skip("credits", "skip.key_failed") : creditsCheck(settings, keyInfo),
  );
  checks.push(modelsCheck(settings, replies), chatCheck(settings, replies.chat, keyInfo));
  return outcome(checks.some(isFailure) ? 1 : 0, checks, keyInfo);
}

function isFailure(done: Check): boolean {
  return done.status === "fail";
}

const MOST_NESTED = 8;

/**
 * What GET /key said, for --json: the key masked wherever it appears, every text printable,
 * nesting bounded.
 */
function reported(value: unknown, apiKey: string, depth = 0): unknown {
  if (typeof value === "string") {
    return catalog.printable(redact(value, apiKey));
  }
  if (depth >= MOST_NESTED) {
    return null;
  }
  if (Array.isArray(value)) {
    return value.map((item) => reported(item, apiKey, depth + 1));
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        catalog.printable(name),
        reported(item, apiKey, depth + 1),
      ]),
    );
  }
  return value;
}

// --- offline checks ---------------------------------------------------------

function configCheck(settings: Settings): Check {
  const found = catalog.say(settings.apiKey ? "config.ok" : "config.no_key", {
    environment: settings.environment,
    selected_by: settings.selectedBy,
    files: settings.filesRead.join(", ") || "no env file",
    key_source: settings.keySource,
  });
  const keys = new Map<string, string>();
  for (const environment of ENVIRONMENTS) {
    const name = `.env.${environment}`;
    let key: string | undefined;
    try {
      key = envfile.read(join(settings.directory, name))?.OPENROUTER_API_KEY;
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      continue; // another environment's file: its own verify run reports it
    }
    if (key) {
      keys.set(name, key);
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
  warnings.push(...attributionWarnings(settings));
  if (settings.filesLeftReadable.length > 0) {
    const files = settings.filesLeftReadable.join(" and ");
    warnings.push(catalog.say("envfile.not_private", { files }));
  }
  const notes: catalog.Text[] = []; // already fixed: news, not a warning
  if (settings.filesMadePrivate.length > 0) {
    const files = settings.filesMadePrivate.join(", ");
    notes.push(catalog.say("config.made_private", { files }));
  }
  const status = warnings.length > 0 ? "warn" : "pass";
  return check("config", status, found, ...notes, ...warnings);
}

/** What makes OpenRouter attribute the app wrongly, or drop its categories. */
function attributionWarnings(settings: Settings): catalog.Text[] {
  const warnings: catalog.Text[] = [];
  const host = (URL.parse(settings.httpReferer.trim())?.hostname ?? "").replace(/\.+$/, "");
  if (catalog.PLACEHOLDER_HOSTS.some((name) => host === name || host.endsWith(`.${name}`))) {
    const referer = settings.httpReferer;
    const environment = settings.environment;
    warnings.push(catalog.say("config.placeholder_referer", { referer, environment }));
  }
  const categories = settings.appCategories
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = categories.filter((category) => !catalog.APP_CATEGORIES.includes(category));
  if (unknown.length > 0) {
    const known = catalog.APP_CATEGORIES.join(", ");
    warnings.push(
      catalog.say("config.unknown_category", { categories: unknown.join(", "), known }),
    );
  }
  if (categories.length > catalog.MAX_CATEGORIES) {
    const values = { count: categories.length, most: catalog.MAX_CATEGORIES };
    warnings.push(catalog.say("config.too_many_categories", values));
  }
  return warnings;
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

/** What the requests got: GET /key, GET /model, the endpoints of a concrete model, the chat. */
interface Replies {
  key: Reply;
  model: Reply;
  endpoints: Reply | null;
  chat: Reply | null;
  /** GET /model and the endpoints of each fallback model, in order. */
  fallbacks: (readonly [Reply, Reply | null])[];
  /** The key's guardrail, when OPENROUTER_MANAGEMENT_KEY is set too. */
  guardrail: Guardrail | null;
}

/** The guardrail the key is assigned to (data), none (both null), or why it is not known. */
interface Guardrail {
  data: Record<string, unknown> | null;
  failure: string | null;
}

const MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY";
/** Of the guardrail lists, 50 a page. */
const MOST_PAGES = 20;

/** OPENROUTER_MANAGEMENT_KEY from the process environment or .env, if set and well-formed. */
function readManagementKey(settings: Settings): string | null {
  for (const [source, values] of settings.layers) {
    const key = values[MANAGEMENT_KEY];
    if ((source === PROCESS_ENVIRONMENT || source === ".env") && key) {
      return keyProblem(key) ? null : key;
    }
  }
  return null;
}

/**
 * Which guardrail the key is assigned to, with the management key: the assignments and the
 * guardrails are asked for together (one round trip), more pages only for large accounts.
 */
async function fetchGuardrail(run: Run, managementKey: string): Promise<Guardrail> {
  const digest = keyHash(run.settings.apiKey);
  const managed = run.settings.withKey(managementKey);
  const whole = Math.ceil(run.timeoutMs);
  const asManagement: Run = {
    ...run,
    settings: managed,
    client: createClient(managed, { timeout: whole, maxRetries: 0 }),
  };
  const listed = async (path: string): Promise<[Record<string, unknown>[], Reply]> => {
    const found: Record<string, unknown>[] = [];
    let reply = await send(asManagement, path);
    for (let page = 0; page < MOST_PAGES; page += 1) {
      const body = isRecord(reply.body) ? reply.body : {};
      if (reply.status !== 200 || !Array.isArray(body.data)) {
        return [found, reply];
      }
      found.push(...body.data.filter(isRecord));
      const total = body.total_count;
      if (body.data.length === 0 || typeof total !== "number" || found.length >= total) {
        break;
      }
      reply = await send(asManagement, `${path}?offset=${found.length}`);
    }
    return [found, reply];
  };
  const [[assignments, first], [guardrails, second]] = await Promise.all([
    listed("/guardrails/assignments/keys"),
    listed("/guardrails"),
  ]);
  for (const reply of [first, second]) {
    if (reply.status !== 200) {
      const detail = reply.failure ? reply.failure.message : replyErrorDetail(reply, managementKey);
      const status = reply.status ? `HTTP ${reply.status}: ` : "";
      return { data: null, failure: redact(status + detail, managementKey) };
    }
  }
  const id = assignments.find((assignment) => assignment.key_hash === digest)?.guardrail_id;
  if (typeof id !== "string") {
    return { data: null, failure: null };
  }
  let found = guardrails.find((guardrail) => guardrail.id === id);
  if (found === undefined) {
    // In another workspace.
    const reply = await send(asManagement, `/guardrails/${encodeURIComponent(id)}`);
    const data = isRecord(reply.body) ? reply.body.data : undefined;
    found = reply.status === 200 && isRecord(data) ? data : { id };
  }
  return { data: found, failure: null };
}

/** The replies that say whether OpenRouter is there at all. */
function allButChat({ key, model, endpoints, fallbacks }: Replies): Reply[] {
  const lookedUp = [key, model, endpoints, ...fallbacks.flat()];
  return lookedUp.filter((reply): reply is Reply => reply !== null);
}

/** Whether a model id names one model, with providers of its own (not a router or ~alias). */
export function isConcrete(model: string): boolean {
  return !model.startsWith("openrouter/") && !model.startsWith("~");
}

/**
 * GET /key, GET /model, a concrete model's endpoints and maybe a chat, concurrently.
 *
 * Everything ends within the timeout, even against a server that accepts the connection and never
 * answers. SDK retries are off: verify reports, the app retries. Each fallback model
 * (OPENROUTER_FALLBACK_MODELS) is looked up like the model, at once.
 */
async function sendRequests(
  settings: Settings,
  { timeoutMs, chat }: CheckOptions,
): Promise<Replies> {
  const whole = Math.ceil(timeoutMs); // timers count whole milliseconds
  const run: Run = {
    client: createClient(settings, { timeout: whole, maxRetries: 0 }),
    settings,
    timeoutMs,
    deadline: AbortSignal.timeout(whole),
  };
  const body = {
    model: settings.model,
    messages: [{ role: "user", content: "Say OK." }],
    // What the app sends (fallbacks, provider preferences), with a 16-token reply.
    ...chatOptions(settings, { max_completion_tokens: catalog.CHAT_CHECK_TOKENS }),
  };
  const lookUp = (name: string) => {
    // author/slug:variant stays as it is; anything unusual is percent-encoded.
    const model = name.replace(/[^\w.~/:-]/gu, percentEncode);
    // A :variant is served by its model's endpoints.
    const endpoints = `/models/${model.split(":")[0]}/endpoints`;
    return Promise.all([
      send(run, `/model/${model}`),
      isConcrete(name) ? send(run, endpoints) : null,
    ] as const);
  };
  const managementKey = readManagementKey(settings);
  const [key, [found, listed], answered, fallbacks, guardrail] = await Promise.all([
    send(run, "/key"),
    lookUp(settings.model),
    chat ? send(run, "/chat/completions", body) : null,
    Promise.all(settings.fallbackModels.map(lookUp)),
    // With a management key, the key's guardrail too, in the same round trip.
    managementKey === null ? null : fetchGuardrail(run, managementKey),
  ]);
  return { key, model: found, endpoints: listed, chat: answered, fallbacks, guardrail };
}

/** GET path, or POST the body there; the answer whatever its status. */
async function send(
  { client, settings, timeoutMs, deadline }: Run,
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
      body === undefined
        ? client.get(path, { signal: deadline })
        : client.post(path, { body, signal: deadline });
    const response = await request.asResponse();
    ({ status, headers } = response);
    parsed = parseJson(new Uint8Array(await response.arrayBuffer()));
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

// --- checks from the replies -------------------------------------------------------

/** OpenRouter's own words about an error, on one line, the key (secret) masked. */
function replyErrorDetail(reply: Reply, secret: string): string {
  if (reply.body === null) {
    return `a ${reply.contentType || "non-JSON"} answer`;
  }
  const error = isRecord(reply.body) ? reply.body.error : undefined;
  return errorDetail(error, "no details", secret);
}

/** A check failed by an HTTP error, with what the status means (key: what GET /key said). */
function failed(
  name: catalog.CheckName,
  reply: Reply,
  settings: Settings,
  key: KeyInfo | null = null,
): Check {
  let status = reply.status;
  const error = isRecord(reply.body) ? reply.body.error : undefined;
  if (status < 300 && isRecord(error) && Number.isInteger(error.code)) {
    status = error.code as number;
  }
  const detail = replyErrorDetail(reply, settings.apiKey);
  const text = explainStatus(status, detail, reply.headers, settings, error, key);
  return check(name, "fail", text);
}

function reachabilityCheck(settings: Settings, ...replies: Reply[]): Check {
  for (const reply of replies) {
    if (reply.failure !== null) {
      return check("reachability", "fail", reply.failure);
    }
  }
  for (const reply of replies) {
    if (isRedirect(reply)) {
      return failed("reachability", reply, settings);
    }
  }
  for (const reply of replies) {
    if (!isJson(reply)) {
      if (reply.status >= 500) {
        return failed("reachability", reply, settings);
      }
      if (reply.contentType === "application/json") {
        const text = catalog.say("reachability.malformed", {
          url: reply.url,
          status: reply.status,
        });
        return check("reachability", "fail", text);
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
  // is_provisioning_key is the deprecated name of the same flag.
  if (data.is_management_key === true || data.is_provisioning_key === true) {
    return [check("key", "fail", catalog.say("key.management")), data];
  }
  const warnings: catalog.Text[] = [];
  const expires = parseTime(data.expires_at);
  if (expires !== null) {
    const days = Math.ceil((expires.time - Date.now()) / 86_400_000);
    const values = messageValues(settings, { label, date: expires.date, days });
    if (days <= 0) {
      return [check("key", "fail", catalog.say("key.expired", values)), data];
    }
    if (days <= catalog.EXPIRY_WARNING_DAYS) {
      warnings.push(catalog.say("key.expiring", values));
    }
  }
  if (data.is_free_tier === true) {
    warnings.push(catalog.say("key.free_tier"));
  }
  if (isProduction(settings.environment) && (data.expires_at ?? null) === null) {
    const rotate = command("keys", "rotate", "--env", settings.environment);
    warnings.push(catalog.say("key.no_expiry", { command: rotate }));
  }
  if (warnings.length > 0) {
    return [check("key", "warn", ...warnings), data];
  }
  return [check("key", "pass", catalog.say("key.ok", { label })), data];
}

/**
 * The key check, with what the key's guardrail means for it (OPENROUTER_MANAGEMENT_KEY set).
 *
 * A production key without a guardrail fails, and so does any key whose guardrail does not allow
 * the configured model; a guardrail that could not be read is a warning.
 */
function guardrailCheck(settings: Settings, key: Check, guardrail: Guardrail): Check {
  const guard = command("keys", "guard", "--env", settings.environment);
  let status: Status = key.status;
  let text: catalog.Text;
  if (guardrail.failure !== null) {
    text = catalog.say("key.guardrail_unknown", { detail: guardrail.failure });
    status = "warn";
  } else if (guardrail.data === null) {
    if (!isProduction(settings.environment)) {
      return key;
    }
    text = catalog.say("key.no_guardrail", { environment: settings.environment, command: guard });
    status = "fail";
  } else {
    const name = String(guardrail.data.name || guardrail.data.id);
    const allowed = guardrail.data.allowed_models;
    if (Array.isArray(allowed) && allowed.length > 0 && !allowed.includes(settings.model)) {
      const values = { name, model: settings.model, command: guard };
      text = catalog.say("key.unguarded_model", values);
      status = "fail";
    } else {
      text = catalog.say("key.guardrail", { name });
    }
  }
  const hints = [key.hint, text.hint].filter((hint) => hint).join(" ");
  return { name: "key", status, message: `${key.message} ${text.message}`, hint: hints || null };
}

function creditsCheck(settings: Settings, data: KeyInfo | null): Check {
  const limit = number(data?.limit);
  const remaining = number(data?.limit_remaining);
  const policy: catalog.Policy = catalog.POLICY[settings.environment];
  const values = messageValues(settings, {
    limit: usd(limit),
    remaining: usd(remaining),
    credit_limit: policy.creditLimit,
  });
  const daily = number(data?.usage_daily);
  const monthly = number(data?.usage_monthly);
  const spent =
    daily !== null && monthly !== null
      ? [catalog.say("credits.usage", { daily: usd(daily), monthly: usd(monthly) })]
      : [];
  if (remaining !== null && remaining <= 0) {
    return check("credits", "fail", catalog.say("credits.exhausted", values), ...spent);
  }
  if (limit === null) {
    return check("credits", "warn", catalog.say("credits.no_limit", values), ...spent);
  }
  if (policy.limitUsd !== null && limit > policy.limitUsd) {
    const text = catalog.say("credits.above_policy", { ...values, ceiling: usd(policy.limitUsd) });
    return check("credits", "warn", text, ...spent);
  }
  const reset = data?.limit_reset;
  const resets = typeof reset === "string" && reset ? `, resets ${reset}` : "";
  const text = catalog.say("credits.ok", { ...values, reset: resets });
  return check("credits", "pass", text, ...spent);
}

const WORST: Readonly<Record<Status, number>> = { skip: 0, pass: 1, warn: 2, fail: 3 };

/**
 * The model check of the model and each fallback: the worst of them decides. Each one's own
 * result is in the check's `models` list (--json); with no fallbacks the check is the model's own.
 */
function modelsCheck(settings: Settings, replies: Replies): Check {
  const main = modelCheck(settings, replies.model, replies.endpoints);
  const checks = [
    main,
    ...replies.fallbacks.map(([found, endpoints], index) =>
      modelCheck(settings, found, endpoints, settings.fallbackModels[index]),
    ),
  ];
  const status = checks
    .map((done) => done.status)
    .reduce((worst, next) => (WORST[next] > WORST[worst] ? next : worst));
  const hints = checks.flatMap((done) =>
    done.hint && (done.status === "warn" || done.status === "fail") ? [done.hint] : [],
  );
  const models = [settings.model, ...settings.fallbackModels];
  return {
    name: "model",
    status,
    message: checks.map((done) => done.message).join(" "),
    hint: checks.length === 1 ? main.hint : [...new Set(hints)].join(" ") || null,
    models: checks.map((done, index) => ({
      model: catalog.printable(models[index] ?? ""),
      status: done.status,
      message: done.message,
      hint: done.hint,
    })),
  };
}

/**
 * GET /model says whether OpenRouter knows the id; the endpoints, whether anyone serves it.
 *
 * Routers and ~aliases pass on GET /model alone: their own endpoint lists are empty. A :variant
 * that GET /model does not know only warns, because OpenRouter resolves some of them only in a
 * chat. fallback: a fallback's id (undefined: the settings' model).
 */
function modelCheck(
  settings: Settings,
  found: Reply,
  endpoints: Reply | null,
  fallback?: string,
): Check {
  const model = fallback ?? settings.model;
  if (found.status === 404) {
    if (model.includes(":")) {
      return check("model", "warn", catalog.say("model.variant_not_found", { model }));
    }
    const unknown = fallback === undefined ? "model.unknown" : "model.unknown_fallback";
    const text = catalog.say(unknown, { model, environment: settings.environment });
    return check("model", "fail", text);
  }
  const data = isRecord(found.body) ? found.body.data : undefined;
  if (found.status !== 200 || !isRecord(data)) {
    return failed("model", found, settings);
  }
  const target = isRecord(data.alias_target) ? data.alias_target.slug : undefined;
  const expiring = expiringModel(settings, data);
  const passed = (text: catalog.Text): Check =>
    check("model", expiring.length > 0 ? "warn" : "pass", text, ...expiring);
  if (model.startsWith("openrouter/")) {
    return passed(catalog.say("model.router", { model }));
  }
  if (typeof target === "string" || endpoints === null) {
    const resolved = typeof target === "string" ? target : String(data.id || model);
    return passed(catalog.say("model.alias", { model, target: resolved }));
  }
  const listed = isRecord(endpoints.body) ? endpoints.body.data : undefined;
  if (endpoints.status === 200 && isRecord(listed)) {
    const providers = listed.endpoints;
    if (Array.isArray(providers) && providers.length > 0) {
      const working = providers.filter(isWorking).length;
      if (working === 0) {
        const text = catalog.say("model.down", { model, listed: providers.length });
        return check("model", "fail", text, ...expiring);
      }
      return passed(catalog.say("model.ok", { model, count: working }));
    }
  } else if (endpoints.status !== 404) {
    return failed("model", endpoints, settings);
  }
  // GET /model resolves slug aliases that have no endpoints of their own.
  const canonical = data.id;
  if (typeof canonical === "string" && canonical.split(":")[0] !== model.split(":")[0]) {
    return passed(catalog.say("model.alias", { model, target: canonical }));
  }
  return check("model", "fail", catalog.say("model.unroutable", { model }));
}

/**
 * Whether a provider endpoint serves requests: its status (EndpointStatus) is 0. Every other
 * value (-1, -2, -3, -5, -10) is an endpoint OpenRouter does not route to now; an endpoint without
 * a status is taken as working.
 */
function isWorking(endpoint: unknown): boolean {
  if (!isRecord(endpoint)) {
    return false;
  }
  const status = endpoint.status ?? 0;
  return status === 0;
}

/** The warning for a model OpenRouter is to remove (its expiration_date), if any. */
function expiringModel(settings: Settings, data: Record<string, unknown>): catalog.Text[] {
  const date = data.expiration_date;
  if (typeof date !== "string" || date.trim() === "") {
    return [];
  }
  const values = { model: settings.model, date: date.trim().slice(0, 40) };
  return [catalog.say("model.expiring", { environment: settings.environment, ...values })];
}

function chatCheck(settings: Settings, reply: Reply | null, key: KeyInfo | null = null): Check {
  if (reply === null) {
    return notRun();
  }
  if (reply.failure !== null) {
    return check("chat", "fail", reply.failure);
  }
  if (reply.status === 200 && isRecord(reply.body) && !("error" in reply.body)) {
    const text = catalog.say("chat.ok", {
      model: settings.model,
      tokens: catalog.CHAT_CHECK_TOKENS,
    });
    return check("chat", "pass", text);
  }
  if (reply.status === 200 && !isJson(reply)) {
    const text = catalog.say("reachability.malformed", { url: reply.url, status: reply.status });
    return check("chat", "fail", text);
  }
  return failed("chat", reply, settings, key);
}

/** The chat check when --chat was not given: how to run it. */
function notRun(): Check {
  return check("chat", "skip", catalog.say("chat.not_run", { tokens: catalog.CHAT_CHECK_TOKENS }));
}

function skip(name: catalog.CheckName, reason: catalog.MessageId): Check {
  return check(name, "skip", catalog.say(reason));
}

/**
 * The checks so far, then every remaining one skipped for the reason given.
 *
 * Without --chat, the chat line says how to run it instead.
 */
function skipRest(checks: Check[], reason: catalog.MessageId, chat: boolean): Check[] {
  const done = new Set(checks.map((item) => item.name));
  const rest = catalog.CHECKS.filter((name) => !done.has(name)).map((name) =>
    name === "chat" && !chat ? notRun() : skip(name, reason),
  );
  return [...checks, ...rest];
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

/** A number the server sent (parseJson already dropped huge ones). */
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
  guardOutput();
  const status = await main(process.argv.slice(2));
  // The report is out: end now, or a connection still opening (a stalled TLS handshake, say)
  // keeps Node running long past --timeout.
  process.stdout.write("", (error) => {
    if (error) {
      outputError(error);
    }
    process.exit(exitStatus(status));
  });
}

/** Whether the environment is production (a string: a project may have no production at all). */
function isProduction(environment: string): boolean {
  return environment === "production";
}
