// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * The one place that builds OpenAI SDK clients pointed at OpenRouter.
 *
 * The starter, verify and the tests all get their client here, so what verify proves about the
 * configuration holds for the app too. What the client's errors mean for the user is explain.ts's
 * job.
 *
 * Beyond the base URL, the key and the attribution headers, the client guards what crosses the
 * network, whatever the environment holds:
 *
 * - no OPENAI_* variable reaches OpenRouter: the SDK turns OPENAI_ORG_ID, OPENAI_PROJECT_ID and
 *   OPENAI_CUSTOM_HEADERS into headers on every request, and the client takes them off again
 *   (Authorization is always this key);
 * - a redirect is never followed: OpenRouter's API does not redirect, so one comes from a wrong
 *   base URL or a proxy, and following it would send the request somewhere else (explain.ts
 *   reports where it pointed);
 * - an answer is read up to catalog.MAX_ANSWER_BYTES (a JSON body, or one line of a stream), and
 *   a compressed one is never inflated past that: a server cannot make the app buffer gigabytes.
 */

import OpenAI, { type ClientOptions } from "openai";
import type { Logger } from "openai/client";

import * as catalog from "./catalog.ts";
import {
  DEFAULT_TIMEOUT_MS,
  describeKeyProblem,
  keyProblem,
  Problem,
  type Settings,
} from "./config.ts";
import { AnswerTooLarge } from "./explain.ts";

/** Headers the SDK builds from OPENAI_ORG_ID and OPENAI_PROJECT_ID. */
const OPENAI_HEADERS = ["OpenAI-Organization", "OpenAI-Project"];
/** Statuses whose answers have no body, which a Response cannot be built with. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Text made safe for an HTTP header: accents stripped, other non-ASCII dropped.
 *
 * fetch refuses header values beyond Latin-1 and sends Latin-1 ones as raw bytes, so only
 * printable ASCII is certain to arrive as written.
 */
export function headerText(text: string): string {
  const printable = [...text.normalize("NFKD")].filter((c) => c >= " " && c <= "~").join("");
  return printable.split(" ").filter(Boolean).join(" ");
}

/** A URL made safe for an HTTP header: non-ASCII characters percent-encoded. */
export function headerUrl(url: string): string {
  return url.trim().replace(/[^\x21-\x7e]/gu, percentEncode);
}

/** Every UTF-8 byte of the text as %XX. */
export function percentEncode(text: string): string {
  return Array.from(
    Buffer.from(text),
    (byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");
}

/** The headers OpenRouter uses to attribute requests to this app. */
export function attributionHeaders(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = { "HTTP-Referer": headerUrl(settings.httpReferer) };
  const title = headerText(settings.appTitle);
  if (title) {
    headers["X-OpenRouter-Title"] = title;
    headers["X-Title"] = title;
  }
  const categories = settings.appCategories.split(",").map(headerText).filter(Boolean);
  if (categories.length > 0) {
    headers["X-OpenRouter-Categories"] = categories.join(",");
  }
  return headers;
}

/**
 * A JSON answer as the project reads it, or null if it is not JSON (or not UTF-8).
 *
 * JSON.parse refuses NaN and Infinity, which are not JSON. A number that is not below
 * catalog.LARGEST_NUMBER (1e400, 400 digits) reads as null.
 */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return JSON.parse(text, (_name, value: unknown) =>
      typeof value === "number" && !(Math.abs(value) < catalog.LARGEST_NUMBER) ? null : value,
    );
  } catch {
    return null;
  }
}

/** The headers the SDK adds from OPENAI_* variables, lowercase, except the ones we set. */
function unwantedHeaders(ours: Iterable<string>): string[] {
  // OPENAI_CUSTOM_HEADERS is read as the SDK reads it: "Name: value" lines.
  const lines = (process.env.OPENAI_CUSTOM_HEADERS ?? "").split("\n");
  const custom = lines.flatMap((line) => (line.includes(":") ? [line.split(":")[0] ?? ""] : []));
  const keep = new Set([...ours].map((name) => name.toLowerCase()));
  return [...OPENAI_HEADERS, ...custom]
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name && !keep.has(name));
}

