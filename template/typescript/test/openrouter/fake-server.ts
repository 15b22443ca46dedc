// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * A stand-in for OpenRouter's API on 127.0.0.1, so tests need no key and no network.
 *
 * It follows OpenRouter's API reference (the OpenAPI spec) for every endpoint the project
 * calls: GET /key (and the legacy /auth/key), GET /model/{author}/{slug} (variants, routers and
 * ~aliases resolved), the per-model endpoints, the public 2 MB /models catalogue, chat
 * completions (OpenAI-served models refuse fewer than 16 tokens; streams carry
 * ": OPENROUTER PROCESSING" comments and may end in an error chunk), the management API (/keys,
 * /credits), OAuth PKCE (/auth, POST /auth/keys), OpenRouter's error bodies, and an HTML 404 page
 * for every other path, which is what a wrong base URL gets.
 *
 * Any path can be switched to a canned or hostile answer: respond(), hang(), drop(), gzipBomb(),
 * malformedStream(), resetMidStream(), redirect(), rawJson(), dataPolicy404(),
 * insufficientCredits(), providerRateLimit(); restore() switches it back. respond(), hang() and
 * drop() can be limited to one method (DELETE /keys/{hash}, not GET). Headers named in
 * refusedHeaders make it answer 400, so a test fails if a client sends them.
 *
 *     const fake = await new FakeOpenRouter().start();
 *     const key = fake.addKey(undefined, { limit: 5 });
 *     fake.respond("/api/v1/key", 429, { error: "Rate limit exceeded", headers: { "Retry-After": "30" } });
 *     await fake.stop();
 *
 * Run as a command (`npm run --silent fake [-- --port N] [-- --management-key KEY]`), it is an
 * offline OpenRouter to try the app with (Node built-ins only): it prints OPENROUTER_BASE_URL=...
 * and OPENROUTER_API_KEY=... and serves until interrupted.
 */

