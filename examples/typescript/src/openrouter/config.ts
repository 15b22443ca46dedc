// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Settings for one environment, from the process environment and .env files.
 *
 * The environment is --env, else APP_ENV, else development. Each variable takes the first
 * non-empty value of: the process environment, .env.<environment>, .env, and the defaults this
 * project was generated with. The key comes from the first of those sources that sets
 * OPENROUTER_API_KEY or OPENROUTER_API_KEY_FILE (a file holding the key, such as a mounted
 * secret); within one source, OPENROUTER_API_KEY wins.
 *
 * An app reads its own variables the same way, without editing this file:
 * loadSettings().get("MY_FEATURE_FLAG", "off").
 */

import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join, resolve } from "node:path";

import * as catalog from "./catalog.ts";
import { Problem } from "./catalog.ts";
import * as envfile from "./envfile.ts";

/** The account's key (keys reads it): an env file holding it is made private too. */
export const MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY";

export const ENVIRONMENTS = ["development", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const DEFAULT_ENVIRONMENT: Environment = "development";
/** The project's name: keys made for it are named <slug>-<environment>. */
export const PROJECT_SLUG = "my-openrouter-app";

/** The answers this project was generated with: what a setting is when nothing else sets it. */
// biome-ignore format: one answer per line, however long the answer
export const DEFAULTS: Readonly<Record<Exclude<catalog.Variable, "OPENROUTER_API_KEY">, string>> = {
  OPENROUTER_BASE_URL: catalog.DEFAULT_BASE_URL,
  OPENROUTER_HTTP_REFERER: "https://example.com",
  OPENROUTER_APP_TITLE: "My OpenRouter App",
  OPENROUTER_APP_CATEGORIES: "",
  OPENROUTER_MODEL: "google/gemini-2.5-flash-lite",
  OPENROUTER_MAX_TOKENS: String(catalog.DEFAULT_MAX_TOKENS),
};
export const PROCESS_ENVIRONMENT = "the process environment";
export const KEY_FILE = catalog.KEY_FILE_VARIABLE;
/** More than any key file needs: a path to a log or a device is refused, not read whole. */
export const KEY_FILE_LIMIT = catalog.MAX_KEY_FILE_BYTES;
/** Generous enough for a long streamed reply, short enough to notice a dead link. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** What chose the environment. */
export type SelectedBy = "--env" | "APP_ENV" | "default";

export { Problem };

// How users run this project's commands (the catalog's `commands`).
const STARTER_COMMAND = "npm start --";
const COMMAND = "npm run --silent {name} --";
// A token count: digits only, few enough that every language reads the number exactly.
const TOKENS = /^[0-9]{1,15}$/;

/**
 * How a user runs one of this project's commands (start: the starter) with these arguments.
 *
 * command("login", "--env", "staging") is "npm run --silent login -- --env staging".
 */
export function command(name: string, ...args: string[]): string {
  const spelled = name === "start" ? STARTER_COMMAND : COMMAND.replace("{name}", name);
  // The catalog's rule: a trailing " --" goes only before arguments.
  return args.length > 0 ? [spelled, ...args].join(" ") : spelled.replace(/ --$/, "");
}

/** Variables as the process environment holds them. */
export type Environ = Readonly<Record<string, string | undefined>>;

/** Where values come from, highest first: a source's name, and its variables. */
export type Layer = readonly [string, Environ];

/** What a Settings is made of, besides the key and what it derives. */
export type SettingsFields = Omit<
  Settings,
  "apiKey" | "keySource" | "layers" | "envFile" | "get" | "withKey"
>;

/**
 * Everything the app reads, for one environment.
 *
 * The key lives in a private field behind a getter, so console.log, util.inspect and
 * JSON.stringify never show it; so do the sources get() reads, which may hold it too.
 */
export class Settings {
  readonly #apiKey: string;
  readonly #layers: readonly Layer[];
  readonly environment: Environment;
  readonly selectedBy: SelectedBy;
  readonly baseUrl: string;
  readonly httpReferer: string;
  readonly appTitle: string;
  readonly appCategories: string;
  readonly model: string;
  readonly maxTokens: number;
  readonly sources: Readonly<Partial<Record<catalog.Variable, string>>>;
  readonly filesRead: readonly string[];
  readonly filesMadePrivate: readonly string[];
  readonly directory: string;
  readonly filesLeftReadable: readonly string[];

  constructor(apiKey: string, fields: SettingsFields, layers: readonly Layer[] = []) {
    this.#apiKey = apiKey;
    this.#layers = layers;
    this.environment = fields.environment;
    this.selectedBy = fields.selectedBy;
    this.baseUrl = fields.baseUrl;
    this.httpReferer = fields.httpReferer;
    this.appTitle = fields.appTitle;
    this.appCategories = fields.appCategories;
    this.model = fields.model;
    this.maxTokens = fields.maxTokens;
    this.sources = fields.sources;
    this.filesRead = fields.filesRead;
    this.filesMadePrivate = fields.filesMadePrivate;
    this.directory = fields.directory;
    this.filesLeftReadable = fields.filesLeftReadable;
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  /** Where the key came from: an env file, the environment, a key file, or nowhere. */
  get keySource(): string {
    return this.sources.OPENROUTER_API_KEY ?? "nowhere";
  }

  /** Where values come from, highest first: (source, its variables). The key may be in here. */
  get layers(): readonly Layer[] {
    return this.#layers;
  }

  /** The environment's own env file, .env.<environment>: where login and keys save keys. */
  get envFile(): string {
    return join(this.directory, `.env.${this.environment}`);
  }

  /**
   * Any variable, by the project's precedence: the process environment, .env.<environment>,
   * .env, then this project's defaults. An empty value counts as unset.
   *
   * settings.get("MY_FEATURE_FLAG", "off") reads an app's own setting; declare it, with a
   * comment, in each .env.<environment>.example so the next person knows.
   */
  get(name: string): string | undefined;
  get(name: string, fallback: string): string;
  get(name: string, fallback?: string): string | undefined {
    if (name === "OPENROUTER_API_KEY") {
      return this.#apiKey || fallback; // the key may come from OPENROUTER_API_KEY_FILE
    }
    for (const [, layer] of this.#layers) {
      const value = layer[name];
      if (value) {
        return value;
      }
    }
    const defaults: Readonly<Record<string, string>> = DEFAULTS;
    return defaults[name] || fallback;
  }

  /** The same settings with another key (the account requests send the management key). */
  withKey(apiKey: string): Settings {
    return new Settings(apiKey, this, this.#layers);
  }
}

/** The environment to use and what chose it: --env, APP_ENV or the default. */
export function selectEnvironment(
  requested?: string,
  environ: Environ = process.env,
): [Environment, SelectedBy] {
  let name: string;
  let selectedBy: SelectedBy;
  if (requested) {
    [name, selectedBy] = [requested, "--env"];
  } else if (environ.APP_ENV) {
    [name, selectedBy] = [environ.APP_ENV, "APP_ENV"];
  } else {
    [name, selectedBy] = [DEFAULT_ENVIRONMENT, "default"];
  }
  const environment = ENVIRONMENTS.find((known) => known === name);
  if (environment === undefined) {
    throw new Problem(
      catalog.say("config.unknown_environment", {
        environment: name,
        environments: ENVIRONMENTS.join(", "),
      }),
    );
  }
  return [environment, selectedBy];
}

/** Where loadSettings() looks: the current directory and process.env, unless tests say otherwise. */
export interface LoadOptions {
  directory?: string;
  environ?: Environ;
}

/** Read the settings of an environment (none given: APP_ENV or the default). */
export function loadSettings(
  requested?: string,
  { directory = process.cwd(), environ = process.env }: LoadOptions = {},
): Settings {
  const [environment, selectedBy] = selectEnvironment(requested, environ);

  // A snapshot: the settings say what the process saw when they were loaded.
  const layers: Layer[] = [[PROCESS_ENVIRONMENT, { ...environ }]];
  const filesRead: string[] = [];
  const madePrivate: string[] = [];
  const leftReadable: string[] = [];
  for (const name of [`.env.${environment}`, ".env"]) {
    const path = join(directory, name);
    if (name === ".env" && statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      continue; // a virtualenv, as older tutorials name it: not an env file
    }
    const fileValues = envfile.read(path);
    if (fileValues === undefined) {
      continue;
    }
    layers.push([name, fileValues]);
    filesRead.push(name);
    if (fileValues.OPENROUTER_API_KEY || fileValues[MANAGEMENT_KEY]) {
      const privacy = envfile.makePrivate(path);
      if (privacy === "madePrivate") {
        madePrivate.push(name);
      } else if (privacy === "leftReadable") {
        leftReadable.push(name);
      }
    }
  }

  const [key, keySource] = findKey(layers, directory);
  const values: Partial<Record<catalog.Variable, string>> = {};
  const sources: Partial<Record<catalog.Variable, string>> = keySource
    ? { OPENROUTER_API_KEY: keySource }
    : {};
  const withDefaults: Layer[] = [...layers, ["the project defaults", DEFAULTS]];
  for (const variable of catalog.VARIABLES) {
    if (variable === "OPENROUTER_API_KEY") {
      continue; // findKey's
    }
    for (const [source, layer] of withDefaults) {
      const value = layer[variable];
      if (value) {
        values[variable] = value;
        sources[variable] = source;
        break;
      }
    }
  }

  const maxTokens = values.OPENROUTER_MAX_TOKENS ?? "";
  if (!TOKENS.test(maxTokens) || Number(maxTokens) < 1) {
    const text = catalog.say("config.max_tokens", {
      value: maxTokens,
      default: catalog.DEFAULT_MAX_TOKENS,
    });
    throw new Problem(text);
  }

  return new Settings(
    key,
    {
      environment,
      selectedBy,
      baseUrl: values.OPENROUTER_BASE_URL ?? "",
      httpReferer: values.OPENROUTER_HTTP_REFERER ?? "",
      appTitle: values.OPENROUTER_APP_TITLE ?? "",
      appCategories: values.OPENROUTER_APP_CATEGORIES ?? "",
      model: values.OPENROUTER_MODEL ?? "",
      maxTokens: Number(maxTokens),
      sources,
      filesRead,
      filesMadePrivate: madePrivate,
      directory,
      filesLeftReadable: leftReadable,
    },
    layers,
  );
}

/**
 * The key and where it came from ("" and "" if no source sets one).
 *
 * The first source that sets OPENROUTER_API_KEY or OPENROUTER_API_KEY_FILE decides; within it,
 * OPENROUTER_API_KEY wins. A key file is read, never changed: secret mounts are read-only, and
 * their owner decides their mode.
 */
export function findKey(layers: readonly Layer[], directory: string): [string, string] {
  for (const [source, layer] of layers) {
    const key = layer.OPENROUTER_API_KEY;
    if (key) {
      return [key, source];
    }
    const given = layer[KEY_FILE];
    if (given) {
      return [
        readKeyFile(resolve(directory, given), given, source),
        `${given} (${KEY_FILE} in ${source})`,
      ];
    }
  }
  return ["", ""];
}

/**
 * The key a key file holds, surrounding whitespace and the final newline trimmed.
 *
 * Problem (exit 2) naming the variable and the path, never the content, when the file is missing,
 * unreadable, too large or not UTF-8. A relative path is relative to the project directory.
 */
export function readKeyFile(path: string, given: string, source: string): string {
  const values = { variable: KEY_FILE, path: given, source };
  let data: Buffer;
  try {
    data = envfile.readBounded(path, KEY_FILE_LIMIT);
  } catch (error) {
    if (!envfile.isSystemError(error)) {
      throw error;
    }
    throw new Problem(
      catalog.say("key_file.unreadable", { ...values, reason: envfile.reason(error) }),
    );
  }
  if (data.length > KEY_FILE_LIMIT) {
    throw new Problem(
      catalog.say("key_file.too_large", { ...values, limit: KEY_FILE_LIMIT / 1024 }),
    );
  }
  let key: string;
  try {
    key = envfile.decode(data).replace(/^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g, "");
  } catch (error) {
    if (!(error instanceof envfile.NotUtf8)) {
      throw error;
    }
    throw new Problem(catalog.say("key_file.not_utf8", { ...values, offset: error.offset }));
  }
  if (!key) {
    throw new Problem(catalog.say("key_file.empty", values));
  }
  return key;
}

/** The catalog id of what makes this key unusable, or null if it looks right. */
export function keyProblem(apiKey: string): catalog.MessageId | null {
  if (!apiKey) {
    return "key_format.missing";
  }
  if (!/^\p{ASCII}*$/u.test(apiKey)) {
    return "key_format.non_ascii";
  }
  // Control characters count too: no HTTP header can carry them.
  if (/[\s\p{Cc}]/u.test(apiKey)) {
    return "key_format.whitespace";
  }
  if (/["'`]/.test(apiKey)) {
    return "key_format.quotes";
  }
  if (!apiKey.startsWith(catalog.KEY_PREFIX)) {
    return "key_format.prefix";
  }
  if (catalog.KEY_PLACEHOLDER.test(apiKey.slice(catalog.KEY_PREFIX.length))) {
    return "key_format.placeholder";
  }
  return null;
}

/**
 * The catalog's text about a keyProblem(), filled in for these settings.
 *
 * A missing key's hint says what to do with what is there: the environment's env file (put the
 * key in it), only its example (copy it first), or neither.
 */
export function describeKeyProblem(settings: Settings, problem: catalog.MessageId): catalog.Text {
  const ownFile = `.env.${settings.environment}`;
  let id = problem;
  if (problem === "key_format.missing" && !settings.filesRead.includes(ownFile)) {
    const example = join(settings.directory, `${ownFile}.example`);
    const copyable = statSync(example, { throwIfNoEntry: false })?.isFile();
    id = copyable ? "key_format.missing_copy" : "key_format.missing_file";
  }
  const position = [...settings.apiKey].findIndex((character) => !/\p{ASCII}/u.test(character));
  return catalog.say(id, {
    masked: mask(settings.apiKey),
    environment: settings.environment,
    key_source: settings.keySource,
    login_command: command("login", "--env", settings.environment),
    position: position + 1,
  });
}

/** Enough of a key to tell keys apart, never enough to use one. */
export function mask(apiKey: string): string {
  const prefix = catalog.KEY_PREFIX.length;
  if (/^\p{ASCII}*$/u.test(apiKey) && apiKey.length >= prefix + 8) {
    return `${apiKey.slice(0, prefix)}…${apiKey.slice(-4)}`;
  }
  return "(hidden)";
}

/**
 * How OpenRouter names a key in its links and its API: the sha256 hex of the key.
 *
 * Not a secret: it links the key's own pages, e.g. https://openrouter.ai/keys/<hash>.
 */
export function keyHash(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex");
}

/** The text with the key, wherever it appears, replaced by its mask. */
export function redact(text: string, apiKey: string): string {
  return apiKey ? text.replaceAll(apiKey, mask(apiKey)) : text;
}

let outputFailed = false;
let outputGuarded = false;

/**
 * Handle what goes wrong with stdout from here on, as Node reports it (an "error" event, later):
 * a reader that stops early (verify --json | head -c 10, EPIPE) is no failure, and the rest is
 * dropped without a word; an output that cannot take it (> /dev/full) is one line on stderr, and
 * exit 1 (exitStatus()). Never a stack trace.
 */
export function guardOutput(): void {
  if (outputGuarded) {
    return;
  }
  outputGuarded = true;
  process.stdout.on("error", outputError);
}

/** What a failed write to stdout means (see guardOutput); a write's callback may say it first. */
export function outputError(error: NodeJS.ErrnoException): void {
  if (outputFailed || error.code === "EPIPE") {
    return;
  }
  outputFailed = true;
  process.exitCode = 1;
  const text = catalog.say("output.unwritable", { reason: envfile.reason(error) });
  console.error(`error: ${text.line()}`);
}

/** The exit status to end with: status, or 1 if stdout could not take what was printed. */
export function exitStatus(status: number): number {
  return outputFailed ? 1 : status;
}
