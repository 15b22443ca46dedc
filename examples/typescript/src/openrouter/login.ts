// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Get a key by signing in to OpenRouter: npm run --silent login -- [--env NAME].
 *
 * OpenRouter's OAuth PKCE flow (RFC 7636): a random verifier and its S256 challenge; the browser
 * opens OpenRouter's /auth page, which sends it back with a code to a callback server on
 * 127.0.0.1 (RFC 8252: the loopback address itself, never "localhost", which may resolve to ::1
 * first); POST /auth/keys trades the code and the verifier for a key. With --headless there is no
 * callback: OpenRouter shows the code, and the user pastes it here.
 *
 * The key follows the project's key policy: the environment's credit limit (production: --limit)
 * and the label <slug>-<environment>. It goes into .env.<environment> (mode 600) before the
 * browser is told so, and is never printed; verify then checks it and decides the exit status
 * (provision.ts, which keys shares).
 */

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import { createInterface as createPrompt } from "node:readline/promises";

import * as account from "./account.ts";
import * as catalog from "./catalog.ts";
import * as cli from "./cli.ts";
import { command, ENVIRONMENTS, keyHash, loadSettings, Problem, type Settings } from "./config.ts";
import * as provision from "./provision.ts";

const DEFAULT_PORT = 3000;
/** The callback's path starts so; each login adds a part nobody can guess (CallbackServer.path). */
const CALLBACK_PATH = "/callback";
/** How the callback pages may be used: inline CSS and nothing else, from nowhere. */
export const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'";
const LONGEST_CODE = 1024;
/** The most login reads of the line pasted at its prompt (a code is far shorter). */
export const LONGEST_LINE = 4096;
/** Variables the browser opener is not given: it needs no key. */
const SECRETS = ["OPENROUTER_API_KEY", "OPENROUTER_MANAGEMENT_KEY"];
/**
 * What a terminal must never receive from outside: control and format characters (escape
 * sequences, bidi overrides), line and paragraph separators.
 */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const COMMAND_LINE = {
  name: "login",
  description: "Sign in to OpenRouter in the browser and save a new key to .env.<environment>.",
  options: {
    env: {
      type: "string",
      metavar: "NAME",
      help: `environment whose env file gets the key: ${ENVIRONMENTS.join(", ")}`,
    },
    "no-browser": { type: "boolean", help: "only print the URL to open" },
    headless: {
      type: "boolean",
      help: "no browser here (SSH, containers): open the URL anywhere and paste the code",
    },
    port: {
      type: "string",
      metavar: "N",
      help: `callback port on 127.0.0.1 (default: ${DEFAULT_PORT}, else a free one)`,
    },
    timeout: {
      type: "string",
      metavar: "SECONDS",
      default: "300",
      help: "give up after this long, waiting for the browser or for OpenRouter",
    },
    limit: {
      type: "string",
      metavar: "USD",
      help: "the key's credit limit (default: the environment's; production needs one)",
    },
    force: { type: "boolean", help: "replace a key the env file already holds" },
  },
} satisfies cli.CommandLine;

/** Login failed: exit status 1, as for any refusal (2 stays for configuration and usage). */
const FAILED = 1;

/** Run login; returns the exit status (verify's, once a key was saved). */
export async function main(argv: readonly string[]): Promise<number> {
  const stop = provision.onSignals(() => console.error(catalog.say("login.interrupted").message));
  try {
    return await login(argv);
  } finally {
    stop();
  }
}

async function login(argv: readonly string[]): Promise<number> {
  let settings: Settings;
  let timeoutMs = 0;
  try {
    const { values } = cli.parse(COMMAND_LINE, argv);
    if (values.help) {
      process.stdout.write(cli.help(COMMAND_LINE));
      return 0;
    }
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new cli.UsageError(catalog.say("usage.port").message);
    }
    const timeout = Number(values.timeout);
    const [least, most] = catalog.TIMEOUT_RANGE;
    if (!(timeout >= least && timeout <= most)) {
      throw new cli.UsageError(catalog.say("usage.timeout", { least, most }).message);
    }
    settings = loadSettings(values.env);
    const { environment, envFile } = settings;
    const limitArgs = values.limit === undefined ? [] : ["--limit", values.limit];
    const again = command(
      "login",
      "--env",
      environment,
      ...limitArgs,
      ...(values.force ? ["--force"] : []),
    );
    const example = command("login", "--env", environment, "--limit", "100");
    const limit = account.policyLimit(environment, values.limit, { example });
    account.requireBaseUrl(settings);
    provision.preflight(settings, again);
    if (!values.force && provision.holdsKey(settings) && !(await confirmReplace(envFile))) {
      const replace = command("login", "--env", environment, ...limitArgs, "--force");
      const file = basename(envFile);
      throw new Problem(catalog.say("login.key_exists", { file, login_command: replace }), FAILED);
    }
    timeoutMs = timeout * 1000;
    const request = new Authorization(settings, limit, timeoutMs);
    if (values.headless) {
      const headless = command("login", "--env", environment, ...limitArgs, "--headless");
      const key = await signInHeadless(request, timeoutMs, headless);
      saveKey(settings, key, again);
    } else {
      const openBrowser = !values["no-browser"];
      await signIn(request, { port, timeoutMs, openBrowser, again });
    }
  } catch (error) {
    if (error instanceof cli.UsageError) {
      return cli.usageError(COMMAND_LINE, error.message);
    }
    if (!(error instanceof Problem)) {
      throw error;
    }
    console.error(`error: ${error.text.line()}`);
    return error.status;
  }
  console.error(catalog.say("login.saved", { file: basename(settings.envFile) }).message);
  return provision.check(settings, timeoutMs);
}