import { createHash, randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { constants, crc32, deflateRawSync } from "node:zlib";

export const API = "/api/v1";
export const CHAT = `${API}/chat/completions`;
export const MODEL = "google/gemini-2.5-flash-lite";
export const OPENAI_MODEL = "openai/gpt-5.2";
export const ALIAS = "~openai/gpt-latest";
export const ROUTER = "openrouter/auto";
export const USER_ID = "user_2fakeOpenRouter0000000000";
export const WORKSPACE_ID = "7d6a4c3e-0f1b-4e59-9a2d-5b8c1e0f4a7d";
/** GET /keys returns the most recent 100 keys per page. */
export const PAGE_SIZE = 100;
const MIN_OPENAI_TOKENS = 16;
export const DATA_POLICY =
  "No endpoints found matching your data policy (Paid model training). " +
  "Configure: https://openrouter.ai/settings/privacy";
const HTML_404 =
  "<!DOCTYPE html><html><head><title>404: This page could not be found</title>" +
  "</head><body><h1>404</h1><p>This page could not be found.</p></body></html>";
/** Fields GET /key reports that the management API's key objects do not, and the reverse. */
const KEY_ONLY = ["is_free_tier", "is_management_key", "is_provisioning_key", "rate_limit"];
const LISTING_ONLY = ["hash", "name", "disabled", "created_at", "updated_at", "workspace_id"];
const LIMIT_RESETS = ["daily", "weekly", "monthly", null];
const USAGE = [
  "usage",
  "usage_daily",
  "usage_weekly",
  "usage_monthly",
  "byok_usage",
  "byok_usage_daily",
  "byok_usage_weekly",
  "byok_usage_monthly",
];
const PATCHABLE = ["name", "disabled", "include_byok_in_limit", "limit", "limit_reset"];
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const MODEL_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+(:[\w.-]+)?$/;

type Json = Record<string, unknown>;

/** A key shaped like OpenRouter's: sk-or-v1- and 64 hex characters. */
export function newKey(): string {
  return `sk-or-v1-${randomBytes(32).toString("hex")}`;
}

/** The key's hash as OpenRouter names it (/keys/{hash}, settings links): sha256 hex. */
export function keyHash(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** How OpenRouter labels a key: its first and last characters, "sk-or-v1-au7...890". */
export function keyLabel(key: string): string {
  return `${key.slice(0, 12)}...${key.slice(-3)}`;
}

export function utcNow(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/** What GET /key reports for an ordinary key with a 10 USD monthly limit (every spec field). */
export function keyData(overrides: Json = {}): Json {
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
    byok_usage: 0.0,
    byok_usage_daily: 0.0,
    byok_usage_weekly: 0.0,
    byok_usage_monthly: 0.0,
    is_free_tier: false,
    is_management_key: false,
    is_provisioning_key: false,
    creator_user_id: USER_ID,
    rate_limit: {
      requests: -1,
      interval: "10s",
      note: "This field is deprecated and safe to ignore.",
    },
    expires_at: null,
    ...overrides,
  };
}

/** One provider endpoint of a model, as GET /models/{author}/{slug}/endpoints lists it. */
export function endpoint(provider: string, model = MODEL): Json {
  const base = baseOf(model);
  return {
    name: `${provider} | ${base}`,
    model_id: base,
    model_name: displayName(base),
    context_length: 1048576,
    pricing: { prompt: "0.0000001", completion: "0.0000004", request: "0" },
    provider_name: provider,
    tag: provider.toLowerCase().replaceAll(" ", "-"),
    quantization: null,
    max_completion_tokens: 65536,
    max_prompt_tokens: null,
    supported_parameters: ["max_tokens", "temperature", "top_p", "stop", "seed"],
    status: 0,
    uptime_last_30m: 99.9,
    uptime_last_5m: 100.0,
    uptime_last_1d: 99.7,
    supports_implicit_caching: true,
    latency_last_30m: { p50: 310.0, p75: 420.0, p90: 610.0, p99: 1200.0 },
    throughput_last_30m: { p50: 95.0, p75: 80.0, p90: 60.0, p99: 30.0 },
  };
}

/** GET /model/{author}/{slug}'s Model for a concrete model id (":free" variants cost 0). */
export function modelData(model: string, overrides: Json = {}): Json {
  const base = baseOf(model);
  const price = model.endsWith(":free") ? "0" : "0.0000001";
  return {
    id: model,
    canonical_slug: base,
    name: displayName(model),
    created: 1750000000,
    description: `${model}, as the fake OpenRouter serves it.`,
    context_length: 1048576,
    architecture: {
      modality: "text->text",
      input_modalities: ["text"],
      output_modalities: ["text"],
      tokenizer: "Other",
      instruct_type: null,
    },
    pricing: { prompt: price, completion: price, request: "0", image: "0" },
    top_provider: {
      context_length: 1048576,
      max_completion_tokens: 65536,
      is_moderated: base.startsWith("openai/"),
    },
    per_request_limits: null,
    supported_parameters: ["max_tokens", "temperature", "top_p", "stop", "seed"],
    default_parameters: null,
    supported_voices: null,
    links: { details: `${API}/models/${model}/endpoints` },
    ...overrides,
  };
}

/** A router (openrouter/auto) as GET /model reports it: no price of its own (-1). */
export function routerData(model: string): Json {
  return modelData(model, {
    name: "Auto Router",
    description: "Picks a model for each prompt.",
    context_length: 2000000,
    architecture: {
      modality: "text->text",
      input_modalities: ["text"],
      output_modalities: ["text"],
      tokenizer: "Router",
      instruct_type: null,
    },
    pricing: { prompt: "-1", completion: "-1" },
    top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
  });
}

function baseOf(model: string): string {
  return model.split(":")[0] ?? model;
}

function displayName(model: string): string {
  const [author = "", ...slug] = model.split("/");
  return `${author.charAt(0).toUpperCase()}${author.slice(1)}: ${slug.join("/")}`;
}

function defaultEndpoints(model: string): Json[] {
  return model.startsWith("openai/")
    ? [endpoint("OpenAI", model), endpoint("Azure", model)]
    : [endpoint("DeepInfra", model), endpoint("Together", model)];
}

/**
 * A fixed answer for one path, replacing the normal behaviour. kind is "reply" (status, body,
 * headers), "hang" (accept, never answer), "drop" (close without answering), "gzipBomb",
 * "malformedStream" or "reset".
 */
interface Canned {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
  hang: boolean;
  kind: "reply" | "hang" | "drop" | "gzipBomb" | "malformedStream" | "reset";
  /** gzipBomb: how many bytes the body expands to. */
  size: number;
}

export interface RespondOptions {
  /** A JSON document to answer with. */
  json?: unknown;
  /** OpenRouter's error body for the status, with this message. */
  error?: string;
  /** The error's metadata (provider_name, raw, ...). */
  metadata?: Json;
  /** The top-level user_id OpenRouter adds to errors of a known account. */
  userId?: string;
  /** The body as it is. */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Only requests with this method (GET, POST, DELETE...). */
  method?: string;
}

/** A request as the fake received it. */
export interface Request {
  method: string;
  path: string;
  /** Lower-case names, as Node gives them. */
  headers: IncomingHttpHeaders;
  body: string;
}

/** An authorization code issued by /auth, waiting for POST /auth/keys. */
interface Grant {
  challenge: string | null;
  method: string;
  label: string | null;
  limit: number | null;
}

/** What a model id names: a concrete model, a :variant of one, a router or a ~alias. */
interface Lookup {
  kind: "model" | "variant" | "router" | "alias";
  /** The model that answers a chat. */
  concrete: string;
  endpoints: Json[];
}

/** The request was answered with an error; stop handling it. */
class Refused extends Error {}

export class FakeOpenRouter {
  /** Milliseconds to wait before answering any request. */
  latency = 0;
  keys = new Map<string, Json>();
  models = new Map<string, Json[]>([
    [MODEL, [endpoint("Google", MODEL), endpoint("Google AI Studio", MODEL)]],
    [OPENAI_MODEL, defaultEndpoints(OPENAI_MODEL)],
  ]);
  /** Overrides of the Model that GET /model reports, per model id. */
  modelInfo = new Map<string, Json>();
  aliases = new Map<string, string>([[ALIAS, OPENAI_MODEL]]);
  routers = new Set<string>([ROUTER]);
  /** Every author/slug id is known and routable (the command). */
  anyModel = false;
  reply = "Hello from the fake OpenRouter.";
  streamError: string | null = null;
  legacyKeyEndpointOnly = false;
  /** /auth redirects with ?error=<this> (e.g. access_denied). */
  authError: string | null = null;
  /** A chat asking for more tokens than this answers 402. */
  affordableTokens: number | null = null;
  /** Any request carrying one of these headers is answered 400. */
  refusedHeaders = new Set<string>();
  credits = { total_credits: 100.0, total_usage: 25.5 };
  /** The port to listen on; 0 picks a free one. */
  port = 0;
  requests: Request[] = [];
  /** Authorization codes issued, in order. */
  codes: string[] = [];
  deletedKeys: string[] = [];
  bytesSent = 0;
  /** The most requests it was answering at once. */
  maxInFlight = 0;
  #inFlight = 0;
  /** Canned answers by "METHOD path" ("* path": any method). */
  readonly #canned = new Map<string, Canned>();
  readonly #grants = new Map<string, Grant>();
  readonly #server: Server = createServer((request, response) => {
    this.#handle(request, response).catch((error: unknown) => response.destroy(error as Error));
  });

  // --- setting up -------------------------------------------------------------

  /**
   * Make a model known and routable (a :variant makes its base model known too); info
   * overrides fields of the Model that GET /model reports.
   */
  serveModel(model: string, info: Json = {}): void {
    this.models.set(model, defaultEndpoints(model));
    const base = baseOf(model);
    if (!this.models.has(base)) {
      this.models.set(base, defaultEndpoints(base));
    }
    if (Object.keys(info).length > 0) {
      this.modelInfo.set(model, info);
    }
  }

  /** A model OpenRouter knows but no provider serves: zero endpoints. */
  addUnroutableModel(model: string): void {
    this.models.set(model, []);
  }

  /** A ~author/slug alias resolving to target (made known if it is not). */
  addAlias(alias: string, target: string): void {
    if (!this.models.has(target)) {
      this.serveModel(target);
    }
    this.aliases.set(alias, target);
  }

  /** A router id like openrouter/auto: it picks a model for each request. */
  addRouter(model: string): void {
    this.routers.add(model);
  }

  /**
   * Register a key that GET /key and chat accept; data overrides keyData(). data may also set
   * the management API's fields (name, disabled, ...); a disabled key is refused like an
   * unknown one.
   */
  addKey(key: string = newKey(), data: Json = {}): string {
    const label = keyLabel(key);
    const listing = {
      label,
      hash: keyHash(key),
      name: data.label ?? label,
      disabled: false,
      created_at: utcNow(),
      updated_at: null,
      workspace_id: WORKSPACE_ID,
    };
    this.keys.set(key, keyData({ ...listing, ...data }));
    return key;
  }

  /** Register a management key: /keys and /credits accept it; chat refuses it (403). */
  addManagementKey(key: string = newKey(), data: Json = {}): string {
    const fields = {
      is_management_key: true,
      is_provisioning_key: true,
      limit: null,
      limit_remaining: null,
      limit_reset: null,
    };
    return this.addKey(key, { ...fields, ...data });
  }

  /**
   * Answer requests for path (e.g. "/api/v1/key") with this, from now on. error gives
   * OpenRouter's error body for the status (with metadata and a top-level userId when given).
   */
  respond(path: string, status = 200, options: RespondOptions = {}): void {
    const json =
      options.error === undefined
        ? options.json
        : errorBody(status, options.error, options.metadata, options.userId);
    const hang = options.hang ?? false;
    this.#canned.set(`${options.method ?? "*"} ${path}`, {
      status,
      body: options.body ?? (json === undefined ? "" : JSON.stringify(json)),
      contentType: options.contentType ?? "application/json",
      headers: options.headers ?? {},
      hang,
      kind: hang ? "hang" : "reply",
      size: 0,
    });
  }

  /** Answer path normally again. */
  restore(path: string, method = "*"): void {
    this.#canned.delete(`${method} ${path}`);
  }

  /** Accept requests for path (with that method) and never answer. */
  hang(path: string, method?: string): void {
    this.respond(path, 200, { hang: true, method });
  }

  /** Close requests for path (with that method) without answering: a network error. */
  drop(path: string, method?: string): void {
    this.#hostile(path, "drop", "", {}, method);
  }

  /** Answer with this exact JSON text: NaN, Infinity, 400-digit numbers, duplicate keys. */
  rawJson(
    path: string,
    text: string,
    options: { status?: number; headers?: Record<string, string> } = {},
  ): void {
    this.respond(path, options.status ?? 200, { body: text, headers: options.headers });
  }

  /**
   * Answer 200 with Content-Encoding: gzip, about 1 MB that inflates to `expanded` bytes. The
   * body is JSON whitespace, so only a bound on the inflated size stops a client; the fake
   * streams it from one compressed block (it stays small).
   */
  gzipBomb(path: string, options: { expanded?: number } = {}): void {
    this.#hostile(path, "gzipBomb", "application/json", { "Content-Encoding": "gzip" });
    const canned = this.#canned.get(`* ${path}`);
    if (canned !== undefined) {
      canned.size = options.expanded ?? 2 ** 30;
    }
  }

  /** Answer with an event stream whose second data: line is broken JSON, then close. */
  malformedStream(path = CHAT): void {
    this.#hostile(path, "malformedStream", "text/event-stream");
  }

  /** Start an event stream, send one chunk, then reset the connection (TCP RST). */
  resetMidStream(path = CHAT): void {
    this.#hostile(path, "reset", "text/event-stream");
  }

  /**
   * Answer with a redirect; by default to the same path on another origin: http://localhost:<port>,
   * the same fake (requests that follow it show up with that Host), but another origin to a client.
   */
  redirect(path: string, options: { location?: string; status?: number } = {}): void {
    const location = options.location ?? `http://localhost:${this.#port()}${path}`;
    this.respond(path, options.status ?? 307, { body: "", headers: { Location: location } });
  }

  /** OpenRouter's 404 when the account's privacy settings exclude every provider. */
  dataPolicy404(path = CHAT): void {
    this.respond(path, 404, { error: DATA_POLICY, userId: USER_ID });
  }

  /** OpenRouter's 402 when max_tokens times the price exceeds what the key may spend. */
  insufficientCredits(
    path = CHAT,
    options: { requested?: number; affordable?: number } = {},
  ): void {
    const message = fewerMaxTokens(options.requested ?? 1024, options.affordable ?? 27);
    this.respond(path, 402, { error: message, metadata: { provider_name: null }, userId: USER_ID });
  }

  /** A 429 from the provider (not OpenRouter's own limits), with metadata.provider_name. */
  providerRateLimit(
    path = CHAT,
    options: { provider?: string; model?: string; retryAfter?: number } = {},
  ): void {
    const message =
      `${options.model ?? MODEL} is temporarily rate-limited upstream. Please retry shortly, or ` +
      "add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations";
    const metadata = {
      raw: message,
      provider_name: options.provider ?? "DeepInfra",
      is_byok: false,
    };
    const headers: Record<string, string> =
      options.retryAfter === undefined ? {} : { "Retry-After": String(options.retryAfter) };
    this.respond(path, 429, { error: message, metadata, userId: USER_ID, headers });
  }

  #hostile(
    path: string,
    kind: Canned["kind"],
    contentType: string,
    headers: Record<string, string> = {},
    method = "*",
  ): void {
    this.#canned.set(`${method} ${path}`, {
      status: 200,
      body: "",
      contentType,
      headers,
      hang: false,
      kind,
      size: 0,
    });
  }

  // --- running ------------------------------------------------------------------

  #port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port()}`;
  }

  get baseUrl(): string {
    return this.origin + API;
  }

  /** The authorization code /auth issued last (what the headless page shows). */
  get lastCode(): string | null {
    return this.codes.at(-1) ?? null;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.port, "127.0.0.1", resolve);
    });
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

  // --- what the registries say ----------------------------------------------------

  #lookup(model: string): Lookup | null {
    if (this.routers.has(model)) {
      const routable = [...this.models].filter(([id, found]) => found.length && !id.includes(":"));
      const chosen = routable.some(([id]) => id === MODEL) ? MODEL : (routable[0]?.[0] ?? MODEL);
      return { kind: "router", concrete: chosen, endpoints: [] };
    }
    const target = this.aliases.get(model);
    if (target !== undefined) {
      const found = this.#lookup(target);
      return found === null ? null : { kind: "alias", concrete: found.concrete, endpoints: [] };
    }
    const kind = model.includes(":") ? "variant" : "model";
    const endpoints = this.models.get(model) ?? this.models.get(baseOf(model));
    if (endpoints !== undefined) {
      return { kind, concrete: model, endpoints };
    }
    if (this.anyModel && MODEL_ID.test(model) && !model.startsWith("openrouter/")) {
      return { kind, concrete: model, endpoints: defaultEndpoints(baseOf(model)) };
    }
    return null;
  }

  #modelObject(model: string): Json | null {
    const found = this.#lookup(model);
    if (found === null) {
      return null;
    }
    if (found.kind === "router") {
      return routerData(model);
    }
    if (found.kind === "alias") {
      const target = this.#modelObject(found.concrete) ?? modelData(found.concrete);
      return {
        ...target,
        id: model,
        canonical_slug: model,
        name: displayName(model.replace(/^~/, "")),
        alias_target: { slug: found.concrete, name: target.name },
        links: { details: `${API}/models/${model}/endpoints` },
      };
    }
    const info = this.modelInfo.get(model) ?? this.modelInfo.get(baseOf(model)) ?? {};
    return modelData(model, info);
  }

  #keyByHash(digest: string): string | null {
    for (const [key, record] of this.keys) {
      if (record.hash === digest && !isManagement(record)) {
        return key;
      }
    }
    return null;
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
      await this.#answer(new Exchange(this, request, response, url, body), method);
    } catch (error) {
      if (!(error instanceof Refused)) {
        throw error;
      }
    } finally {
      this.#inFlight -= 1;
    }
  }

  async #answer(exchange: Exchange, method: string): Promise<void> {
    if (this.latency) {
      await sleep(this.latency);
    }
    const refused = [...this.refusedHeaders].filter(
      (name) => exchange.request.headers[name.toLowerCase()] !== undefined,
    );
    if (refused.length > 0) {
      exchange.error(400, `This server refuses requests with ${refused.sort().join(", ")}`);
      return;
    }
    const path = exchange.url.pathname;
    const canned = this.#canned.get(`${method} ${path}`) ?? this.#canned.get(`* ${path}`);
    if (canned !== undefined) {
      this.#play(exchange, canned);
      return;
    }
    const routes: Record<string, () => void> = {
      [`GET ${API}/key`]: () => this.#key(exchange),
      [`GET ${API}/auth/key`]: () => this.#key(exchange),
      [`GET ${API}/models`]: () => this.#catalogue(exchange),
      [`POST ${CHAT}`]: () => this.#chat(exchange),
      "GET /auth": () => this.#authorize(exchange),
      [`POST ${API}/auth/keys`]: () => this.#exchangeCode(exchange),
      [`GET ${API}/keys`]: () => this.#listKeys(exchange),
      [`POST ${API}/keys`]: () => this.#createKey(exchange),
      [`GET ${API}/credits`]: () => this.#credits(exchange),
    };
    const route = routes[`${method} ${path}`];
    const rest = (prefix: string) => {
      try {
        return decodeURIComponent(path.slice(prefix.length));
      } catch {
        return path.slice(prefix.length); // a stray % : look it up as it is
      }
    };
    if (route !== undefined) {
      route();
    } else if (path === `${API}/auth/keys`) {
      exchange.error(405, "Method Not Allowed");
    } else if (
      method === "GET" &&
      path.startsWith(`${API}/models/`) &&
      path.endsWith("/endpoints")
    ) {
      this.#endpoints(exchange, rest(`${API}/models/`).slice(0, -"/endpoints".length));
    } else if (method === "GET" && path.startsWith(`${API}/model/`)) {
      this.#model(exchange, rest(`${API}/model/`));
    } else if (["GET", "PATCH", "DELETE"].includes(method) && path.startsWith(`${API}/keys/`)) {
      this.#oneKey(exchange, method, rest(`${API}/keys/`));
    } else {
      exchange.send(404, HTML_404, "text/html; charset=utf-8");
    }
  }

  #play(exchange: Exchange, canned: Canned): void {
    if (canned.kind === "gzipBomb") {
      exchange.gzipBomb(canned);
    } else if (canned.kind === "malformedStream" || canned.kind === "reset") {
      exchange.brokenStream(canned.kind, this.reply.split(" ")[0] ?? "");
    } else if (canned.kind === "reply") {
      exchange.send(canned.status, canned.body, canned.contentType, canned.headers);
    } else if (canned.kind === "drop") {
      exchange.response.socket?.destroy(); // not a byte of an answer
    } // "hang": never answer; stop() closes the connection
  }

  // --- keys -------------------------------------------------------------------------

  #key(exchange: Exchange): void {
    if (this.legacyKeyEndpointOnly && exchange.url.pathname === `${API}/key`) {
      exchange.error(404, "Not Found");
      return;
    }
    const record = this.keys.get(exchange.callerKey()) ?? {};
    exchange.json(200, { data: omit(record, LISTING_ONLY) });
  }

  #listKeys(exchange: Exchange): void {
    exchange.managementKey();
    const includeDisabled = exchange.url.searchParams.get("include_disabled") ?? "false";
    const offset = exchange.url.searchParams.get("offset") ?? "0";
    if (!["true", "false"].includes(includeDisabled) || !/^\d+$/.test(offset)) {
      exchange.error(400, "Invalid request parameters");
      return;
    }
    const listed = [...this.keys.values()]
      .reverse()
      .filter((record) => !isManagement(record) && (includeDisabled === "true" || !record.disabled))
      .map(listing);
    const start = Number(offset);
    exchange.json(200, { data: listed.slice(start, start + PAGE_SIZE) });
  }

  #createKey(exchange: Exchange): void {
    exchange.managementKey();
    const asked = exchange.jsonBody();
    const problem = keyProblem(asked, true);
    if (problem !== null) {
      exchange.error(400, `Invalid request parameters: ${problem}`);
      return;
    }
    const key = this.addKey(undefined, {
      name: asked.name,
      limit: asked.limit ?? null,
      limit_remaining: asked.limit ?? null,
      limit_reset: asked.limit_reset ?? null,
      include_byok_in_limit: asked.include_byok_in_limit ?? false,
      expires_at: asked.expires_at ?? null,
      ...Object.fromEntries(USAGE.map((name) => [name, 0.0])),
    });
    exchange.json(201, { data: listing(this.keys.get(key) ?? {}), key });
  }

  #oneKey(exchange: Exchange, method: string, digest: string): void {
    exchange.managementKey();
    const key = this.#keyByHash(digest);
    const record = key === null ? undefined : this.keys.get(key);
    if (key === null || record === undefined) {
      exchange.error(404, "Resource not found");
      return;
    }
    if (method === "DELETE") {
      this.keys.delete(key);
      this.deletedKeys.push(key);
      exchange.json(200, { deleted: true });
      return;
    }
    if (method === "PATCH") {
      const asked = exchange.jsonBody();
      const problem = keyProblem(asked, false);
      if (problem !== null) {
        exchange.error(400, `Invalid request parameters: ${problem}`);
        return;
      }
      for (const name of PATCHABLE.filter((field) => field in asked)) {
        record[name] = asked[name];
      }
      if ("limit" in asked) {
        const limit = asked.limit as number | null;
        record.limit_remaining = limit === null ? null : limit - Number(record.usage);
      }
      record.updated_at = utcNow();
    }
    exchange.json(200, { data: listing(record) });
  }

  #credits(exchange: Exchange): void {
    exchange.managementKey();
    exchange.json(200, { data: this.credits });
  }

  // --- models -----------------------------------------------------------------------

  #catalogue(exchange: Exchange): void {
    const known = [...this.models.keys(), ...this.aliases.keys(), ...this.routers]
      .map((model) => this.#modelObject(model))
      .filter((model) => model !== null);
    exchange.json(200, { data: [...known, ...catalogue()] });
  }

  #model(exchange: Exchange, model: string): void {
    const found = this.#modelObject(model);
    if (found === null) {
      exchange.error(404, `Model ${model} not found`);
      return;
    }
    exchange.json(200, { data: found });
  }

  #endpoints(exchange: Exchange, model: string): void {
    const found = this.#lookup(model);
    if (found === null) {
      exchange.error(404, `Model ${model} not found`);
      return;
    }
    const about = this.#modelObject(model) ?? modelData(model);
    const architecture = about.architecture as Json;
    exchange.json(200, {
      data: {
        id: about.id,
        name: about.name,
        created: about.created,
        description: about.description ?? "",
        architecture: { tokenizer: "Other", instruct_type: null, ...architecture },
        endpoints: found.endpoints,
      },
    });
  }

  // --- chat -------------------------------------------------------------------------

  #chat(exchange: Exchange): void {
    const record = this.keys.get(exchange.callerKey()) ?? {};
    const user = record.creator_user_id as string | undefined;
    if (isManagement(record)) {
      const message = "Management keys cannot be used to make API calls to completion endpoints";
      exchange.error(403, message, undefined, user);
      return;
    }
    const asked = exchange.jsonBody();
    const model = String(asked.model ?? "");
    const found = this.#lookup(model);
    if (found === null) {
      exchange.error(400, `${model} is not a valid model ID`, undefined, user);
      return;
    }
    if ((found.kind === "model" || found.kind === "variant") && found.endpoints.length === 0) {
      exchange.error(404, `No endpoints found for ${model}.`, undefined, user);
      return;
    }
    const limit = asked.max_completion_tokens ?? asked.max_tokens;
    if (
      found.concrete.startsWith("openai/") &&
      Number.isInteger(limit) &&
      (limit as number) < MIN_OPENAI_TOKENS
    ) {
      exchange.error(400, "Provider returned error", belowMinimum(limit as number), user);
      return;
    }
    const wanted = Number.isInteger(limit) ? (limit as number) : 65536;
    if (this.affordableTokens !== null && wanted > this.affordableTokens) {
      const message = fewerMaxTokens(wanted, this.affordableTokens);
      exchange.error(402, message, { provider_name: null }, user);
      return;
    }
    const answered = found.kind === "variant" ? model : found.concrete;
    if (!asked.stream) {
      exchange.json(200, completion(answered, this.reply, limit));
      return;
    }
    const { response } = exchange;
    response.writeHead(200, { "Content-Type": "text/event-stream" });
    exchange.write(": OPENROUTER PROCESSING\n\n");
    this.reply.split(" ").forEach((word, index) => {
      exchange.event(chunk(answered, { content: index === 0 ? word : ` ${word}` }));
      exchange.write(": OPENROUTER PROCESSING\n\n");
    });
    if (this.streamError !== null) {
      const error = {
        code: 502,
        message: this.streamError,
        metadata: { error_type: "provider_unavailable" },
      };
      exchange.event({ ...chunk(answered, { content: "" }, "error"), error });
    } else {
      exchange.event(chunk(answered, {}, "stop"));
    }
    exchange.write("data: [DONE]\n\n");
    response.end();
  }

  // --- OAuth ------------------------------------------------------------------------

  #authorize(exchange: Exchange): void {
    const query = exchange.url.searchParams;
    const callback = query.get("callback_url");
    const challenge = query.get("code_challenge");
    const method = query.get("code_challenge_method") ?? (challenge ? "plain" : "");
    const limit = query.get("limit");
    if (
      (challenge && !["S256", "plain"].includes(method)) ||
      (callback === null && !challenge) || // headless needs a challenge
      (limit !== null && !isAmount(limit))
    ) {
      exchange.send(400, "<html><body>Bad authorization request</body></html>", "text/html");
      return;
    }
    if (callback !== null && this.authError !== null) {
      exchange.redirect(callback, { error: this.authError });
      return;
    }
    const code = randomBytes(16).toString("base64url");
    this.#grants.set(code, {
      challenge: challenge || null,
      method,
      label: query.get("key_label"),
      limit: limit === null ? null : Number(limit),
    });
    this.codes.push(code);
    if (callback === null) {
      const page =
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>" +
        "<title>Authorization code</title></head><body>" +
        "<p>Copy this code into the app that asked for it:</p>" +
        `<p><code id='code'>${code}</code></p></body></html>`;
      exchange.send(200, page, "text/html; charset=utf-8");
      return;
    }
    exchange.redirect(callback, { code });
  }

  #exchangeCode(exchange: Exchange): void {
    const asked = exchange.jsonBody();
    const method = asked.code_challenge_method ?? null;
    if (typeof asked.code !== "string") {
      exchange.error(400, "Invalid request parameters");
      return;
    }
    if (!["S256", "plain", null].includes(method as string | null)) {
      exchange.error(400, "Invalid code_challenge_method");
      return;
    }
    const grant = this.#grants.get(asked.code);
    this.#grants.delete(asked.code); // single use, whatever happens next
    let verifier = String(asked.code_verifier ?? "");
    if (method === "S256") {
      verifier = createHash("sha256").update(verifier).digest("base64url");
    }
    if (grant !== undefined && grant.challenge !== null && (method ?? "plain") !== grant.method) {
      exchange.error(400, "Invalid code_challenge_method"); // not the method /auth was given
      return;
    }
    if (grant === undefined || (grant.challenge !== null && verifier !== grant.challenge)) {
      exchange.error(403, "Invalid code or code_verifier");
      return;
    }
    const data: Json = { limit: grant.limit, limit_remaining: grant.limit, limit_reset: null };
    if (grant.label !== null) {
      Object.assign(data, { label: grant.label, name: grant.label });
    }
    const usage = Object.fromEntries(USAGE.map((name) => [name, 0.0]));
    const key = this.addKey(undefined, { ...usage, ...data });
    exchange.json(200, { key, user_id: USER_ID });
  }
}

