// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * This project's keys, made and replaced by policy: npm run --silent keys -- COMMAND.
 *
 * The key policy of the env examples, executed with a management key: one key per environment,
 * named <slug>-<environment>-<date>-<time>, with the environment's monthly credit limit and, in
 * production, an expiry 90 days ahead.
 *
 * - create: a new key, saved to .env.<environment> as login saves one, guarded, then verified.
 * - list: the project's keys in every workspace, which env file holds each (by hash) and its
 *   guardrail. Never a key.
 * - rotate: find the current key by its hash, create its successor in the same place, guard it
 *   and verify it in memory; only then save it (over the old key, if the file still holds it) and
 *   delete the old key. A successor that fails is deleted and the file never changes, so the
 *   environment always has a working key in its file, even when interrupted (Ctrl-C, SIGTERM,
 *   SIGHUP). --compromised deletes the old key first.
 * - guard: the environment's guardrail (its models, its monthly budget), with the environment's
 *   key assigned to it.
 *
 * The management key (OPENROUTER_MANAGEMENT_KEY, from the process environment or .env) is only
 * ever sent to the management API (/keys, /guardrails, /workspaces); it is never printed or
 * written. Saving and checking a new key is provision.ts's, which login shares.
 */

import { statSync } from "node:fs";
import { basename, join } from "node:path";

import * as account from "./account.ts";
import * as catalog from "./catalog.ts";
import * as cli from "./cli.ts";
import {
  command,
  ENVIRONMENTS,
  exitStatus,
  guardOutput,
  keyHash,
  keyProblem,
  loadSettings,
  mask,
  PROCESS_ENVIRONMENT,
  PROJECT_SLUG,
  Problem,
  redact,
  type Settings,
} from "./config.ts";
import * as envfile from "./envfile.ts";
import * as provision from "./provision.ts";

const MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY";
const FAILED = 1;
/** Variables that would make verify check another key than the env file's. */
const OVERRIDES = ["OPENROUTER_API_KEY", "OPENROUTER_API_KEY_FILE"];
const ENVIRONMENT_HELP = `the environment: ${ENVIRONMENTS.join(", ")}`;
const TIMEOUT = {
  type: "string",
  metavar: "SECONDS",
  default: String(account.TIMEOUT_MS / 1000),
  help: `how long each request to OpenRouter may take (default: ${account.TIMEOUT_MS / 1000})`,
} as const;

const COMMANDS = {
  create: {
    name: "keys",
    subcommand: "create",
    description:
      "Create a key by the environment's policy, save it to .env.<environment>, and verify it.",
    options: {
      env: { type: "string", metavar: "NAME", help: ENVIRONMENT_HELP },
      limit: {
        type: "string",
        metavar: "USD",
        help: "monthly credit limit (default: the environment's; production needs one)",
      },
      force: { type: "boolean", help: "replace a key the env file already holds" },
      "no-guard": { type: "boolean", help: "assign no guardrail (see the guard command)" },
      timeout: TIMEOUT,
    },
  },
  guard: {
    name: "keys",
    subcommand: "guard",
    description: `Create or update the guardrail ${PROJECT_SLUG}-<environment> (the environment's models, its monthly budget, zero data retention if OPENROUTER_ZDR) and assign the environment's key to it.`,
    options: {
      env: { type: "string", metavar: "NAME", help: ENVIRONMENT_HELP },
      limit: {
        type: "string",
        metavar: "USD",
        help: "monthly budget (default: the environment's; production needs one)",
      },
      timeout: TIMEOUT,
    },
  },
  list: {
    name: "keys",
    subcommand: "list",
    description: `List the account's keys named ${PROJECT_SLUG}-*: limit, usage this month, expiry, and the env file that holds each.`,
    options: {
      json: { type: "boolean", help: "print one JSON object on stdout" },
      timeout: TIMEOUT,
    },
  },
  rotate: {
    name: "keys",
    subcommand: "rotate",
    description: "Create the key's successor, save and verify it, then delete the old key.",
    options: {
      env: { type: "string", metavar: "NAME", help: ENVIRONMENT_HELP },
      compromised: {
        type: "boolean",
        help: "the key was exposed: delete it first, then create its successor",
      },
      "no-guard": { type: "boolean", help: "assign the successor no guardrail" },
      timeout: TIMEOUT,
    },
  },
} satisfies Record<string, cli.CommandLine>;