/** Ask whether to replace the key, when there is a terminal to ask on. */
async function confirmReplace(envFile: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    return false;
  }
  const terminal = createPrompt({ input: process.stdin, output: process.stdout });
  try {
    const answer = await terminal.question(
      `${basename(envFile)} already holds a key. Replace it? [y/N] `,
    );
    return ["y", "yes"].includes(answer.trim().toLowerCase());
  } finally {
    terminal.close();
  }
}

/**
 * Write the key into the environment's env file; a Problem (exit 1) if that fails.
 *
 * The key exists on the account by then: the message says where to delete it.
 */
function saveKey(settings: Settings, key: string, again: string): void {
  try {
    provision.save(settings, key);
  } catch (error) {
    if (!(error instanceof Problem)) {
      throw error; // writeKey says any failure to write as a Problem
    }
    const text = catalog.say("login.save_failed", {
      name: account.keyLabel(settings.environment),
      hash: keyHash(key),
      file: basename(settings.envFile),
      detail: error.text.message,
      command: again,
    });
    throw new Problem(text, FAILED);
  }
}

/** One sign-in: the PKCE verifier and the /auth URL that carries its challenge and the policy. */
class Authorization {
  readonly settings: Settings;
  readonly limit: number;
  readonly timeoutMs: number; // the exchange's, in all
  readonly #verifier = randomBytes(48).toString("base64url");
  readonly challenge = createHash("sha256").update(this.#verifier).digest("base64url");

  constructor(settings: Settings, limit: number, timeoutMs: number) {
    this.settings = settings;
    this.limit = limit;
    this.timeoutMs = timeoutMs;
  }

  /** OpenRouter's /auth page; without a callback it shows the code instead (headless). */
  url(callbackUrl: string | null): string {
    const query = new URLSearchParams(callbackUrl ? { callback_url: callbackUrl } : {});
    query.set("code_challenge", this.challenge);
    query.set("code_challenge_method", "S256");
    query.set("limit", account.usd(this.limit));
    query.set("key_label", account.keyLabel(this.settings.environment));
    // As POST /auth/keys/code takes them: the policy's monthly reset and, in production, 90 days
    // of life (verify warns of a production key without).
    query.set("usage_limit_type", "monthly");
    const expiresAt = account.expiry(this.settings.environment);
    if (expiresAt !== null) {
      query.set("expires_at", expiresAt);
    }
    return `${new URL(this.settings.baseUrl).origin}/auth?${query}`;
  }

  exchange(code: string, again: string): Promise<string> {
    const options = { startOver: again, timeoutMs: this.timeoutMs };
    return account.exchangeCode(this.settings, code, this.#verifier, options);
  }
}

interface SignIn {
  port: number | undefined;
  timeoutMs: number;
  openBrowser: boolean;
  again: string;
}

/**
 * The browser flow: wait for the callback, exchange its code, save the key, answer the page.
 *
 * The browser's page says what happened, so it is answered only once the key is saved (or
 * sign-in has failed).
 */
async function signIn(request: Authorization, options: SignIn): Promise<void> {
  const { settings } = request;
  const server = await CallbackServer.listen(options.port);
  try {
    const callbackUrl = `http://127.0.0.1:${server.port}${server.path}`;
    const url = request.url(callbackUrl);
    console.error(catalog.say("login.open", { environment: settings.environment }).message);
    console.error(url);
    const timeout = options.timeoutMs / 1000;
    console.error(catalog.say("login.waiting", { callback_url: callbackUrl, timeout }).message);
    if (options.openBrowser) {
      const headless = command("login", "--env", settings.environment, "--headless");
      startBrowser(url, catalog.say("login.no_browser", { login_command: headless }));
    }
    const callback = await server.wait(options.timeoutMs, options.again);
    try {
      if (!callback.code) {
        const values = { detail: callback.error, login_command: options.again };
        throw new Problem(catalog.say("login.denied", values), FAILED);
      }
      const key = await request.exchange(callback.code, options.again);
      saveKey(settings, key, options.again);
    } catch (error) {
      if (error instanceof Problem) {
        await server.answer(page(settings, false, error.text.message, options.again));
      }
      throw error;
    }
    const verifyCommand = command("verify", "--env", settings.environment);
    await server.answer(page(settings, true, "", verifyCommand));
  } finally {
    server.close();
  }
}

/** No callback: the user opens the URL anywhere and pastes the code OpenRouter shows. */
async function signInHeadless(
  request: Authorization,
  timeoutMs: number,
  again: string,
): Promise<string> {
  const { environment } = request.settings;
  console.error(catalog.say("login.open_headless", { environment }).message);
  console.error(request.url(null));
  process.stderr.write(catalog.say("login.paste").message);
  const code = await readCode(timeoutMs, again);
  return request.exchange(code, again);
}

/**
 * One line from stdin, within the timeout: a code, with no control characters in it.
 *
 * At most LONGEST_LINE bytes are kept: a longer line (a paste gone wrong, /dev/zero) is refused,
 * never kept whole.
 */
async function readCode(timeoutMs: number, again: string): Promise<string> {
  const typed = await readLine(LONGEST_LINE, timeoutMs);
  process.stdin.destroy(); // nothing more to read; let the process end when it is done
  if (!process.stdin.isTTY) {
    process.stderr.write("\n"); // nothing echoed the Enter: end the prompt's line
  }
  if (typed === null) {
    const timeout = timeoutMs / 1000;
    throw new Problem(catalog.say("login.timeout", { timeout, login_command: again }), FAILED);
  }
  if (typed.length > LONGEST_LINE) {
    const values = { limit: LONGEST_LINE / 1024, login_command: again };
    throw new Problem(catalog.say("login.code_too_long", values), FAILED);
  }
  const code = typed.toString("utf8").trim();
  if (!code) {
    throw new Problem(catalog.say("login.no_code", { login_command: again }), FAILED);
  }
  if (code.length > LONGEST_CODE || /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(code)) {
    throw new Problem(catalog.say("login.bad_code", { login_command: again }), FAILED);
  }
  return code;
}

/**
 * A line from stdin without its end, up to limit + 1 bytes of it (more than limit: too long);
 * null if none came within timeoutMs.
 */
function readLine(limit: number, timeoutMs: number): Promise<Buffer | null> {
  const { promise, resolve } = Promise.withResolvers<Buffer | null>();
  const parts: Buffer[] = [];
  let size = 0;
  const finish = (line: Buffer | null) => {
    clearTimeout(timer);
    process.stdin.off("data", onData).off("end", onEnd).off("error", onEnd);
    process.stdin.pause();
    resolve(line);
  };
  const onData = (chunk: Buffer) => {
    const end = chunk.indexOf(0x0a);
    const part = (end === -1 ? chunk : chunk.subarray(0, end)).subarray(0, limit + 1 - size);
    parts.push(part);
    size += part.length;
    if (size > limit || end !== -1) {
      const line = Buffer.concat(parts);
      finish(size > limit ? line : line.subarray(0, line.at(-1) === 0x0d ? -1 : undefined));
    }
  };
  const onEnd = () => finish(Buffer.concat(parts));
  const timer = setTimeout(() => finish(null), timeoutMs);
  process.stdin.on("data", onData).once("end", onEnd).once("error", onEnd);
  return promise;
}

/**
 * Text from outside (a callback's query) made safe for a terminal and a page.
 *
 * Control and format characters (escape sequences, bidi overrides) become spaces, runs of spaces
 * one, and the text is cut to limit characters.
 */
export function printable(text: string, limit = 200): string {
  const spaced = text.replace(CONTROL, " ");
  return [...spaced.split(" ").filter(Boolean).join(" ")].slice(0, limit).join("");
}

/** The page the browser ends on (catalog.LOGIN_PAGE), every value HTML-escaped. */
export function page(
  settings: Settings,
  signedIn: boolean,
  detail: string,
  nextCommand: string,
): string {
  const texts = { app_title: settings.appTitle, environment: settings.environment };
  const heading = signedIn
    ? catalog.say("login.page_signed_in", texts)
    : catalog.say("login.page_failed", { ...texts, detail });
  const next = catalog.say(signedIn ? "login.page_signed_in_next" : "login.page_failed_next");
  const values: Record<string, string> = {
    ...texts,
    outcome: signedIn ? "signed-in" : "failed",
    heading: heading.message,
    text: heading.hint ?? "",
    next: next.message,
    command: nextCommand,
  };
  const escaped = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, escapeHtml(value)]),
  );
  return catalog.fill(catalog.LOGIN_PAGE, escaped);
}