/** One request and its response, with the ways of answering it. */
class Exchange {
  readonly fake: FakeOpenRouter;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  readonly body: string;

  constructor(
    fake: FakeOpenRouter,
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    body: string,
  ) {
    this.fake = fake;
    this.request = request;
    this.response = response;
    this.url = url;
    this.body = body;
  }

  /** The caller's key if the fake knows it and it is enabled; otherwise answer 401. */
  callerKey(): string {
    const authorization = this.request.headers.authorization;
    if (authorization === undefined) {
      this.error(401, "Missing Authentication header");
      throw new Refused();
    }
    const key = authorization.replace(/^Bearer /, "");
    const record = this.fake.keys.get(key);
    if (!authorization.startsWith("Bearer ") || record === undefined || record.disabled) {
      this.error(401, "User not found.");
      throw new Refused();
    }
    return key;
  }

  managementKey(): string {
    const key = this.callerKey();
    const record = this.fake.keys.get(key) ?? {};
    if (!isManagement(record)) {
      const user = record.creator_user_id as string | undefined;
      this.error(403, "Only management keys can perform this operation", undefined, user);
      throw new Refused();
    }
    return key;
  }

  jsonBody(): Json {
    let document: unknown;
    try {
      document = JSON.parse(this.body || "{}");
    } catch {
      document = null;
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
      this.error(400, "Invalid JSON body");
      throw new Refused();
    }
    return document as Json;
  }