const KEYS = {
  name: "keys",
  description: `Create, list, rotate and guard this project's keys with a management key (${MANAGEMENT_KEY}).`,
  options: {},
  positionals: "COMMAND",
} satisfies cli.CommandLine;

/** What Ctrl-C means at this moment: say where things stand, and undo a half-done step. */
let onInterrupt: (() => void) | null = null;
/** Redacted from anything printed, whatever happens. */
let managementKey = "";
/** How long each request may take, in all (--timeout). */
let timeoutMs = account.TIMEOUT_MS;

/** Run the keys command; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  // Ctrl-C, SIGTERM and SIGHUP alike: say where things stand, exit 128 + the signal.
  const stop = provision.onSignals(() => (onInterrupt ?? (() => say("keys.interrupted")))());
  try {
    const [name = "", ...rest] = argv;
    return await run(name, rest);
  } catch (error) {
    if (error instanceof cli.UsageError) {
      return cli.usageError(KEYS, error.message);
    }
    if (!(error instanceof Problem)) {
      throw error;
    }
    console.error(`error: ${redact(error.text.line(), managementKey)}`);
    return error.status;
  } finally {
    stop();
  }
}

/** Run one command (create, list, rotate, guard) with its arguments. */
async function run(name: string, argv: readonly string[]): Promise<number> {
  if (name === "create") {
    const { values } = cli.parse(COMMANDS.create, argv);
    if (values.help) {
      return showHelp(cli.help(COMMANDS.create));
    }
    timeoutMs = timeoutOf(values.timeout);
    const settings = loadSettings(required(values.env));
    managementKey = readManagementKey(settings);
    warnReadable(settings);
    return createKey(settings, values.limit, values.force ?? false, !values["no-guard"]);
  }
  if (name === "guard") {
    const { values } = cli.parse(COMMANDS.guard, argv);
    if (values.help) {
      return showHelp(cli.help(COMMANDS.guard));
    }
    timeoutMs = timeoutOf(values.timeout);
    const settings = loadSettings(required(values.env));
    managementKey = readManagementKey(settings);
    warnReadable(settings);
    return guardKey(settings, values.limit);
  }
  if (name === "list") {
    const { values } = cli.parse(COMMANDS.list, argv);
    if (values.help) {
      return showHelp(cli.help(COMMANDS.list));
    }
    timeoutMs = timeoutOf(values.timeout);
    const settings = loadSettings();
    managementKey = readManagementKey(settings);
    warnReadable(settings);
    return listKeys(settings, values.json ?? false);
  }
  if (name === "rotate") {
    const { values } = cli.parse(COMMANDS.rotate, argv);
    if (values.help) {
      return showHelp(cli.help(COMMANDS.rotate));
    }
    timeoutMs = timeoutOf(values.timeout);
    const settings = loadSettings(required(values.env));
    managementKey = readManagementKey(settings);
    warnReadable(settings);
    return rotateKey(settings, values.compromised ?? false, !values["no-guard"]);
  }
  if (name === "-h" || name === "--help") {
    return showHelp(help());
  }
  const choose = `choose a command: ${Object.keys(COMMANDS).join(", ")}`;
  throw new cli.UsageError(name ? `unknown command '${name}': ${choose}` : choose);
}

/** --timeout in milliseconds; a UsageError outside the catalog's range. */
function timeoutOf(given: string): number {
  const seconds = Number(given);
  const [least, most] = catalog.TIMEOUT_RANGE;
  if (!(seconds >= least && seconds <= most)) {
    throw new cli.UsageError(catalog.say("usage.timeout", { least, most }).message);
  }
  return seconds * 1000;
}

/** Warn when .env holds the management key and could not be made private (loadSettings tries). */
function warnReadable(settings: Settings): void {
  const inDotEnv = settings.layers.some(
    ([source, values]) => source === ".env" && Boolean(values[MANAGEMENT_KEY]),
  );
  if (inDotEnv && settings.filesLeftReadable.includes(".env")) {
    const text = catalog.say("keys.management_key_readable", { files: ".env" });
    console.error(`warning: ${text.line()}`);
  }
}

function required(environment: string | undefined): string {
  if (!environment) {
    throw new cli.UsageError("the following arguments are required: --env");
  }
  return environment;
}

function showHelp(text: string): number {
  process.stdout.write(text);
  return 0;
}

