// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * What login and keys share: a new key goes only where it can be saved, and is checked there.
 *
 * Both commands make a key for one environment and put it in that environment's env file,
 * settings.envFile. preflight() refuses before anything is asked of OpenRouter when that file
 * could not take the key (a key is never issued only to be lost); save() writes it as
 * envfile.writeKey() does (only the OPENROUTER_API_KEY line changes, atomically, mode 600);
 * check() runs verify's checks on it in this process and prints verify's report.
 */

import { basename } from "node:path";

import * as catalog from "./catalog.ts";
import { loadSettings, Problem, Settings } from "./config.ts";
import * as envfile from "./envfile.ts";
import * as verify from "./verify.ts";

/**
 * Throw a Problem (exit 2) when the environment's env file could not take a key.
 *
 * again is the command line the hint suggests once the file is fixed.
 */
export function preflight(settings: Settings, again: string): void {
  const reason = envfile.checkWritable(settings.envFile);
  if (reason !== null) {
    throw new Problem(
      catalog.say("login.not_writable", {
        file: basename(settings.envFile),
        reason: catalog.say(reason).message,
        command: again,
      }),
    );
  }
}

/** Whether the environment's env file already sets OPENROUTER_API_KEY. */
export function holdsKey(settings: Settings): boolean {
  return envfile.holdsKey(settings.envFile);
}

/** Put the key in the environment's env file; a Problem (envfile's words) if that fails. */
export function save(settings: Settings, key: string): void {
  envfile.writeKey(settings.envFile, key);
}

/** 128 + the signal's number, as shells report it. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Handle Ctrl-C, SIGTERM (docker stop, a CI timeout) and SIGHUP (an SSH session gone) alike: run
 * interrupted (which says where things stand and undoes a half-done step), then exit with 128 +
 * the signal. Writes are synchronous, so a handler never runs in the middle of one. Returns what
 * removes the handlers again.
 */
export function onSignals(interrupted: () => void): () => void {
  const handlers = Object.entries(SIGNALS).map(([name, status]) => {
    const handler = () => {
      interrupted();
      process.exit(status);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of handlers) {
      process.off(name, handler);
    }
  };
}

/** verify's checks of a key not saved yet (in memory), reported as verify reports them. */
export function checkKey(settings: Settings, key: string, timeoutMs?: number): Promise<number> {
  const sources = { ...settings.sources, OPENROUTER_API_KEY: "the new key, not saved yet" };
  const replaced = new Settings(key, { ...settings, sources }, settings.layers);
  return verify.run(replaced, timeoutMs === undefined ? {} : { timeoutMs });
}

/** Variables of the process environment that win over the env file's key, the first set deciding. */
export const OVERRIDES = ["OPENROUTER_API_KEY", catalog.KEY_FILE_VARIABLE] as const;

/**
 * verify's checks of the key just saved, reported as verify reports them; the exit status.
 *
 * The settings are read again, since the env file has just changed. A key the process
 * environment gives (OPENROUTER_API_KEY, or OPENROUTER_API_KEY_FILE) wins over the file for the
 * app, so the user is told; what is checked is the new key all the same, the file's. timeoutMs is
 * each request's (--timeout).
 */
export async function check(settings: Settings, timeoutMs?: number): Promise<number> {
  const overriding = OVERRIDES.find((name) => process.env[name]);
  if (overriding !== undefined) {
    const file = basename(settings.envFile);
    const text = catalog.say("login.overridden", { variable: overriding, file });
    console.error(`warning: ${text.line()}`);
  }
  const environ = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !(OVERRIDES as readonly string[]).includes(name),
    ),
  );
  let saved: Settings;
  try {
    saved = loadSettings(settings.environment, { directory: settings.directory, environ });
  } catch (error) {
    if (!(error instanceof Problem)) {
      throw error;
    }
    console.error(`error: ${error.text.line()}`);
    return error.status;
  }
  // Chosen as the user chose it (--env, APP_ENV or the default), not by this reload.
  const chosen = new Settings(
    saved.apiKey,
    { ...saved, selectedBy: settings.selectedBy },
    saved.layers,
  );
  return verify.run(chosen, timeoutMs === undefined ? {} : { timeoutMs });
}