  redirect(callback: string, params: Record<string, string>): void {
    const separator = callback.includes("?") ? "&" : "?";
    const location = `${callback}${separator}${new URLSearchParams(params)}`;
    this.send(302, "", "text/html", { Location: location });
  }

  error(status: number, message: string, metadata?: Json, userId?: string): void {
    this.json(status, errorBody(status, message, metadata, userId));
  }

  json(status: number, document: unknown): void {
    this.send(status, JSON.stringify(document), "application/json");
  }

  send(status: number, body: string, contentType: string, headers: Record<string, string> = {}) {
    this.response.writeHead(status, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(body),
      ...headers,
    });
    this.write(body);
    this.response.end();
  }

  gzipBomb(canned: Canned): void {
    const { header, block, count, trailer } = gzipBombParts(canned.size);
    this.response.writeHead(200, {
      "Content-Type": canned.contentType,
      "Content-Length": header.length + block.length * count + trailer.length,
      ...canned.headers,
    });
    this.write(header);
    for (let i = 0; i < count; i += 1) {
      this.write(block);
    }
    this.write(trailer);
    this.response.end();
  }

  brokenStream(kind: "malformedStream" | "reset", firstWord: string): void {
    this.response.writeHead(200, { "Content-Type": "text/event-stream" });
    this.write(": OPENROUTER PROCESSING\n\n");
    this.event(chunk(MODEL, { content: firstWord }));
    if (kind === "malformedStream") {
      this.write('data: {"id":"gen-fake","choices":[{"delta":{"content":\n\n');
      this.response.end();
      return;
    }
    // Let the chunk reach the client, then close with RST instead of FIN.
    const socket = this.response.socket as Socket;
    socket.write("", () => socket.resetAndDestroy());
  }

  event(document: Json): void {
    this.write(`data: ${JSON.stringify(document)}\n\n`);
  }

  write(data: string | Buffer): void {
    this.response.write(data);
    this.fake.bytesSent += Buffer.byteLength(data);
  }
}

