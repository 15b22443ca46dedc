/**
 * The one place that builds OpenAI SDK clients pointed at OpenRouter.
 *
 * The starter, verify and the tests all get their client here, so what verify proves about the
 * configuration holds for the app too.
 */

import { STATUS_CODES } from "node:http";

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, type APIError } from "openai";

import * as catalog from "./catalog.ts";
import {
  ConfigError,
  describeKeyProblem,
  keyProblem,
  LOGIN_COMMAND,
  redact,
  type Settings,
} from "./config.ts";

/** Generous enough for a long streamed reply, short enough to notice a dead link. */
export const DEFAULT_TIMEOUT_MS = 120_000;

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

/** Throw ConfigError, with what to do, when the key is missing or malformed. */
export function requireUsableKey(settings: Settings): void {
  const problem = keyProblem(settings.apiKey);
  if (problem) {
    throw new ConfigError(describeKeyProblem(settings, problem));
  }
}

/**
 * An OpenAI client for OpenRouter. Throws ConfigError for an unusable key.
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

/** Values every catalog text may use, plus the given ones. */
export function context(
  settings: Settings,
  values: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    environment: settings.environment,
    host: URL.parse(settings.baseUrl)?.hostname || settings.baseUrl,
    login_command: LOGIN_COMMAND,
    ca_variable: "NODE_EXTRA_CA_CERTS",
    ...values,
  };
}

const RATE_LIMIT_HEADERS = [
  "Retry-After",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
];

/** What an HTTP error from OpenRouter means, and what to do about it. */
export function explainStatus(
  status: number,
  detail: string,
  headers: Headers,
  settings: Settings,
): catalog.Text {
  const values = context(settings, { status, detail: redact(detail, settings.apiKey) });
  if (status === 429) {
    const sent = RATE_LIMIT_HEADERS.flatMap((name) => {
      const value = headers.get(name);
      return value ? [`${name}: ${value}`] : [];
    });
    const retryAfter = headers.get("Retry-After") ?? "";
    const wait = /^\d+$/.test(retryAfter) ? `${retryAfter} s` : retryAfter || "a minute";
    return catalog.say("http.429", {
      ...values,
      limits: sent.join("; ") || "no Retry-After",
      wait,
    });
  }
  if (status >= 500) {
    return catalog.say("http.5xx", values);
  }
  const id = `http.${status}`;
  return catalog.say(catalog.isMessageId(id) ? id : "http.other", values);
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/** What a failure to get any answer means: timeout, refused, DNS, TLS... */
export function explainConnectionError(
  error: APIConnectionError,
  settings: Settings,
  timeoutMs: number,
): catalog.Text {
  // The SDK wraps fetch's TypeError, which wraps the socket's error: the codes are deep down.
  const causes: Error[] = [];
  for (let cause: unknown = error; cause instanceof Error && !causes.includes(cause); ) {
    causes.push(cause);
    cause = cause.cause;
  }
  const codes = causes.map((cause) =>
    "code" in cause && typeof cause.code === "string" ? cause.code : "",
  );
  const deepest = causes.at(-1) ?? error;
  // OpenSSL's errors carry a readable reason; their message is a raw error string.
  const reason = "reason" in deepest ? String(deepest.reason) : deepest.message;
  const detail = reason.trim().replaceAll(/\s+/g, " ") || deepest.name;
  let problem: catalog.MessageId;
  if (error instanceof APIConnectionTimeoutError || codes.includes("UND_ERR_CONNECT_TIMEOUT")) {
    problem = "reachability.timeout";
  } else if (codes.some((code) => TLS_CODES.test(code))) {
    problem = "reachability.tls";
  } else if (codes.includes("ENOTFOUND") || codes.includes("EAI_AGAIN")) {
    problem = "reachability.dns";
  } else if (codes.includes("ECONNREFUSED")) {
    problem = "reachability.refused";
  } else {
    problem = "reachability.network";
  }
  return catalog.say(
    problem,
    context(settings, { timeout: timeoutMs / 1000, detail: redact(detail, settings.apiKey) }),
  );
}

/** OpenRouter's own words from an error body, on one line. */
export function errorDetail(body: unknown, fallback: string): string {
  const message = isRecord(body) ? body.message : undefined;
  const text = typeof message === "string" && message ? message : fallback;
  return text.trim().replaceAll(/\s+/g, " ").slice(0, 300);
}

/** What any SDK error means for the user: HTTP status, network, mid-stream. */
export function explain(
  error: APIError,
  settings: Settings,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): catalog.Text {
  if (error instanceof APIConnectionError) {
    return explainConnectionError(error, settings, timeoutMs);
  }
  if (error.status !== undefined) {
    const detail = errorDetail(error.error, STATUS_CODES[error.status] ?? "no details");
    return explainStatus(error.status, detail, error.headers ?? new Headers(), settings);
  }
  // No status: an error chunk in the middle of a stream.
  const detail = errorDetail(error.error, error.message);
  return catalog.say(
    "starter.stream_error",
    context(settings, { detail: redact(detail, settings.apiKey) }),
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
