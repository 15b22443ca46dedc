/**
 * A stand-in for OpenRouter's API on 127.0.0.1, so tests need no key and no network.
 *
 * It honours what the app relies on: GET /key (and the legacy /auth/key), the per-model
 * endpoints, the public 2 MB /models catalogue, chat completions (streamed with
 * ": OPENROUTER PROCESSING" comments, optionally ending in an error chunk), OAuth PKCE (/auth,
 * POST /auth/keys), OpenRouter's error bodies, and an HTML 404 page for every other path, which
 * is what a wrong base URL gets.
 *
 *     const fake = await new FakeOpenRouter().start();
 *     const key = fake.addKey(undefined, { limit: 5 });
 *     fake.respond("/api/v1/key", 429, { error: "Rate limit exceeded", headers: { "Retry-After": "30" } });
 *     await fake.stop();
 */

import { createHash, randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export const API = "/api/v1";
export const MODEL = "google/gemini-2.5-flash-lite";
const HTML_404 =
  "<!DOCTYPE html><html><head><title>404: This page could not be found</title>" +
  "</head><body><h1>404</h1><p>This page could not be found.</p></body></html>";

/** A key shaped like OpenRouter's: sk-or-v1- and 64 hex characters. */
export function newKey(): string {
  return `sk-or-v1-${randomBytes(32).toString("hex")}`;
}

/** What GET /key reports for an ordinary key with a 10 USD monthly limit. */
export function keyData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    label: "sk-or-v1-abc...def",
    limit: 10.0,
    limit_remaining: 7.5,
    limit_reset: "monthly",
    include_byok_in_limit: false,
    usage: 2.5,
    usage_daily: 0.25,
    usage_weekly: 1.0,
    usage_monthly: 2.5,
    is_free_tier: false,
    is_management_key: false,
    is_provisioning_key: false,
    expires_at: null,
    ...overrides,
  };
}

export function endpoint(provider: string, model = MODEL): Record<string, unknown> {
  return {
    name: `${provider} | ${model}`,
    provider_name: provider,
    context_length: 1048576,
    pricing: { prompt: "0.0000001", completion: "0.0000004" },
    status: 0,
  };
}

/** A fixed answer for one path, replacing the normal behaviour. */
interface Canned {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
  hang: boolean;
}

export interface RespondOptions {
  /** A JSON document to answer with. */
  json?: unknown;
  /** OpenRouter's error body for the status, with this message. */
  error?: string;
  /** The body as it is. */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Accept the request and never answer. */
  hang?: boolean;
}

/** A request as the fake received it. */
export interface Request {
  method: string;
  path: string;
  /** Lower-case names, as Node gives them. */
  headers: IncomingHttpHeaders;
  body: string;
}