function isManagement(record: Json): boolean {
  return Boolean(record.is_management_key || record.is_provisioning_key);
}

function omit(record: Json, names: string[]): Json {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !names.includes(name)));
}

/** A key object of the management API: GET /key's fields without the is_* flags. */
function listing(record: Json): Json {
  return omit(record, KEY_ONLY);
}

function errorBody(status: number, message: string, metadata?: Json, userId?: string): Json {
  const error: Json = { code: status, message };
  if (metadata !== undefined) {
    error.metadata = metadata;
  }
  return userId ? { error, user_id: userId } : { error };
}

function fewerMaxTokens(requested: number, affordable: number): string {
  return (
    "This request requires more credits, or fewer max_tokens. You requested up to " +
    `${requested} tokens, but can only afford ${affordable}. To increase, visit ` +
    "https://openrouter.ai/settings/credits and upgrade to a paid account"
  );
}

function isNumber(value: unknown): boolean {
  return typeof value === "number";
}

function isAmount(text: string): boolean {
  return text.trim() !== "" && Number.isFinite(Number(text)) && Number(text) >= 0;
}

/** What is wrong with a POST /keys or PATCH /keys/{hash} body, as the spec validates it. */
function keyProblem(asked: Json, creating: boolean): string | null {
  const name = asked.name;
  if (creating && !(typeof name === "string" && name)) {
    return "name must be a non-empty string";
  }
  if ("name" in asked && typeof name !== "string") {
    return "name must be a string";
  }
  if ("limit" in asked && asked.limit !== null && !isNumber(asked.limit)) {
    return "limit must be a number or null";
  }
  if ("limit_reset" in asked && !LIMIT_RESETS.includes(asked.limit_reset as string | null)) {
    return "limit_reset must be daily, weekly, monthly or null";
  }
  const flags = creating ? ["include_byok_in_limit"] : ["include_byok_in_limit", "disabled"];
  for (const flag of flags) {
    if (flag in asked && typeof asked[flag] !== "boolean") {
      return `${flag} must be a boolean`;
    }
  }
  const expires = creating ? (asked.expires_at ?? null) : null;
  if (expires !== null && !(typeof expires === "string" && isUtc(expires))) {
    return "expires_at must be a UTC date-time with seconds (YYYY-MM-DDTHH:MM:SSZ)";
  }
  return null;
}

