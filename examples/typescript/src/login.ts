/**
 * Get a key by signing in to OpenRouter: npm run --silent login -- [--env NAME].
 *
 * OpenRouter's OAuth PKCE flow (RFC 7636): a random verifier and its S256 challenge; the browser
 * opens OpenRouter's /auth page, which sends it back with a code to a one-shot server on
 * 127.0.0.1; POST /auth/keys trades the code and the verifier for a key. The key goes into
 * .env.<environment> (mode 600) and is never printed; verify then checks it and decides the exit
 * status.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { createInterface } from "node:readline/promises";

import * as catalog from "./catalog.ts";
import * as cli from "./cli.ts";
import { attributionHeaders } from "./client.ts";
import {
  command,
  ENVIRONMENTS,
  keyProblem,
  loadSettings,
  Problem,
  type Settings,
} from "./config.ts";
import * as envfile from "./envfile.ts";
import { errorDetail, isRecord, messageValues } from "./explain.ts";
import { main as verify } from "./verify.ts";

const DEFAULT_PORT = 3000;
const CALLBACK_PATH = "/callback";

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
    port: {
      type: "string",
      metavar: "N",
      help: `callback port on 127.0.0.1 (default: ${DEFAULT_PORT}, else a free one)`,
    },
    timeout: {
      type: "string",
      metavar: "SECONDS",
      default: "300",
      help: "give up after this long",
    },
    force: { type: "boolean", help: "replace a key the env file already holds" },
  },
} satisfies cli.CommandLine;

/** Login failed: exit status 1, as for any refusal (2 stays for configuration and usage). */
const FAILED = 1;

/** Run login; returns the exit status (verify's, once a key was saved). */
export async function main(argv: readonly string[]): Promise<number> {
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
    if (!(timeout > 0 && Number.isFinite(timeout))) {
      throw new cli.UsageError(catalog.say("usage.timeout").message);
    }
    const settings = loadSettings(values.env);
    const options = { port, timeoutMs: timeout * 1000, openBrowser: !values["no-browser"] };
    return await login(settings, options, values.force ?? false);
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
}

/** Sign in, save the key, then let verify check it; returns verify's exit status. */
async function login(settings: Settings, options: SignIn, force: boolean): Promise<number> {
  const envFile = join(process.cwd(), `.env.${settings.environment}`);
  const file = basename(envFile);
  if (!force && envfile.holdsKey(envFile) && !(await confirmReplace(envFile))) {
    const replace = command("login", "--env", settings.environment, "--force");
    throw new Problem(catalog.say("login.key_exists", { file, login_command: replace }), FAILED);
  }
  const key = await signIn(settings, options);
  envfile.writeKey(envFile, key);
  console.error(catalog.say("login.saved", { file }).message);
  if (process.env.OPENROUTER_API_KEY) {
    console.error(`warning: ${catalog.say("login.overridden", { file }).message}`);
  }
  return verify(["--env", settings.environment]);
}

/** Ask whether to replace the key, when there is a terminal to ask on. */
async function confirmReplace(envFile: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    return false;
  }
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await terminal.question(
      `${basename(envFile)} already holds a key. Replace it? [y/N] `,
    );
    return ["y", "yes"].includes(answer.trim().toLowerCase());
  } finally {
    terminal.close();
  }
}

interface SignIn {
  port: number | undefined;
  timeoutMs: number;
  openBrowser: boolean;
}

