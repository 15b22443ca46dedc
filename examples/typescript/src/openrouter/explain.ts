// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * What an error from OpenRouter or the network means for the user, and what to do about it.
 *
 * verify, login and the starter all explain failures here, in the catalog's words: an HTTP status
 * with OpenRouter's own message, a connection that never got an answer, an error in the middle of
 * a stream.
 */

import { STATUS_CODES } from "node:http";

import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";

import * as catalog from "./catalog.ts";
import { command, DEFAULT_TIMEOUT_MS, keyHash, redact, type Settings } from "./config.ts";

/** The client stopped reading an answer (or a line of a stream) past catalog.MAX_ANSWER_BYTES. */
export class AnswerTooLarge extends APIConnectionError {
  constructor() {
    super({ message: "The answer is too large." });
  }
}

/** The values every catalog message may use, for these settings, plus the given ones. */
export function messageValues(
  settings: Settings,
  values: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    environment: settings.environment,
    host: URL.parse(settings.baseUrl)?.hostname || settings.baseUrl,
    ca_variable: "NODE_EXTRA_CA_CERTS",
    key_hash: keyHash(settings.apiKey),
    ...values,
  };
}

const RATE_LIMIT_HEADERS = [
  "Retry-After",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
];

/**
 * What an HTTP error from OpenRouter means, and what to do about it.
 *
 * error is OpenRouter's error object, when there is one: its message and metadata tell a
 * data-policy 404 or a provider's 429 apart.
 */
export function explainStatus(
  status: number,
  detail: string,
  headers: Headers,
  settings: Settings,
  error: unknown = null,
): catalog.Text {
  const values = messageValues(settings, { status, detail: redact(detail, settings.apiKey) });
  const said = isRecord(error) ? error : {};
  const message = String(said.message || "").toLowerCase();
  if (status >= 300 && status < 400) {
    return catalog.say("http.redirect", { ...values, origin: origin(headers, settings) });
  }
  const privacy = isRecord(said.availability) && said.availability.code === "privacy_restricted";
  if (status === 404 && (message.includes("data policy") || privacy)) {
    return catalog.say("http.data_policy", values);
  }
  if (status === 429) {
    const sent = RATE_LIMIT_HEADERS.flatMap((name) => {
      const value = headers.get(name);
      return value ? [`${name}: ${value}`] : [];
    });
    values.limits = sent.join("; ") || "no Retry-After";
    const retryAfter = headers.get("Retry-After") ?? "";
    const provider = isRecord(said.metadata) ? said.metadata.provider_name : undefined;
    // The provider's own limit, not OpenRouter's: it says who, or that it came from upstream.
    if (provider || message.includes("upstream")) {
      const named = typeof provider === "string" ? ` (${provider})` : "";
      const wait = waitFor(retryAfter, "a little while");
      return catalog.say("http.429_provider", { ...values, provider: named, wait });
    }
    return catalog.say("http.429", { ...values, wait: waitFor(retryAfter, "a minute") });
  }
  if (status >= 500) {
    return catalog.say("http.5xx", values);
  }
  const id = `http.${status}`;
  return catalog.say(catalog.isMessageId(id) ? id : "http.other", values);
}

function waitFor(retryAfter: string, otherwise: string): string {
  return /^\d+$/.test(retryAfter) ? `${retryAfter} s` : retryAfter || otherwise;
}

/** Where a redirect pointed: the origin of its Location, read against the base URL. */
function origin(headers: Headers, settings: Settings): string {
  const location = headers.get("Location");
  if (!location) {
    return "an address it did not name";
  }
  const target = URL.parse(location.trim(), settings.baseUrl);
  if (target === null) {
    return "an address that is not a URL";
  }
  return target.host ? `${target.protocol}//${target.host}` : location.slice(0, 100);
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
  if (error instanceof AnswerTooLarge) {
    problem = "reachability.too_large";
  } else if (
    error instanceof APIConnectionTimeoutError ||
    codes.includes("UND_ERR_CONNECT_TIMEOUT")
  ) {
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
    messageValues(settings, { timeout: timeoutMs / 1000, detail: redact(detail, settings.apiKey) }),
  );
}

/** OpenRouter's own words from an error body, on one line. */
export function errorDetail(body: unknown, fallback: string, secret = ""): string {
  const message = isRecord(body) ? body.message : undefined;
  const text = typeof message === "string" && message ? message : fallback;
  // The key (secret) is masked first: a cut made before that could keep part of an echoed key.
  return redact(text.trim().replaceAll(/\s+/g, " "), secret).slice(0, 300);
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
    const fallback = STATUS_CODES[error.status] ?? "no details";
    const detail = errorDetail(error.error, fallback, settings.apiKey);
    const headers = error.headers ?? new Headers();
    return explainStatus(error.status, detail, headers, settings, error.error);
  }
  // No status: an error chunk in the middle of a stream.
  const detail = errorDetail(error.error, error.message, settings.apiKey);
  return catalog.say(
    "starter.stream_error",
    messageValues(settings, { detail: redact(detail, settings.apiKey) }),
  );
}

/**
 * What it means when a streamed reply ends before the model finished.
 *
 * error is what reading the stream threw: the model's own error chunk, a connection cut mid-reply
 * (fetch's "terminated"), or an event that is not JSON (a proxy, or not OpenRouter at all).
 * undefined: the stream just ended, without the last chunk's finish_reason, so the connection was
 * cut between events.
 */
export function explainStream(error: unknown, settings: Settings): catalog.Text {
  if (
    error instanceof AnswerTooLarge ||
    (error instanceof APIError && !(error instanceof APIConnectionError))
  ) {
    return explain(error, settings);
  }
  const values = messageValues(settings, { verify_command: command("verify") });
  if (error instanceof SyntaxError) {
    return catalog.say("starter.stream_malformed", values);
  }
  return catalog.say("starter.stream_cut", values);
}

/** Whether a JSON value is an object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