/** The top-level --help: usage, then one line per command. */
function help(): string {
  const rows = Object.entries(COMMANDS).map(
    ([name, commandLine]) => `  ${name.padEnd(10)}${commandLine.description}`,
  );
  const usage = command("keys", "COMMAND", "[options]");
  const more = command("keys", "COMMAND", "--help");
  return `usage: ${usage}\n\n${KEYS.description}\n\ncommands:\n${rows.join("\n")}\n\nSee ${more}.\n`;
}

/**
 * OPENROUTER_MANAGEMENT_KEY from the process environment, else .env; a Problem if none.
 *
 * Never from .env.<environment>: the management key is the account's, not one environment's.
 */
export function readManagementKey(settings: Settings): string {
  const sources = [PROCESS_ENVIRONMENT, ".env"];
  const found = settings.layers.find(
    ([source, values]) => sources.includes(source) && values[MANAGEMENT_KEY],
  );
  const key = found?.[1][MANAGEMENT_KEY] ?? "";
  if (!key) {
    throw new Problem(catalog.say("keys.no_management_key"));
  }
  if (keyProblem(key)) {
    throw new Problem(catalog.say("keys.bad_management_key", { masked: mask(key) }));
  }
  return key;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

function say(id: catalog.MessageId, values: Record<string, unknown> = {}): void {
  console.error(catalog.say(id, values).line());
}

/**
 * Run one step; a Ctrl-C meanwhile runs interrupted (which says where things stand) and ends the
 * process with status 130. Writes are synchronous, so the handler can finish what it must.
 */
async function step<T>(work: () => Promise<T>, interrupted: () => void): Promise<T> {
  onInterrupt = interrupted;
  try {
    return await work();
  } finally {
    onInterrupt = null;
  }
}

// --- create -----------------------------------------------------------------------

async function createKey(
  settings: Settings,
  limitGiven: string | undefined,
  force: boolean,
  guarding: boolean,
): Promise<number> {
  const { environment, envFile } = settings;
  const limitArgs = limitGiven === undefined ? [] : ["--limit", limitGiven];
  const again = command("keys", "create", "--env", environment, ...limitArgs);
  const example = command("keys", "create", "--env", environment, "--limit", "100");
  const limit = account.policyLimit(environment, limitGiven, { example });
  provision.preflight(settings, again);
  if (!force && provision.holdsKey(settings)) {
    const text = catalog.say("keys.key_exists", {
      file: basename(envFile),
      command: command("keys", "rotate", "--env", environment),
      force_command: command("keys", "create", "--env", environment, ...limitArgs, "--force"),
    });
    throw new Problem(text, FAILED);
  }
  const [models, zdr] = guarding ? guardSettings(settings) : [[], null];
  const management = new account.Management(settings, managementKey, timeoutMs);
  const body = newKey(environment, limit, "monthly");
  const [data, key] = await creating(() => management.create(body), envFile);
  await save(management, settings, key, again);
  sayCreated(data, body, envFile);
  if (guarding) {
    try {
      await guard(management, settings, keyHash(key), data, models, zdr, limit);
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      const name = typeof data.name === "string" ? data.name : String(body.name);
      const guardAgain = command("keys", "guard", "--env", environment, ...limitArgs);
      say("keys.guard_failed", { name, detail: error.text.message, command: guardAgain });
      return FAILED;
    }
  }
  return provision.check(settings, timeoutMs);
}

/** POST /keys's body for a key of the environment, by its policy. */
export function newKey(
  environment: string,
  limit: number | null,
  limitReset: string | null,
  now = new Date(),
): Record<string, unknown> {
  // To the second: two keys made the same day get two names.
  const [day = "", time = ""] = now.toISOString().slice(0, 19).replaceAll(/[-:]/g, "").split("T");
  const body: Record<string, unknown> = {
    name: account.keyLabel(environment, `-${day}-${time}`),
    limit,
    limit_reset: limitReset,
  };
  const expiresAt = account.expiry(environment, now);
  if (expiresAt !== null) {
    body.expires_at = expiresAt;
  }
  return body;
}

/** POST /keys; an interruption meanwhile leaves the env file as it was, and says so. */
function creating(
  create: () => Promise<[account.KeyRecord, string]>,
  envFile: string,
): Promise<[account.KeyRecord, string]> {
  return step(create, () =>
    say("keys.interrupted_creating", {
      file: basename(envFile),
      list_command: command("keys", "list"),
    }),
  );
}

/** Write a key just made into the environment's env file; if that fails, delete the key again. */
async function save(
  management: account.Management,
  settings: Settings,
  key: string,
  again: string,
): Promise<void> {
  try {
    provision.save(settings, key);
  } catch (error) {
    if (!(error instanceof Problem)) {
      throw error; // writeKey says any failure to write as a Problem
    }
    const file = basename(settings.envFile);
    const values = { file, detail: error.text.message, command: again };
    try {
      await management.delete(keyHash(key));
    } catch (left) {
      if (!(left instanceof Problem)) {
        throw left;
      }
      const more = { ...values, reason: left.text.message, hash: keyHash(key) };
      throw new Problem(catalog.say("keys.create_unsaved_left", more), FAILED);
    }
    throw new Problem(catalog.say("keys.create_unsaved", values), FAILED);
  }
}

/** Say what was made and where it went (and, rotating, which key it replaces). */
function sayCreated(
  data: account.KeyRecord,
  body: Record<string, unknown>,
  envFile: string,
  oldName: string | null = null,
): void {
  const expiresAt = typeof body.expires_at === "string" ? body.expires_at : null;
  say(oldName === null ? "keys.created" : "keys.successor_saved", {
    name: typeof data.name === "string" ? data.name : body.name,
    limit: limitText(number(body.limit), text(body.limit_reset)),
    expiry: expiresAt ? catalog.say("keys.expiry", { date: expiresAt.slice(0, 10) }).message : "",
    file: basename(envFile),
    old_name: oldName,
  });
}

// --- guard ------------------------------------------------------------------------

async function guardKey(settings: Settings, limitGiven: string | undefined): Promise<number> {
  const { environment, envFile } = settings;
  const limitArgs = limitGiven === undefined ? [] : ["--limit", limitGiven];
  const example = command("keys", "guard", "--env", environment, "--limit", "100");
  const limit = account.policyLimit(environment, limitGiven, { example });
  const [models, zdr] = guardSettings(settings);
  const file = basename(envFile);
  const key = isFile(envFile) ? envfile.read(envFile)?.OPENROUTER_API_KEY : undefined;
  if (!key) {
    const create = command("keys", "create", "--env", environment, ...limitArgs);
    throw new Problem(catalog.say("keys.no_key_to_guard", { file, command: create }));
  }
  const management = new account.Management(settings, managementKey, timeoutMs);
  const record = await management.get(keyHash(key));
  if (record === null) {
    const text = catalog.say("keys.unknown_key", {
      file,
      masked: mask(key),
      command: command("keys", "create", "--env", environment, "--force"),
    });
    throw new Problem(text, FAILED);
  }
  await guard(management, settings, keyHash(key), record, models, zdr, limit);
  return 0;
}

/**
 * The guardrail's models (the model, then OPENROUTER_FALLBACK_MODELS) and enforce_zdr.
 *
 * A Problem (exit 2) for an OPENROUTER_ZDR that is neither true nor false.
 */
export function guardSettings(settings: Settings): [string[], boolean | null] {
  const fallbacks = (settings.get("OPENROUTER_FALLBACK_MODELS") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part);
  const zdr = settings.get("OPENROUTER_ZDR")?.trim().toLowerCase();
  if (zdr !== undefined && zdr !== "true" && zdr !== "false") {
    throw new Problem(catalog.say("keys.bad_zdr", { command: command("verify") }));
  }
  const models = [...new Set([settings.model, ...fallbacks])];
  return [models, zdr === undefined ? null : zdr === "true"];
}

/**
 * Create or update the environment's guardrail, and assign the key (by its hash) to it.
 *
 * In the key's own workspace; a guardrail of that name already there is updated.
 */
async function guard(
  management: account.Management,
  settings: Settings,
  digest: string,
  record: account.KeyRecord,
  models: string[],
  zdr: boolean | null,
  limit: number | null,
): Promise<account.KeyRecord> {
  const name = account.keyLabel(settings.environment);
  const body: Record<string, unknown> = {
    name,
    allowed_models: models,
    limit_usd: limit,
    reset_interval: "monthly",
  };
  if (zdr !== null) {
    body.enforce_zdr = zdr;
  }
  const workspace = typeof record.workspace_id === "string" ? record.workspace_id : null;
  const found = (await management.guardrails(workspace)).find(
    (guardrail) => guardrail.name === name && typeof guardrail.id === "string",
  );
  const guardrail =
    found !== undefined
      ? await management.updateGuardrail(String(found.id), body)
      : await management.createGuardrail(workspace ? { ...body, workspace_id: workspace } : body);
  await management.assign(String(guardrail.id), digest);
  say("keys.guarded", {
    name,
    models: models.join(", "),
    limit: limitText(limit, "monthly"),
    zdr: zdr ? catalog.say("keys.guard_zdr").message : "",
    key_name: typeof record.name === "string" && record.name ? record.name : digest.slice(0, 12),
  });
  return guardrail;
}

// --- list -------------------------------------------------------------------------

/** One key as list shows it: what the management API says (printable), and where it is used. */
interface Listing {
  name: string;
  environment: string | null;
  hash: string | null;
  limit: number | null;
  limit_reset: string | null;
  usage_monthly: number | null;
  expires_at: string | null;
  disabled: boolean;
  file: string | null;
  guardrail: string | null;
}

async function listKeys(settings: Settings, json: boolean): Promise<number> {
  const prefix = `${PROJECT_SLUG}-`;
  const holders = envFilesByHash(settings.directory);
  const management = new account.Management(settings, managementKey, timeoutMs);
  const guardrails = await guardrailsByHash(management);
  // Only what list shows, of the project's keys: the rest of each page is dropped.
  const keep = (record: account.KeyRecord) =>
    typeof record.name === "string" &&
    (record.name.startsWith(prefix) || account.labelEnvironment(record.name) !== null)
      ? listing(record, holders, guardrails)
      : null;
  const rows = await management.list(keep);
  let output: string;
  if (json) {
    // Compact: both languages print the same bytes.
    output = JSON.stringify({ keys: rows });
  } else if (rows.length > 0) {
    output = table(rows);
  } else {
    const create = command("keys", "create", "--env", settings.environment);
    output = catalog.say("keys.none", { prefix, command: create }).line();
  }
  process.stdout.write(`${output}\n`);
  return 0;
}

/** Which env file holds which key, by the key's hash. */
function envFilesByHash(directory: string): Map<string, string> {
  const holders = new Map<string, string>();
  for (const name of [...ENVIRONMENTS.map((environment) => `.env.${environment}`), ".env"]) {
    const path = join(directory, name);
    const key = isFile(path) ? envfile.read(path)?.OPENROUTER_API_KEY : undefined;
    if (key && !holders.has(keyHash(key))) {
      holders.set(keyHash(key), name);
    }
  }
  return holders;
}

/** Which guardrail (by name) each key is assigned to, by the key's hash. */
async function guardrailsByHash(management: account.Management): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const guardrail of await management.guardrails()) {
    if (typeof guardrail.id === "string") {
      names.set(guardrail.id, typeof guardrail.name === "string" ? guardrail.name : guardrail.id);
    }
  }
  const found = new Map<string, string>();
  for (const assignment of await management.keyAssignments()) {
    const digest = assignment.key_hash;
    const guardrailId = assignment.guardrail_id;
    if (typeof digest === "string" && typeof guardrailId === "string") {
      found.set(digest, names.get(guardrailId) ?? guardrailId);
    }
  }
  return found;
}