/** Run the PKCE flow and return the new key. */
async function signIn(
  settings: Settings,
  { port, timeoutMs, openBrowser }: SignIn,
): Promise<string> {
  const base = URL.parse(settings.baseUrl);
  if (base === null) {
    throw new Problem(catalog.say("base_url.invalid", { base_url: settings.baseUrl }), FAILED);
  }
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const server = await listen(port);
  let code: string;
  try {
    const callbackUrl = `http://localhost:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
    const query = new URLSearchParams({
      callback_url: callbackUrl,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const url = `${base.origin}/auth?${query}`;
    console.error(catalog.say("login.open", { environment: settings.environment }).message);
    console.error(url);
    const browser = openBrowser ? startBrowser(url) : null;
    const timeout = timeoutMs / 1000;
    console.error(catalog.say("login.waiting", { callback_url: callbackUrl, timeout }).message);
    code = await waitForCode(server, browser, timeoutMs);
  } finally {
    server.close();
    server.closeAllConnections();
  }
  return exchange(settings, code, verifier);
}

/** Listen on 127.0.0.1 only: the chosen port, else 3000, else any free one. */
async function listen(port: number | undefined): Promise<Server> {
  try {
    return await listenOn(port ?? DEFAULT_PORT);
  } catch {
    if (port !== undefined) {
      throw new Problem(catalog.say("login.port_taken", { port }), FAILED);
    }
    return listenOn(0);
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

/** Start $BROWSER, else the platform's opener, on the URL. */
function startBrowser(url: string): ChildProcess {
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
  // The user's own $BROWSER or the system's opener, with our URL: no shell involved.
  const child = spawn(program, args, { stdio: "ignore" });
  child.unref(); // the browser may well outlive login
  return child;
}

/** Serve the callback until it brings a code, the browser fails, or time runs out. */
function waitForCode(
  server: Server,
  browser: ChildProcess | null,
  timeoutMs: number,
): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const fail = (id: catalog.MessageId, values: Record<string, unknown> = {}) =>
    reject(new Problem(catalog.say(id, { login_command: command("login"), ...values }), FAILED));
  const timer = setTimeout(() => fail("login.timeout", { timeout: timeoutMs / 1000 }), timeoutMs);
  const noBrowser = { login_command: command("login", "--no-browser") };
  browser?.on("error", () => fail("login.no_browser", noBrowser));
  browser?.on("exit", (status) => {
    if (status !== 0) {
      fail("login.no_browser", noBrowser);
    }
  });
  server.on("request", (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== CALLBACK_PATH) {
      page(response, 404, "Not found.");
      return;
    }
    const code = url.searchParams.get("code");
    const error = url.searchParams.get("error");
    page(response, 200, catalog.say(code ? "login.page" : "login.page_failed").message, () => {
      if (code) {
        resolve(code);
      } else if (error) {
        fail("login.denied", { detail: url.searchParams.get("error_description") || error });
      } else {
        fail("login.no_code");
      }
    });
  });
  return promise.finally(() => clearTimeout(timer));
}

function page(response: ServerResponse, status: number, text: string, sent?: () => void): void {
  const body = `<!DOCTYPE html><meta charset=utf-8><title>OpenRouter sign-in</title><p>${text}</p>`;
  response.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    Connection: "close",
  });
  response.end(body, sent);
}

/** POST /auth/keys: the code and the verifier for a key. */
async function exchange(settings: Settings, code: string, verifier: string): Promise<string> {
  const url = `${settings.baseUrl.replace(/\/+$/, "")}/auth/keys`;
  let status: number;
  let body: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...attributionHeaders(settings) },
      body: JSON.stringify({ code, code_verifier: verifier, code_challenge_method: "S256" }),
      signal: AbortSignal.timeout(30_000),
    });
    status = response.status;
    body = await response.text();
  } catch (error) {
    let cause = error;
    while (cause instanceof Error && cause.cause instanceof Error) {
      cause = cause.cause;
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    const text = catalog.say("reachability.network", messageValues(settings, { detail }));
    throw new Problem(text, FAILED);
  }
  if (status < 200 || status >= 300) {
    throw new Problem(exchangeFailed(status, body), FAILED);
  }
  const key = parseJson(body)?.key;
  if (typeof key !== "string" || keyProblem(key)) {
    throw new Problem(exchangeFailed(200, ""), FAILED);
  }
  return key;
}

/** Why no key came back, in OpenRouter's words when it gave any. */
function exchangeFailed(status: number, body: string): catalog.Text {
  const answer = parseJson(body);
  const detail = answer === null ? "no key in the answer" : errorDetail(answer.error, "no details");
  return catalog.say("login.exchange_failed", {
    status,
    detail,
    login_command: command("login"),
  });
}

/** A JSON object, or null for anything else. */
function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
