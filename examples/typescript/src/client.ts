/**
 * The one place that builds OpenAI SDK clients pointed at OpenRouter.
 *
 * The starter, verify and the tests all get their client here, so what verify proves about the
 * configuration holds for the app too. What the client's errors mean for the user is explain.ts's
 * job.
 */

import OpenAI from "openai";

import {
  DEFAULT_TIMEOUT_MS,
  describeKeyProblem,
  keyProblem,
  Problem,
  type Settings,
} from "./config.ts";

// Starters generated before explain.ts existed import explain from here.
export { explain } from "./explain.ts";

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

/** Throw a Problem, with what to do, when the key is missing or malformed. */
export function requireUsableKey(settings: Settings): void {
  const problem = keyProblem(settings.apiKey);
  if (problem) {
    throw new Problem(describeKeyProblem(settings, problem));
  }
}

/**
 * An OpenAI client for OpenRouter. Throws a Problem for an unusable key.
 *
 * timeout is in milliseconds, as the SDK counts it.
 */
export function createClient(
  settings: Settings,
  { timeout = DEFAULT_TIMEOUT_MS, maxRetries = 2 }: { timeout?: number; maxRetries?: number } = {},
): OpenAI {
  requireUsableKey(settings);
  return new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    // Authorization too, so that no OPENAI_CUSTOM_HEADERS line can replace the key.
    defaultHeaders: { ...attributionHeaders(settings), Authorization: `Bearer ${settings.apiKey}` },
    timeout,
    maxRetries,
    // Passed explicitly so that OPENAI_ADMIN_KEY, OPENAI_ORG_ID and OPENAI_PROJECT_ID from the
    // environment never reach OpenRouter.
    adminAPIKey: null,
    organization: null,
    project: null,
  });
}