/** A fetch (the global one by default), with what the client does to every request and answer. */
function guardedFetch(
  unwanted: readonly string[],
  send: NonNullable<ClientOptions["fetch"]> = fetch,
): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    for (const name of unwanted) {
      headers.delete(name);
    }
    const response = await send(input, { ...init, headers, redirect: "manual" });
    if (response.body === null || NULL_BODY.has(response.status)) {
      return response;
    }
    const { status, statusText } = response;
    const type = response.headers.get("content-type")?.split(";")[0]?.trim();
    const body = response.body.pipeThrough(bound(type === "text/event-stream"));
    return new Response(body, { status, statusText, headers: response.headers });
  };
}

/**
 * Counts an answer's bytes (fetch has inflated them already, as they are read) and errors with
 * AnswerTooLarge past the bound: a stream of events per line, any other answer as a whole.
 */
function bound(byLine: boolean): TransformStream<Uint8Array, Uint8Array> {
  let size = 0; // of the body, or of the line so far
  return new TransformStream({
    transform(chunk, controller) {
      let longest = 0;
      if (byLine) {
        for (const byte of chunk) {
          if (byte === LINE_FEED || byte === CARRIAGE_RETURN) {
            size = 0;
          } else {
            size += 1;
            longest = Math.max(longest, size);
          }
        }
      } else {
        size += chunk.byteLength;
        longest = size;
      }
      if (longest > catalog.MAX_ANSWER_BYTES) {
        controller.error(new AnswerTooLarge());
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

/** Throw a Problem, with what to do, when the key is missing or malformed. */
export function requireUsableKey(settings: Settings): void {
  const problem = keyProblem(settings.apiKey);
  if (problem) {
    throw new Problem(describeKeyProblem(settings, problem));
  }
}

/**
 * The SDK's logger, minus its error lines: this project reports every failure itself, in the
 * catalog's words, and the SDK's own lines (for a stream event that is not JSON, say) would repeat
 * it raw. OPENAI_LOG still turns its warn, info and debug lines on.
 */
const QUIET_ERRORS: Logger = {
  error: () => {},
  warn: (...args) => console.warn(...args),
  info: (...args) => console.info(...args),
  debug: (...args) => console.debug(...args),
};

/** The SDK's own client options, less the ones the settings decide (OPENROUTER_*). */
export type Options = Omit<ClientOptions, "apiKey" | "baseURL" | "defaultHeaders"> & {
  /** Headers for every request, besides the key and the attribution headers (which win). */
  defaultHeaders?: Readonly<Record<string, string>>;
};

/** What the settings decide, so no option may set it. */
const SETTINGS_OPTIONS = ["apiKey", "baseURL"];

/**
 * An OpenAI client for OpenRouter; options are the SDK's own (timeout, maxRetries, fetch...).
 *
 * timeout is in milliseconds, as the SDK counts it. The key, the base URL and the attribution
 * headers come from the settings; defaultHeaders add to them, and a fetch given is guarded as the
 * global one is. Throws a Problem for an unusable key.
 */
export function createClient(settings: Settings, options: Options = {}): OpenAI {
  const taken = SETTINGS_OPTIONS.filter((name) => name in options);
  if (taken.length > 0) {
    throw new TypeError(`${taken.join(", ")}: set by the settings (OPENROUTER_*), not an option`);
  }
  requireUsableKey(settings);
  // Authorization too, so that no OPENAI_CUSTOM_HEADERS line can replace the key.
  const headers = { ...attributionHeaders(settings), Authorization: `Bearer ${settings.apiKey}` };
  return new OpenAI({
    timeout: DEFAULT_TIMEOUT_MS,
    maxRetries: 2,
    logger: QUIET_ERRORS,
    ...options,
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    defaultHeaders: { ...options.defaultHeaders, ...headers },
    fetch: guardedFetch(unwantedHeaders(Object.keys(headers)), options.fetch),
    // Passed explicitly so that OPENAI_ADMIN_KEY, OPENAI_ORG_ID and OPENAI_PROJECT_ID from the
    // environment never reach OpenRouter.
    adminAPIKey: null,
    organization: null,
    project: null,
  });
}