export class FakeOpenRouter {
  /** Milliseconds to wait before answering any request. */
  latency = 0;
  keys = new Map<string, Record<string, unknown>>();
  models = new Map<string, Record<string, unknown>[]>([
    [MODEL, [endpoint("Google"), endpoint("Google AI Studio")]],
  ]);
  reply = "Hello from the fake OpenRouter.";
  streamError: string | null = null;
  legacyKeyEndpointOnly = false;
  requests: Request[] = [];
  bytesSent = 0;
  /** The most requests it was answering at once. */
  maxInFlight = 0;
  #inFlight = 0;
  readonly #canned = new Map<string, Canned>();
  readonly #challenges = new Map<string, string>();
  readonly #server: Server = createServer((request, response) => {
    this.#handle(request, response).catch((error: unknown) => response.destroy(error as Error));
  });

  // --- setting up -------------------------------------------------------------

  /** Make a model known and routable, as the project's default model is. */
  serveModel(model: string): void {
    this.models.set(model, [endpoint("Provider A", model), endpoint("Provider B", model)]);
  }

  /** Register a key that GET /key accepts; data overrides keyData(). */
  addKey(key: string = newKey(), data: Record<string, unknown> = {}): string {
    this.keys.set(key, keyData(data));
    return key;
  }

  /** Answer requests for path (e.g. "/api/v1/key") with this, from now on. */
  respond(path: string, status = 200, options: RespondOptions = {}): void {
    const json =
      options.error === undefined
        ? options.json
        : { error: { code: status, message: options.error } };
    this.#canned.set(path, {
      status,
      body: options.body ?? (json === undefined ? "" : JSON.stringify(json)),
      contentType: options.contentType ?? "application/json",
      headers: options.headers ?? {},
      hang: options.hang ?? false,
    });
  }

  // --- running ------------------------------------------------------------------

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get baseUrl(): string {
    return this.origin + API;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    const closed = new Promise((resolve) => this.#server.close(resolve));
    this.#server.closeAllConnections(); // hanging requests too
    await closed;
  }

  /** The paths requested so far, in order. */
  paths(): string[] {
    return this.requests.map((request) => request.path);
  }

  // --- routes -----------------------------------------------------------------------

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", this.origin);
    const method = request.method ?? "GET";
    this.requests.push({ method, path: request.url ?? "/", headers: request.headers, body });
    this.#inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      await this.#answer(request, response, method, url, body);
    } finally {
      this.#inFlight -= 1;
    }
  }

  async #answer(
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    url: URL,
    body: string,
  ): Promise<void> {
    if (this.latency) {
      await sleep(this.latency);
    }
    const canned = this.#canned.get(url.pathname);
    if (canned !== undefined) {
      if (!canned.hang) {
        this.#send(response, canned.status, canned.body, canned.contentType, canned.headers);
      }
      return;
    }
    const path = url.pathname;
    if (method === "GET" && (path === `${API}/key` || path === `${API}/auth/key`)) {
      this.#key(request, response, path);
    } else if (method === "GET" && path === `${API}/models`) {
      this.#json(response, 200, { data: catalogue() });
    } else if (
      method === "GET" &&
      path.startsWith(`${API}/models/`) &&
      path.endsWith("/endpoints")
    ) {
      this.#endpoints(response, path.slice(`${API}/models/`.length, -"/endpoints".length));
    } else if (method === "POST" && path === `${API}/chat/completions`) {
      this.#chat(request, response, body);
    } else if (method === "GET" && path === "/auth") {
      this.#authorize(response, url.searchParams);
    } else if (method === "POST" && path === `${API}/auth/keys`) {
      this.#exchange(response, body);
    } else {
      this.#send(response, 404, HTML_404, "text/html; charset=utf-8");
    }
  }

  #key(request: IncomingMessage, response: ServerResponse, path: string): void {
    if (this.legacyKeyEndpointOnly && path === `${API}/key`) {
      this.#error(response, 404, "Not Found");
      return;
    }
    const key = this.#callerKey(request, response);
    if (key !== null) {
      this.#json(response, 200, { data: this.keys.get(key) });
    }
  }

  #endpoints(response: ServerResponse, model: string): void {
    const endpoints = this.models.get(model);
    if (endpoints === undefined) {
      this.#error(response, 404, `Model ${model} not found`);
      return;
    }
    this.#json(response, 200, { data: { id: model, name: model, endpoints } });
  }

  #chat(request: IncomingMessage, response: ServerResponse, body: string): void {
    if (this.#callerKey(request, response) === null) {
      return;
    }
    const asked = JSON.parse(body || "{}") as {
      model?: string;
      stream?: boolean;
      max_tokens?: number;
    };
    const model = asked.model ?? "";
    if (!this.models.has(model)) {
      this.#error(response, 400, `${model} is not a valid model ID`);
      return;
    }
    if (!asked.stream) {
      this.#json(response, 200, completion(model, this.reply, asked.max_tokens));
      return;
    }
    response.writeHead(200, { "Content-Type": "text/event-stream" });
    this.#write(response, ": OPENROUTER PROCESSING\n\n");
    this.reply.split(" ").forEach((word, index) => {
      this.#event(response, chunk(model, { content: index === 0 ? word : ` ${word}` }));
      this.#write(response, ": OPENROUTER PROCESSING\n\n");
    });
    if (this.streamError !== null) {
      const error = { code: 502, message: this.streamError };
      this.#event(response, { ...chunk(model, { content: "" }, "error"), error });
    } else {
      this.#event(response, chunk(model, {}, "stop"));
    }
    this.#write(response, "data: [DONE]\n\n");
    response.end();
  }

  #authorize(response: ServerResponse, query: URLSearchParams): void {
    const callback = query.get("callback_url");
    const challenge = query.get("code_challenge");
    if (!callback || query.get("code_challenge_method") !== "S256" || !challenge) {
      this.#send(response, 400, "<html><body>Bad authorization request</body></html>", "text/html");
      return;
    }
    const code = randomBytes(16).toString("base64url");
    this.#challenges.set(code, challenge);
    const separator = callback.includes("?") ? "&" : "?";
    const location = `${callback}${separator}${new URLSearchParams({ code })}`;
    this.#send(response, 302, "", "text/html", { Location: location });
  }

  #exchange(response: ServerResponse, body: string): void {
    const asked = JSON.parse(body || "{}") as Record<string, unknown>;
    const challenge = this.#challenges.get(String(asked.code));
    this.#challenges.delete(String(asked.code));
    const verifier = String(asked.code_verifier ?? "");
    const expected = createHash("sha256").update(verifier).digest("base64url");
    if (
      challenge === undefined ||
      asked.code_challenge_method !== "S256" ||
      expected !== challenge
    ) {
      this.#error(response, 403, "Invalid code or code_verifier");
      return;
    }
    const key = this.addKey(undefined, { label: "OAuth key", limit: null, limit_remaining: null });
    this.#json(response, 200, { key });
  }

  // --- helpers -------------------------------------------------------------------------

  /** The caller's key if the fake knows it; otherwise answer 401 and return null. */
  #callerKey(request: IncomingMessage, response: ServerResponse): string | null {
    const authorization = request.headers.authorization ?? "";
    const key = authorization.replace(/^Bearer /, "");
    if (!authorization.startsWith("Bearer ") || !this.keys.has(key)) {
      this.#error(response, 401, "User not found.");
      return null;
    }
    return key;
  }

  #error(response: ServerResponse, status: number, message: string): void {
    this.#json(response, status, { error: { code: status, message } });
  }

  #json(response: ServerResponse, status: number, document: unknown): void {
    this.#send(response, status, JSON.stringify(document), "application/json");
  }

  #send(
    response: ServerResponse,
    status: number,
    body: string,
    contentType: string,
    headers: Record<string, string> = {},
  ): void {
    response.writeHead(status, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(body),
      ...headers,
    });
    this.#write(response, body);
    response.end();
  }

  #event(response: ServerResponse, document: Record<string, unknown>): void {
    this.#write(response, `data: ${JSON.stringify(document)}\n\n`);
  }

  #write(response: ServerResponse, data: string): void {
    response.write(data);
    this.bytesSent += Buffer.byteLength(data);
  }
}

let models: Record<string, unknown>[] | undefined;

/** OpenRouter's public model list, padded to its real size (about 2 MB). */
function catalogue(): Record<string, unknown>[] {
  models ??= Array.from({ length: 2400 }, (_, i) => ({
    id: `vendor-${Math.floor(i / 10)}/model-${i}`,
    name: `Vendor ${Math.floor(i / 10)}: Model ${i}`,
    context_length: 131072,
    pricing: { prompt: "0.000001", completion: "0.000002" },
    description: "A model of the fake catalogue, padded to OpenRouter's size. ".repeat(12),
  }));
  return models;
}

function chunk(
  model: string,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): Record<string, unknown> {
  return {
    id: "gen-fake",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

function completion(
  model: string,
  reply: string,
  maxTokens: number | undefined,
): Record<string, unknown> {
  const content = maxTokens === 1 ? reply.split(" ")[0] : reply;
  return {
    id: "gen-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content },
        finish_reason: maxTokens === 1 ? "length" : "stop",
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };
}