function isUtc(text: string): boolean {
  if (!UTC_SECONDS.test(text)) {
    return false;
  }
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === text.slice(0, 19);
}

/** OpenAI's refusal of max_tokens < 16, as OpenRouter passes it on (metadata.raw). */
function belowMinimum(limit: number): Json {
  const raw = {
    error: {
      message:
        "Invalid 'max_output_tokens': integer below minimum value. " +
        `Expected a value >= ${MIN_OPENAI_TOKENS}, but got ${limit} instead.`,
      type: "invalid_request_error",
      param: "max_output_tokens",
      code: "integer_below_min_value",
    },
  };
  return { raw: JSON.stringify(raw, null, 2), provider_name: "OpenAI", is_byok: false };
}

const bombs = new Map<number, { header: Buffer; block: Buffer; count: number; trailer: Buffer }>();

/**
 * A gzip member of `size` spaces built from one compressed 1 MiB block, repeated. A full flush
 * ends each block on a byte boundary with no back-references, so the block can be sent any
 * number of times; the trailer holds the real CRC.
 */
function gzipBombParts(size: number) {
  const cached = bombs.get(size);
  if (cached !== undefined) {
    return cached;
  }
  const unit = Buffer.alloc(2 ** 20, " ");
  const count = Math.max(1, Math.floor(size / unit.length));
  const block = deflateRawSync(unit, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let i = 0; i < count; i += 1) {
    crc = crc32(unit, crc);
  }
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0x02, 0xff]);
  const trailer = Buffer.alloc(10);
  trailer.writeUInt16BE(0x0300, 0); // an empty final block with fixed Huffman codes
  trailer.writeUInt32LE(crc >>> 0, 2);
  trailer.writeUInt32LE((count * unit.length) % 2 ** 32, 6);
  const parts = { header, block, count, trailer };
  bombs.set(size, parts);
  return parts;
}