/** HTML-escaped as Python's html.escape does it, so both languages serve the same bytes. */
function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
  };
  return text.replace(/[&<>"']/g, (character) => entities[character] ?? character);
}

/** What the browser brought back: a code, or OpenRouter's error. */
interface Callback {
  code: string;
  error: string;
}

/**
 * The callback server on 127.0.0.1. Node serves every connection on its own, so none can stall
 * it. The first request to the callback with a code or an error is the answer; the page it gets
 * waits until the caller knows how sign-in ended.
 */
export class CallbackServer {
  readonly #server: Server;
  readonly #arrived = Promise.withResolvers<Callback>();
  readonly #page = Promise.withResolvers<string>();
  readonly #sent = Promise.withResolvers<void>();
  #callback: Callback | null = null;
  /** Only a request for this path, on this host, is the callback: a part per login. */
  readonly path = `${CALLBACK_PATH}/${randomBytes(16).toString("base64url")}`;

  private constructor(server: Server) {
    this.#server = server;
    server.on("request", (request, response) => this.#handle(request, response));
  }

  /** The chosen port, else 3000, else any free one. */
  static async listen(port: number | undefined): Promise<CallbackServer> {
    try {
      return new CallbackServer(await listenOn(port ?? DEFAULT_PORT));
    } catch {
      if (port !== undefined) {
        throw new Problem(catalog.say("login.port_taken", { port }), FAILED);
      }
      return new CallbackServer(await listenOn(0));
    }
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** What the browser brings back; a Problem if nothing comes in time. */
  async wait(timeoutMs: number, again: string): Promise<Callback> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const values = { timeout: timeoutMs / 1000, login_command: again };
        reject(new Problem(catalog.say("login.timeout", values), FAILED));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#arrived.promise, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Give the waiting browser its page, and wait (briefly) until it is sent. */
  async answer(body: string): Promise<void> {
    this.#page.resolve(body);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 5000);
    });
    await Promise.race([this.#sent.promise, gaveUp]);
    clearTimeout(timer);
  }

  close(): void {
    this.#server.close();
    this.#server.closeAllConnections(); // idle ones too
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const ignored = catalog.say("login.page_ignored").message;
    const host = `127.0.0.1:${this.port}`;
    if (request.method !== "GET" || url.pathname !== this.path || request.headers.host !== host) {
      // Another method, page or host name (DNS rebinding): not the callback; login keeps waiting.
      send(response, 404, ignored, "text/plain");
      return;
    }
    const code = url.searchParams.get("code") ?? "";
    const error = url.searchParams.get("error") ?? "";
    if (!code && !error) {
      // A stray page, a preconnect, a port scan: not OpenRouter.
      send(response, 400, ignored, "text/plain");
      return;
    }
    if (this.#callback === null) {
      const detail = printable(url.searchParams.get("error_description") || error);
      this.#callback = error ? { code: "", error: detail || "error" } : { code, error: "" };
      this.#arrived.resolve(this.#callback);
    }
    this.#page.promise.then((body) => {
      send(response, 200, body, "text/html", () => this.#sent.resolve());
    });
  }
}

function listenOn(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  type: string,
  sent?: () => void,
): void {
  response.writeHead(status, {
    "Content-Type": `${type}; charset=utf-8`,
    "Content-Length": Buffer.byteLength(body),
    "Content-Security-Policy": PAGE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    Connection: "close",
  });
  response.end(body, sent);
}

/**
 * Start $BROWSER, else the platform's opener, on the URL; say so if it cannot.
 *
 * Login goes on waiting either way: the user can open the URL by hand.
 */
function startBrowser(url: string, failed: catalog.Text): void {
  const browser = process.env.BROWSER?.split(/\s+/).filter(Boolean) ?? [];
  let opener: string[];
  if (browser.length > 0) {
    opener = [...browser, url];
  } else if (process.platform === "darwin") {
    opener = ["open", url];
  } else if (process.platform === "win32") {
    opener = ["rundll32", "url.dll,FileProtocolHandler", url];
  } else {
    opener = ["xdg-open", url];
  }
  const [program = "", ...args] = opener;
  const warn = () => console.error(`warning: ${failed.line()}`);
  // The user's own $BROWSER or the system's opener, with our URL: no shell involved, and no key
  // in its environment.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SECRETS.includes(name)),
  );
  const child = spawn(program, args, { stdio: "ignore", env });
  child.on("error", warn);
  child.on("exit", (status) => {
    if (status !== 0) {
      warn();
    }
  });
  child.unref(); // the browser may well outlive login
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