function listing(
  record: account.KeyRecord,
  holders: Map<string, string>,
  guardrails: Map<string, string> = new Map(),
): Listing {
  const name = catalog.printable(String(record.name));
  const environment = account.labelEnvironment(name);
  const digest = text(record.hash);
  return {
    name,
    environment,
    hash: shown(digest),
    limit: number(record.limit),
    limit_reset: shown(record.limit_reset),
    usage_monthly: number(record.usage_monthly),
    expires_at: shown(record.expires_at),
    disabled: record.disabled === true,
    file: (digest && holders.get(digest)) ?? null,
    guardrail: shown(digest ? guardrails.get(digest) : undefined),
  };
}

/** The keys as an aligned table, one line each. */
function table(rows: Listing[]): string {
  const header = [
    "NAME",
    "ENVIRONMENT",
    "LIMIT",
    "THIS MONTH (USD)",
    "EXPIRES",
    "DISABLED",
    "FILE",
    "GUARDRAIL",
  ];
  const lines = [
    header,
    ...rows.map((row) => [
      row.name,
      row.environment ?? "-",
      limitText(row.limit, row.limit_reset),
      row.usage_monthly === null ? "-" : cents(row.usage_monthly),
      (row.expires_at ?? "never").slice(0, 10),
      row.disabled ? "yes" : "no",
      row.file ?? "-",
      row.guardrail ?? "-",
    ]),
  ];
  const widths = header.map((_, column) =>
    Math.max(...lines.map((line) => line[column]?.length ?? 0)),
  );
  return lines
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A credit limit as people read it: 10 USD monthly, 10 USD, none. */
function limitText(limit: number | null, reset: string | null): string {
  if (limit === null) {
    return "none";
  }
  return reset ? `${account.usd(limit)} USD ${reset}` : `${account.usd(limit)} USD`;
}

function cents(amount: number): string {
  // Rounded half up by hand, so that both languages print the same digits.
  return (Math.floor(amount * 100 + 0.5) / 100).toFixed(2);
}

/** A finite JSON number, else null (huge values count as absent). */
function number(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) < 1e15
    ? value
    : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** A text the server sent, as list shows it: printable (see catalog.printable). */
function shown(value: unknown): string | null {
  return typeof value === "string" ? catalog.printable(value) : null;
}

// --- rotate -----------------------------------------------------------------------

async function rotateKey(
  settings: Settings,
  compromised: boolean,
  guarding: boolean,
): Promise<number> {
  const { environment, envFile } = settings;
  const again = command(
    "keys",
    "rotate",
    "--env",
    environment,
    ...(compromised ? ["--compromised"] : []),
  );
  const file = basename(envFile);
  provision.preflight(settings, again);
  const guardrail = guarding ? guardSettings(settings) : null;
  const overriding = OVERRIDES.find((name) => process.env[name]);
  if (overriding !== undefined) {
    const values = { variable: overriding, file, command: again };
    throw new Problem(catalog.say("keys.exported_key", values));
  }
  const oldKey = isFile(envFile) ? envfile.read(envFile)?.OPENROUTER_API_KEY : undefined;
  if (!oldKey) {
    const create = command("keys", "create", "--env", environment);
    throw new Problem(catalog.say("keys.no_key_to_rotate", { file, command: create }));
  }

  const management = new account.Management(settings, managementKey, timeoutMs);
  const oldHash = keyHash(oldKey);
  const old = await management.get(oldHash);
  if (old === null) {
    const text = catalog.say("keys.unknown_key", {
      file,
      masked: mask(oldKey),
      command: command("keys", "create", "--env", environment, "--force"),
    });
    throw new Problem(text, FAILED);
  }
  const oldName = typeof old.name === "string" && old.name ? old.name : oldHash.slice(0, 12);
  const body = successor(environment, old);
  const rotation = new Rotation(settings, management, again, oldKey, oldName);
  rotation.guarding = guardrail;
  return compromised ? rotation.afterExposure(body) : rotation.replace(body);
}

/**
 * The body that creates the old key's successor: the same limit, reset, BYOK setting and
 * workspace, a new expiry.
 */
export function successor(environment: string, old: account.KeyRecord): Record<string, unknown> {
  const reset = text(old.limit_reset);
  const body = newKey(
    environment,
    number(old.limit),
    reset && ["daily", "weekly", "monthly"].includes(reset) ? reset : null,
  );
  if (typeof old.include_byok_in_limit === "boolean") {
    body.include_byok_in_limit = old.include_byok_in_limit;
  }
  if (typeof old.workspace_id === "string" && old.workspace_id) {
    body.workspace_id = old.workspace_id; // where the old key was, the new one goes
  }
  return body;
}

/** One rotation's steps. Until the old key is deleted, every way out leaves it in the file. */
class Rotation {
  readonly settings: Settings;
  readonly environment: string;
  readonly management: account.Management;
  readonly envFile: string;
  readonly again: string;
  readonly oldKey: string;
  readonly oldName: string;
  /** The guardrail's models and enforce_zdr (guardSettings()), or null: --no-guard. */
  guarding: [string[], boolean | null] | null = null;

  constructor(
    settings: Settings,
    management: account.Management,
    again: string,
    oldKey: string,
    oldName: string,
  ) {
    this.settings = settings;
    this.environment = settings.environment;
    this.management = management;
    this.envFile = settings.envFile;
    this.again = again;
    this.oldKey = oldKey;
    this.oldName = oldName;
  }

  /**
   * Create, guard and verify (in memory); save only then, and then delete the old key.
   *
   * The env file changes once, from the old working key to the new working key, and only if it
   * still holds the old one.
   */
  async replace(body: Record<string, unknown>): Promise<number> {
    const file = basename(this.envFile);
    const [data, key] = await creating(() => this.management.create(body), this.envFile);
    const name = typeof data.name === "string" ? data.name : String(body.name);
    const digest = keyHash(key);
    sayCreated(data, body, this.envFile, this.oldName);
    let status: number;
    try {
      status = await step(
        async () => {
          await this.#guard(digest, data, body);
          return provision.checkKey(this.settings, key, timeoutMs);
        },
        () =>
          say("keys.interrupted_verifying", {
            file,
            old_name: this.oldName,
            name,
            hash: digest,
            command: this.again,
          }),
      );
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      const text = catalog.say("keys.successor_unguarded", {
        name,
        detail: error.text.message,
        file,
        old_name: this.oldName,
        command: this.again,
        no_guard: `${this.again} --no-guard`,
      });
      console.error(text.line());
      await this.#deleteSuccessor(name, digest);
      return FAILED;
    }
    if (status !== 0) {
      say("keys.successor_failed", { name, file, old_name: this.oldName, command: this.again });
      await this.#deleteSuccessor(name, digest);
      return FAILED;
    }
    if (this.#held() !== this.oldKey) {
      // A login --force, an editor: theirs, not ours to replace.
      say("keys.file_changed", { file, old_name: this.oldName, command: this.again });
      await this.#deleteSuccessor(name, digest);
      return FAILED;
    }
    await save(this.management, this.settings, key, this.again);
    const oldHash = keyHash(this.oldKey);
    const values = { file, name, old_name: this.oldName, hash: oldHash };
    try {
      await step(
        () => this.management.delete(oldHash),
        () => say("keys.interrupted_deleting", values),
      );
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      say("keys.old_left", { ...values, detail: error.text.message });
      return FAILED;
    }
    say("keys.rotated", { environment: this.environment, file, name, old_name: this.oldName });
    return 0;
  }

  /** The guardrail for the key just made, unless --no-guard. */
  async #guard(digest: string, data: account.KeyRecord, body: Record<string, unknown>) {
    if (this.guarding !== null) {
      const [models, zdr] = this.guarding;
      const limit = account.POLICY_LIMITS.get(this.environment) ?? number(body.limit);
      await guard(this.management, this.settings, digest, data, models, zdr, limit);
    }
  }

  /** The key the env file holds now (undefined when it holds none or cannot be read). */
  #held(): string | undefined {
    try {
      return isFile(this.envFile) ? envfile.read(this.envFile)?.OPENROUTER_API_KEY : undefined;
    } catch (error) {
      if (error instanceof Problem) {
        return undefined;
      }
      throw error;
    }
  }

  async #deleteSuccessor(name: string, digest: string): Promise<void> {
    try {
      await this.management.delete(digest);
      say("keys.successor_deleted", { name });
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      say("keys.successor_left", { name, detail: error.text.message, hash: digest });
    }
  }

  /** --compromised: delete the exposed key first, then create, save and verify its successor. */
  async afterExposure(body: Record<string, unknown>): Promise<number> {
    await this.management.delete(keyHash(this.oldKey));
    say("keys.compromised_deleted", { old_name: this.oldName });
    const file = basename(this.envFile);
    const create = command("keys", "create", "--env", this.environment, "--force");
    let data: account.KeyRecord;
    let key: string;
    try {
      [data, key] = await step(
        async () => {
          const [made, key] = await this.management.create(body);
          await save(this.management, this.settings, key, this.again);
          return [made, key] as const;
        },
        () => say("keys.interrupted_compromised", { file, command: create }),
      );
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      console.error(`error: ${error.text.line()}`);
      say("keys.compromised_unsaved", { file, command: create });
      return FAILED;
    }
    sayCreated(data, body, this.envFile);
    try {
      await this.#guard(keyHash(key), data, body);
    } catch (error) {
      if (!(error instanceof Problem)) {
        throw error;
      }
      const name = typeof data.name === "string" ? data.name : String(body.name);
      const guardAgain = command("keys", "guard", "--env", this.environment);
      say("keys.guard_failed", { name, detail: error.text.message, command: guardAgain });
      return FAILED;
    }
    return provision.check(this.settings, timeoutMs);
  }
}

if (import.meta.main) {
  guardOutput();
  process.exitCode = exitStatus(await main(process.argv.slice(2)));
}