let padding: Json[] | undefined;

/** Rows that pad OpenRouter's public model list to its real size (about 2 MB). */
function catalogue(): Json[] {
  padding ??= Array.from({ length: 1800 }, (_, i) =>
    modelData(`vendor-${Math.floor(i / 10)}/model-${i}`, {
      description: "A model of the fake catalogue, padded to OpenRouter's size. ".repeat(6),
    }),
  );
  return padding;
}

function chunk(model: string, delta: Json, finishReason: string | null = null): Json {
  return {
    id: "gen-fake",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** A whole reply, or its first maxTokens words (one word, one token). */
function completion(model: string, reply: string, maxTokens: unknown): Json {
  const words = reply.split(" ");
  const room = Number.isInteger(maxTokens) ? (maxTokens as number) : words.length;
  const cut = room < words.length;
  return {
    id: "gen-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: "fp_fake",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: cut ? words.slice(0, room).join(" ") : reply },
        finish_reason: cut ? "length" : "stop",
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };
}

// --- a server that accepts and never speaks ------------------------------------------

/**
 * A TCP listener on 127.0.0.1 that accepts connections and never sends a byte. Point an https
 * base URL at it and the TLS handshake stalls forever, as behind a broken proxy. `accepted`
 * counts connections, so a test can wait for the event.
 *
 *     const stalled = await new StalledListener().start();
 *     ... stalled.baseUrl ...
 *     await stalled.stop();
 */
export class StalledListener {
  accepted = 0;
  readonly #sockets = new Set<Socket>();
  readonly #server = createTcpServer((socket) => {
    this.accepted += 1;
    this.#sockets.add(socket);
    socket.on("error", () => {});
  });

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `https://127.0.0.1:${this.port}${API}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    const closed = new Promise((resolve) => this.#server.close(resolve));
    for (const socket of this.#sockets) {
      socket.destroy();
    }
    await closed;
  }
}

// --- the command: an offline OpenRouter to try the app with --------------------------

const USAGE_TEXT = `usage: npm run --silent fake [-- --port N] [-- --management-key KEY]

An offline fake OpenRouter on 127.0.0.1, to try the app with no key and no network. Prints
OPENROUTER_BASE_URL and OPENROUTER_API_KEY, then serves until interrupted.

  --port N                port to listen on (default: a free one)
  --management-key KEY    also accept KEY as a management key (to try the keys command)`;

/** Serve until interrupted; print the two lines the app needs to use it. Returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  let values: { port?: string; "management-key"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        "management-key": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`fake-openrouter: ${(error as Error).message.replace(/\. .*/s, "")}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE_TEXT);
    return 0;
  }
  const port = Number(values.port ?? "0");
  if (!/^\d+$/.test(values.port ?? "0") || port > 65535) {
    console.error("fake-openrouter: --port must be between 0 and 65535");
    return 2;
  }
  const fake = new FakeOpenRouter();
  fake.anyModel = true;
  fake.port = port;
  const key = fake.addKey(undefined, { name: "fake-openrouter" });
  const managementKey = values["management-key"];
  if (managementKey) {
    fake.addManagementKey(managementKey, { name: "fake-openrouter-management" });
  }
  try {
    await fake.start();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    console.error(`fake-openrouter: cannot listen on 127.0.0.1:${port}: ${reason}`);
    return 1;
  }
  const interrupted = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  process.stdout.write(`OPENROUTER_BASE_URL=${fake.baseUrl}\nOPENROUTER_API_KEY=${key}\n`);
  await interrupted;
  await fake.stop();
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
