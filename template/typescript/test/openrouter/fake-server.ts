// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * A stand-in for OpenRouter's API on 127.0.0.1, so tests need no key and no network.
 *
 * It follows OpenRouter's API reference (the OpenAPI spec) for every endpoint the project
 * calls: GET /key, GET /model/{author}/{slug} (variants, routers and
 * ~aliases resolved), the per-model endpoints, the public 2 MB /models catalogue (paged by offset
 * and limit), chat completions (usage with its cost; the `models` fallback list and `provider`
 * preferences; OpenAI-served models refuse fewer than 16 tokens; streams carry
 * ": OPENROUTER PROCESSING" comments, model and provider on every chunk, usage on the last, and
 * may end in an error chunk), the management API (/keys, /credits, /guardrails and their key
 * assignments; an ordinary key gets 401, or 403 where the spec documents one), OAuth PKCE (/auth,
 * POST /auth/keys), OpenRouter's error bodies, and an HTML 404 page for every other path, which
 * is what a wrong base URL gets.
 *
 * Any path can be switched to a canned or hostile answer: respond(), hang(), drop(), gzipBomb(),
 * malformedStream(), resetMidStream(), redirect(), rawJson(), dataPolicy404(),
 * insufficientCredits(), providerRateLimit(), rateLimit(), keyLimitExceeded(), trickle() (a byte
 * every half second, for ever; fatKeyPages() fills GET /keys with pages of large keys); restore() switches
 * it back. Models and keys have switches of their own: failModel() (the next of `models`
 * answers), freeModelLimit() (429 on :free models), exhaustKey() (402), endpointDown(),
 * expireModel(); addGuardrail() and assignGuardrail() set up guardrails. respond(), hang() and
 * drop() can be limited to one method (DELETE /keys/{hash}, not GET). Headers named in
 * refusedHeaders make it answer 400, so a test fails if a client sends them.
 *
 *     const fake = await new FakeOpenRouter().start();
 *     const key = fake.addKey(undefined, { limit: 5 });
 *     fake.respond("/api/v1/key", 429, { error: "Rate limit exceeded", headers: { "Retry-After": "30" } });
 *     await fake.stop();
 *
 * Run as a command (`npm run --silent fake -- [--port N] [--management-key KEY]`), it is an
 * offline OpenRouter to try the app with (Node built-ins only): it prints OPENROUTER_BASE_URL=...
 * and OPENROUTER_API_KEY=... and serves until interrupted.
 */

import { createHash, randomBytes, randomUUID } from "node:crypto";
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
/** GET /models: limit's default when offset or limit is given, and its maximum. */
export const MODELS_PAGE = 500;
export const MODELS_MAX = 1000;
/** The guardrail lists: limit's default and maximum. */
export const GUARDRAILS_PAGE = 50;
export const GUARDRAILS_MAX = 100;
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
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const NOT_MANAGEMENT = "Only management keys can perform this operation";
export const INSUFFICIENT_CREDITS =
  "Insufficient credits. Add more using https://openrouter.ai/credits";
export const FREE_MODELS_PER_DAY =
  "Rate limit exceeded: free-models-per-day. " +
  "Add 10 credits to unlock 1000 free model requests per day";
/** EndpointStatus; 0 is a working endpoint. */
export const ENDPOINT_STATUSES = [0, -1, -2, -3, -5, -10];
const GUARDRAIL_INTERVALS = ["daily", "weekly", "monthly", null];
const GUARDRAIL_LISTS = [
  "allowed_models",
  "allowed_providers",
  "ignored_models",
  "ignored_providers",
];
const ZDR_FIELDS = [
  "enforce_zdr_anthropic",
  "enforce_zdr_google",
  "enforce_zdr_openai",
  "enforce_zdr_other",
  "enforce_zdr_xai",
];
const GUARDRAIL_FLAGS = [
  "enforce_zdr",
  ...ZDR_FIELDS,
  "enable_free_model_publication",
  "enable_free_model_training",
  "enable_paid_model_training",
];
const GUARDRAIL_FILTERS = ["content_filters", "content_filter_builtins"];
const GUARDRAIL_FIELDS = [
  "name",
  "description",
  "limit_usd",
  "reset_interval",
  ...GUARDRAIL_LISTS,
  ...GUARDRAIL_FLAGS,
  ...GUARDRAIL_FILTERS,
  "include_byok_in_budgets",
  "workspace_id",
];
const PROVIDER_SORTS = ["price", "throughput", "latency", "exacto"];
const PROVIDER_FIELDS = [
  "allow_fallbacks",
  "data_collection",
  "enforce_distillable_text",
  "ignore",
  "max_price",
  "only",
  "order",
  "preferred_max_latency",
  "preferred_min_throughput",
  "quantizations",
  "require_parameters",
  "sort",
  "zdr",
];
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request",
  402: "payment_required",
  403: "permission_denied",
  404: "not_found",
  408: "timeout",
  429: "rate_limit_exceeded",
  502: "provider_unavailable",
  503: "provider_overloaded",
};

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
    expiration_date: null,
    ...overrides,
  };
}

/**
 * A guardrail as the management API reports it (every field of the spec's Guardrail). The
 * deprecated enforce_zdr, when given, is copied into each enforce_zdr_<provider> field not
 * given, as the spec says.
 */
/** A workspace as GET /workspaces reports it (every required field of the spec's Workspace). */
export function workspaceData(workspaceId: string, name: string): Json {
  return {
    id: workspaceId,
    name,
    slug: name
      .toLowerCase()
      .replaceAll(/[^a-z0-9]+/g, "-")
      .replaceAll(/^-+|-+$/g, ""),
    description: null,
    default_guardrail_id: randomUUID(),
    default_text_model: null,
    default_image_model: null,
    default_provider_sort: null,
    include_byok_in_budgets: false,
    is_observability_io_logging_enabled: false,
    is_observability_broadcast_enabled: false,
    is_data_discount_logging_enabled: true,
    io_logging_sampling_rate: 1,
    io_logging_api_key_ids: null,
    created_at: utcNow(),
    updated_at: null,
    created_by: USER_ID,
  };
}

export function guardrailData(name: string, fields: Json = {}): Json {
  const record: Json = {
    id: randomUUID(),
    name,
    description: null,
    limit_usd: null,
    reset_interval: null,
    ...Object.fromEntries(GUARDRAIL_LISTS.map((list) => [list, null])),
    ...Object.fromEntries(GUARDRAIL_FLAGS.map((flag) => [flag, null])),
    ...Object.fromEntries(GUARDRAIL_FILTERS.map((filters) => [filters, null])),
    include_byok_in_budgets: false,
    workspace_id: WORKSPACE_ID,
    created_at: utcNow(),
    updated_at: null,
    ...fields,
  };
  copyZdr(record, fields);
  return record;
}

function copyZdr(record: Json, fields: Json): void {
  if (fields.enforce_zdr !== undefined && fields.enforce_zdr !== null) {
    for (const zdr of ZDR_FIELDS.filter((name) => !(name in fields))) {
      record[zdr] = fields.enforce_zdr;
    }
  }
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
  kind: "reply" | "hang" | "drop" | "gzipBomb" | "malformedStream" | "reset" | "trickle";
  /** gzipBomb: how many bytes the body expands to; trickle: milliseconds between bytes. */
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
  /** The /auth page's usage_limit_type and expires_at (as POST /auth/keys/code takes them). */
  reset: string | null;
  expiresAt: string | null;
}

/** What a model id names: a concrete model, a :variant of one, a router or a ~alias. */
interface Lookup {
  kind: "model" | "variant" | "router" | "alias";
  /** The model that answers a chat. */
  concrete: string;
  endpoints: Json[];
}

/** Why a chat on one model failed. */
interface Failure {
  status: number;
  message: string;
  metadata?: Json;
  headers?: Record<string, string>;
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
  /** /auth redirects with ?error=<this> (e.g. access_denied). */
  authError: string | null = null;
  /** A chat asking for more tokens than this answers 402. */
  affordableTokens: number | null = null;
  /** Any request carrying one of these headers is answered 400. */
  refusedHeaders = new Set<string>();
  credits = { total_credits: 100.0, total_usage: 25.5 };
  /** expires_at of keys addKey() makes without one (a production suite: keys by policy). */
  keyExpiresAt: string | null = null;
  /** Guardrails by id, oldest first. */
  guardrails = new Map<string, Json>();
  /** The account's workspaces (GET /workspaces), the default one first. */
  workspaces: Json[] = [workspaceData(WORKSPACE_ID, "Default")];
  /** KeyAssignment objects. */
  keyAssignments: Json[] = [];
  /** failModel(): chats on these models fail with this status and message. */
  failingModels = new Map<string, { status: number; message: string }>();
  /** freeModelLimit(): a chat on a :free model answers 429. */
  freeLimit: {
    limit: number;
    resetMs: number | null;
    retryAfter: number | null;
    message: string;
  } | null = null;
  /** fatKeyPages(): how many more keys GET /keys lists, and the length of their names. */
  fatPages = { keys: 0, nameLength: 0 };
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
  /** What to do once when a request for "METHOD path" arrives, before answering it. */
  readonly #before = new Map<string, () => void>();
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
      expires_at: this.keyExpiresAt,
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

  /**
   * Run action once, when the next request for path with that method arrives, before answering
   * it: what happens elsewhere meanwhile (another command writes a file).
   */
  before(method: string, path: string, action: () => void): void {
    this.#before.set(`${method} ${path}`, action);
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

  /**
   * Answer 200 with a JSON body one byte every everyMs, for ever: each read gets a byte in time,
   * so only a deadline for the whole request ends it.
   */
  trickle(path: string, method?: string, everyMs = 500): void {
    this.#hostile(path, "trickle", "application/json", {}, method);
    const canned = this.#canned.get(`${method ?? "*"} ${path}`);
    if (canned) {
      canned.size = everyMs;
    }
  }

  /** GET /keys lists this many more keys of another project, each with a long name (~1 MB a page). */
  fatKeyPages(keys = 10_000, nameLength = 9_000): void {
    this.fatPages = { keys, nameLength };
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

  /**
   * A 429 from the provider (not OpenRouter's own limits): metadata.provider_name and
   * provider_code (the provider's own error code); Retry-After only when given.
   */
  providerRateLimit(
    path = CHAT,
    options: { provider?: string; model?: string; retryAfter?: number; providerCode?: string } = {},
  ): void {
    const message =
      `${options.model ?? MODEL} is temporarily rate-limited upstream. Please retry shortly, or ` +
      "add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations";
    const metadata = {
      raw: message,
      provider_name: options.provider ?? "DeepInfra",
      provider_code: options.providerCode ?? "rate_limited",
      error_type: "rate_limit_exceeded",
      is_byok: false,
    };
    const headers: Record<string, string> =
      options.retryAfter === undefined ? {} : { "Retry-After": String(options.retryAfter) };
    this.respond(path, 429, { error: message, metadata, userId: USER_ID, headers });
  }

  /**
   * OpenRouter's own 429 (a platform limit): X-RateLimit-Limit, -Remaining, -Reset. -Reset is
   * milliseconds since the epoch (default: a minute from now); Retry-After (seconds) only when
   * retryAfter is given.
   */
  rateLimit(
    path = CHAT,
    options: {
      limit?: number;
      remaining?: number;
      resetMs?: number;
      retryAfter?: number;
      message?: string;
    } = {},
  ): void {
    const headers = rateLimitHeaders(
      options.limit ?? 20,
      options.remaining ?? 0,
      options.resetMs ?? null,
      options.retryAfter ?? null,
    );
    const metadata = { error_type: "rate_limit_exceeded" };
    const message = options.message ?? "Rate limit exceeded";
    this.respond(path, 429, { error: message, metadata, userId: USER_ID, headers });
  }

  /**
   * From now on a chat on a :free model answers OpenRouter's free-model cap (429). With
   * fallbacks in `models`, the next model is tried, as for any failing model.
   */
  freeModelLimit(
    options: { limit?: number; resetMs?: number; retryAfter?: number; message?: string } = {},
  ): void {
    this.freeLimit = {
      limit: options.limit ?? 50,
      resetMs: options.resetMs ?? null,
      retryAfter: options.retryAfter ?? null,
      message: options.message ?? FREE_MODELS_PER_DAY,
    };
  }

  /**
   * Chats on model fail with this status; with fallbacks, the next model answers. The model is
   * made known (served) if it is not.
   */
  failModel(model: string, options: { status?: number; message?: string } = {}): void {
    if (!this.models.has(model) && !this.aliases.has(model) && !this.routers.has(model)) {
      this.serveModel(model);
    }
    this.failingModels.set(model, {
      status: options.status ?? 503,
      message: options.message ?? `${model} is temporarily unavailable`,
    });
  }

  /** The 403 users report when the key's own credit limit is spent (not moderation). */
  keyLimitExceeded(path = CHAT, options: { reset?: string | null } = {}): void {
    this.respond(path, 403, { error: keyLimitMessage(options.reset ?? null), userId: USER_ID });
  }

  /** Spend the key's whole limit: limit_remaining 0, and chat answers 402. */
  exhaustKey(key: string): void {
    const record = this.keys.get(key);
    if (record === undefined) {
      throw new Error(`no such key: ${key}`);
    }
    const limit = (record.limit as number | null) ?? 10.0;
    Object.assign(record, { limit, limit_remaining: 0.0, usage: limit, usage_monthly: limit });
  }

  /** Give one endpoint of model (provider's, or its first) a status other than 0. */
  endpointDown(model: string, options: { provider?: string; status?: number } = {}): void {
    if (!this.models.has(model)) {
      this.serveModel(model);
    }
    const endpoints = this.models.get(model) ?? [];
    const chosen = endpoints.find(
      (found) => options.provider === undefined || found.provider_name === options.provider,
    );
    if (chosen !== undefined) {
      chosen.status = options.status ?? -1;
    }
  }

  /** Give model an expiration_date (YYYY-MM-DD), as GET /model and /models report it. */
  expireModel(model: string, date = "2026-12-31"): void {
    if (!this.models.has(model) && !this.aliases.has(model)) {
      this.serveModel(model);
    }
    this.modelInfo.set(model, { ...this.modelInfo.get(model), expiration_date: date });
  }

  /** Another workspace of the account; keys and guardrails name it by workspace_id. */
  addWorkspace(workspaceId: string, name = "Elsewhere"): string {
    this.workspaces.push(workspaceData(workspaceId, name));
    return workspaceId;
  }

  /** Register a guardrail (fields as the spec's Guardrail has them); returns its id. */
  addGuardrail(name: string, fields: Json = {}): string {
    const record = guardrailData(name, fields);
    this.guardrails.set(record.id as string, record);
    return record.id as string;
  }

  /** Assign a key (by hash) to a guardrail, replacing the key's previous assignment. */
  assignGuardrail(guardrailId: string, keyHash: string): void {
    const record = [...this.keys.values()].find((found) => found.hash === keyHash);
    if (record === undefined) {
      throw new Error(`no key has the hash ${keyHash}`);
    }
    this.keyAssignments = this.keyAssignments.filter((found) => found.key_hash !== keyHash);
    this.keyAssignments.push({
      id: randomUUID(),
      key_hash: keyHash,
      guardrail_id: guardrailId,
      key_name: record.name ?? "",
      key_label: record.label ?? "",
      assigned_by: USER_ID,
      created_at: utcNow(),
    });
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

  /** The provider that serves a chat on model: its first working endpoint's. */
  #provider(found: Lookup): string {
    let endpoints = found.endpoints.length
      ? found.endpoints
      : (this.models.get(found.concrete) ?? []);
    if (endpoints.length === 0) {
      endpoints = defaultEndpoints(baseOf(found.concrete));
    }
    const working = endpoints.filter((found) => (found.status ?? 0) === 0);
    return String(((working.length ? working : endpoints)[0] as Json).provider_name);
  }

  /** Why a chat on model fails (status, message, metadata, headers), or null. */
  #failure(model: string, found: Lookup, limit: number | null): Failure | null {
    const concrete = found.kind === "variant" ? model : found.concrete;
    const failing = this.failingModels.get(model) ?? this.failingModels.get(concrete);
    if (failing !== undefined) {
      const metadata = {
        error_type: ERROR_TYPES[failing.status] ?? "server",
        provider_name: this.#provider(found),
      };
      return { status: failing.status, message: failing.message, metadata };
    }
    if (
      (found.kind === "model" || found.kind === "variant") &&
      !found.endpoints.some((endpoint) => (endpoint.status ?? 0) === 0)
    ) {
      return { status: 404, message: `No endpoints found for ${model}.` };
    }
    if (this.freeLimit !== null && concrete.endsWith(":free")) {
      const cap = this.freeLimit;
      return {
        status: 429,
        message: cap.message,
        metadata: { error_type: "rate_limit_exceeded" },
        headers: rateLimitHeaders(cap.limit, 0, cap.resetMs, cap.retryAfter),
      };
    }
    if (concrete.startsWith("openai/") && limit !== null && limit < MIN_OPENAI_TOKENS) {
      return { status: 400, message: "Provider returned error", metadata: belowMinimum(limit) };
    }
    return null;
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
    const meanwhile = this.#before.get(`${method} ${path}`);
    if (meanwhile !== undefined) {
      this.#before.delete(`${method} ${path}`);
      meanwhile();
    }
    const canned = this.#canned.get(`${method} ${path}`) ?? this.#canned.get(`* ${path}`);
    if (canned !== undefined) {
      this.#play(exchange, canned);
      return;
    }
    const routes: Record<string, () => void> = {
      [`GET ${API}/key`]: () => this.#key(exchange),
      [`GET ${API}/models`]: () => this.#catalogue(exchange),
      [`POST ${CHAT}`]: () => this.#chat(exchange),
      "GET /auth": () => this.#authorize(exchange),
      [`POST ${API}/auth/keys`]: () => this.#exchangeCode(exchange),
      [`GET ${API}/keys`]: () => this.#listKeys(exchange),
      [`POST ${API}/keys`]: () => this.#createKey(exchange),
      [`GET ${API}/credits`]: () => this.#credits(exchange),
      [`GET ${API}/guardrails`]: () => this.#listGuardrails(exchange),
      [`GET ${API}/workspaces`]: () => this.#listWorkspaces(exchange),
      [`POST ${API}/guardrails`]: () => this.#createGuardrail(exchange),
      [`GET ${API}/guardrails/assignments/keys`]: () => this.#allKeyAssignments(exchange),
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
    } else if (
      path.startsWith(`${API}/guardrails/`) &&
      this.#guardrailRoute(exchange, method, rest(`${API}/guardrails/`))
    ) {
      // answered
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
    } else if (canned.kind === "trickle") {
      exchange.trickle(canned.size);
    } // "hang": never answer; stop() closes the connection
  }

  // --- keys -------------------------------------------------------------------------

  #key(exchange: Exchange): void {
    const record = this.keys.get(exchange.callerKey()) ?? {};
    exchange.json(200, { data: omit(record, LISTING_ONLY) });
  }

  #listKeys(exchange: Exchange): void {
    exchange.managementKey();
    const includeDisabled = exchange.url.searchParams.get("include_disabled") ?? "false";
    const offset = exchange.url.searchParams.get("offset") ?? "0";
    const workspace = exchange.url.searchParams.get("workspace_id") ?? WORKSPACE_ID;
    if (
      !["true", "false"].includes(includeDisabled) ||
      !/^\d+$/.test(offset) ||
      !UUID.test(workspace)
    ) {
      exchange.error(400, "Invalid request parameters");
      return;
    }
    const listed = [...this.keys.values()]
      .reverse()
      .filter(
        (record) =>
          !isManagement(record) &&
          (includeDisabled === "true" || !record.disabled) &&
          (record.workspace_id ?? WORKSPACE_ID) === workspace,
      )
      .map(listing);
    const start = Number(offset);
    const { keys: count, nameLength } = this.fatPages;
    const fat: Json[] = [];
    for (let n = start; n < Math.min(start + PAGE_SIZE, count); n += 1) {
      const name = `another-app-${n}-${"x".repeat(nameLength)}`;
      fat.push(listing(keyData({ name, hash: n.toString(16).padStart(64, "0") })));
    }
    const rest = Math.max(0, start - count);
    exchange.json(200, { data: [...fat, ...listed.slice(rest, rest + PAGE_SIZE - fat.length)] });
  }

  #createKey(exchange: Exchange): void {
    exchange.managementKey(403);
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
      workspace_id: asked.workspace_id ?? WORKSPACE_ID,
      creator_user_id: asked.creator_user_id || USER_ID,
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
      this.keyAssignments = this.keyAssignments.filter((found) => found.key_hash !== digest);
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
    exchange.managementKey(403);
    exchange.json(200, { data: this.credits });
  }

  // --- guardrails -------------------------------------------------------------------

  #listWorkspaces(exchange: Exchange): void {
    exchange.managementKey();
    const page = exchange.page(GUARDRAILS_PAGE, GUARDRAILS_MAX, false); // no 400 documented
    if (page !== null) {
      const data = this.workspaces.slice(page.start, page.start + page.size);
      exchange.json(200, { data, total_count: this.workspaces.length });
    }
  }

  #listGuardrails(exchange: Exchange): void {
    exchange.managementKey();
    const page = exchange.page(GUARDRAILS_PAGE, GUARDRAILS_MAX);
    const workspace = exchange.url.searchParams.get("workspace_id") ?? WORKSPACE_ID;
    if (page === null) {
      return;
    }
    if (!UUID.test(workspace)) {
      exchange.error(400, "Invalid request parameters");
      return;
    }
    const listed = [...this.guardrails.values()].filter(
      (found) => found.workspace_id === workspace,
    );
    const data = listed.slice(page.start, page.start + page.size);
    exchange.json(200, { data, total_count: listed.length });
  }

  #createGuardrail(exchange: Exchange): void {
    exchange.managementKey(403);
    const asked = exchange.jsonBody();
    const problem = guardrailProblem(asked, true);
    if (problem !== null) {
      exchange.error(400, `Invalid request parameters: ${problem}`);
      return;
    }
    const fields = Object.fromEntries(
      Object.entries(asked).filter(([name]) => GUARDRAIL_FIELDS.includes(name) && name !== "name"),
    );
    const record = guardrailData(asked.name as string, fields);
    this.guardrails.set(record.id as string, record);
    exchange.json(201, { data: record });
  }

  #allKeyAssignments(exchange: Exchange): void {
    exchange.managementKey();
    const page = exchange.page(GUARDRAILS_PAGE, GUARDRAILS_MAX, false);
    if (page !== null) {
      assignments(exchange, this.keyAssignments, page);
    }
  }

  /** /guardrails/{id}[/assignments/keys[/remove]]; false when no such route. */
  #guardrailRoute(exchange: Exchange, method: string, rest: string): boolean {
    const [guardrailId = "", ...more] = rest.split("/");
    const tail = more.join("/");
    const allowed: Record<string, string[]> = {
      "": ["GET", "PATCH", "DELETE"],
      "assignments/keys": ["GET", "POST"],
      "assignments/keys/remove": ["POST"],
    };
    if (!guardrailId || !(allowed[tail] ?? []).includes(method)) {
      return false;
    }
    exchange.managementKey();
    const record = this.guardrails.get(guardrailId);
    if (record === undefined) {
      exchange.error(404, "Resource not found");
      return true;
    }
    if (tail === "" && method === "GET") {
      exchange.json(200, { data: record });
    } else if (tail === "" && method === "DELETE") {
      this.guardrails.delete(guardrailId);
      this.keyAssignments = this.keyAssignments.filter(
        (found) => found.guardrail_id !== guardrailId,
      );
      exchange.json(200, { deleted: true });
    } else if (tail === "") {
      const asked = exchange.jsonBody();
      const problem = guardrailProblem(asked, false);
      if (problem !== null) {
        exchange.error(400, `Invalid request parameters: ${problem}`);
        return true;
      }
      const fields = Object.fromEntries(
        Object.entries(asked).filter(
          ([name]) => GUARDRAIL_FIELDS.includes(name) && name !== "workspace_id",
        ),
      );
      Object.assign(record, fields, { updated_at: utcNow() });
      copyZdr(record, fields);
      exchange.json(200, { data: record });
    } else if (method === "GET") {
      const page = exchange.page(GUARDRAILS_PAGE, GUARDRAILS_MAX, false);
      if (page !== null) {
        const mine = this.keyAssignments.filter((found) => found.guardrail_id === guardrailId);
        assignments(exchange, mine, page);
      }
    } else {
      const hashes = exchange.jsonBody().key_hashes;
      if (
        !Array.isArray(hashes) ||
        hashes.length === 0 ||
        !hashes.every((digest) => typeof digest === "string" && digest)
      ) {
        exchange.error(400, "Invalid request parameters: key_hashes must list key hashes");
        return true;
      }
      const known = new Set(
        [...this.keys.values()].filter((found) => !isManagement(found)).map((found) => found.hash),
      );
      if (tail === "assignments/keys") {
        const chosen = [...new Set(hashes as string[])].filter((digest) => known.has(digest));
        for (const digest of chosen) {
          this.assignGuardrail(guardrailId, digest);
        }
        exchange.json(200, { assigned_count: chosen.length });
      } else {
        const before = this.keyAssignments.length;
        this.keyAssignments = this.keyAssignments.filter(
          (found) =>
            !(found.guardrail_id === guardrailId && hashes.includes(found.key_hash as string)),
        );
        exchange.json(200, { unassigned_count: before - this.keyAssignments.length });
      }
    }
    return true;
  }

  // --- models -----------------------------------------------------------------------

  #catalogue(exchange: Exchange): void {
    const known = [...this.models.keys(), ...this.aliases.keys(), ...this.routers]
      .map((model) => this.#modelObject(model))
      .filter((model) => model !== null);
    const rows = [...known, ...catalogue()];
    const query = exchange.url.searchParams;
    if (!query.has("offset") && !query.has("limit")) {
      // the full list, as the spec says
      exchange.json(200, { data: rows, total_count: rows.length, links: { next: null } });
      return;
    }
    const page = exchange.page(MODELS_PAGE, MODELS_MAX);
    if (page === null) {
      return;
    }
    const after = page.start + page.size;
    const next = after < rows.length ? `${API}/models?offset=${after}&limit=${page.size}` : null;
    exchange.json(200, {
      data: rows.slice(page.start, after),
      total_count: rows.length,
      links: { next },
    });
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
    const problem = chatProblem(asked);
    if (problem !== null) {
      exchange.error(400, `Invalid request parameters: ${problem}`, undefined, user);
      return;
    }
    const first = typeof asked.model === "string" ? [asked.model] : [];
    const candidates = [...new Set([...first, ...((asked.models as string[] | null) ?? [])])];
    if (candidates.length === 0) {
      candidates.push("");
    }
    const resolved: [string, Lookup][] = [];
    for (const model of candidates) {
      const found = this.#lookup(model);
      if (found === null) {
        exchange.error(400, `${model} is not a valid model ID`, undefined, user);
        return;
      }
      resolved.push([model, found]);
    }
    const remaining = record.limit_remaining;
    if (typeof remaining === "number" && remaining <= 0) {
      // the key's own limit is spent
      exchange.error(402, INSUFFICIENT_CREDITS, { provider_name: null }, user);
      return;
    }
    const asks = asked.max_completion_tokens ?? asked.max_tokens;
    const limit = Number.isInteger(asks) ? (asks as number) : null;
    const wanted = limit ?? 65536;
    if (this.affordableTokens !== null && wanted > this.affordableTokens) {
      const message = fewerMaxTokens(wanted, this.affordableTokens);
      exchange.error(402, message, { provider_name: null }, user);
      return;
    }
    let failure: Failure | null = null;
    for (const [model, found] of resolved) {
      failure = this.#failure(model, found, limit);
      if (failure === null) {
        this.#reply(exchange, model, found, asked, limit);
        return;
      }
    }
    if (failure !== null) {
      exchange.error(failure.status, failure.message, failure.metadata, user, failure.headers);
    }
  }

  #reply(exchange: Exchange, model: string, found: Lookup, asked: Json, limit: number | null) {
    const answered = found.kind === "variant" ? model : found.concrete;
    const provider = this.#provider(found);
    const prompt = promptTokens(asked);
    if (!asked.stream) {
      exchange.json(200, completion(answered, provider, this.reply, limit, prompt));
      return;
    }
    const { response } = exchange;
    response.writeHead(200, { "Content-Type": "text/event-stream" });
    exchange.write(": OPENROUTER PROCESSING\n\n");
    const words = this.reply.split(" ");
    words.forEach((word, index) => {
      const delta = { content: index === 0 ? word : ` ${word}` };
      exchange.event(chunk(answered, delta, null, provider));
      exchange.write(": OPENROUTER PROCESSING\n\n");
    });
    if (this.streamError !== null) {
      const error = {
        code: 502,
        message: this.streamError,
        metadata: { error_type: "provider_unavailable" },
      };
      exchange.event({ ...chunk(answered, { content: "" }, "error", provider), error });
    } else {
      const usage = usageOf(answered, prompt, words.length);
      exchange.event({ ...chunk(answered, {}, "stop", provider), usage });
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
    const reset = query.get("usage_limit_type");
    const expiresAt = query.get("expires_at");
    if (
      (challenge && !["S256", "plain"].includes(method)) ||
      (callback === null && !challenge) || // headless needs a challenge
      (limit !== null && !isAmount(limit)) ||
      (reset !== null && !["daily", "weekly", "monthly"].includes(reset)) ||
      (expiresAt !== null && !isUtc(expiresAt))
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
      reset,
      expiresAt,
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
    const data: Json = {
      limit: grant.limit,
      limit_remaining: grant.limit,
      limit_reset: grant.reset,
      expires_at: grant.expiresAt,
    };
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

  /**
   * The caller's management key; an ordinary key gets `status`: the spec's 401, or 403 where
   * the operation documents one (POST /keys, POST /guardrails, /credits).
   */
  managementKey(status = 401): string {
    const key = this.callerKey();
    const record = this.fake.keys.get(key) ?? {};
    if (!isManagement(record)) {
      const user = record.creator_user_id as string | undefined;
      this.error(status, NOT_MANAGEMENT, undefined, user);
      throw new Refused();
    }
    return key;
  }

  /**
   * offset and limit of a list's query, or null after answering 400. Not strict (where the
   * spec documents no 400), a limit out of range is brought into it and what is not a number
   * counts as not given.
   */
  page(fallback: number, most: number, strict = true): { start: number; size: number } | null {
    let offset = this.url.searchParams.get("offset") ?? "0";
    let limit = this.url.searchParams.get("limit") ?? String(fallback);
    if (!strict) {
      offset = /^\d+$/.test(offset) ? offset : "0";
      limit = /^\d+$/.test(limit)
        ? String(Math.min(Math.max(Number(limit), 1), most))
        : String(fallback);
    }
    if (
      !/^\d+$/.test(offset) ||
      !/^\d+$/.test(limit) ||
      Number(limit) < 1 ||
      Number(limit) > most
    ) {
      this.error(400, "Invalid request parameters");
      return null;
    }
    return { start: Number(offset), size: Number(limit) };
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

  error(
    status: number,
    message: string,
    metadata?: Json,
    userId?: string,
    headers: Record<string, string> = {},
  ): void {
    this.json(status, errorBody(status, message, metadata, userId), headers);
  }

  json(status: number, document: unknown, headers: Record<string, string> = {}): void {
    this.send(status, JSON.stringify(document), "application/json", headers);
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

  trickle(everyMs: number): void {
    const body = `{"data": ${" ".repeat(1_000_000)}[]}`;
    this.response.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    let at = 0;
    const timer = setInterval(() => {
      if (at >= body.length || this.response.destroyed) {
        clearInterval(timer);
        return;
      }
      this.write(body.slice(at, at + 1));
      at += 1;
    }, everyMs);
    this.response.on("close", () => clearInterval(timer));
  }

  event(document: Json): void {
    this.write(`data: ${JSON.stringify(document)}\n\n`);
  }

  write(data: string | Buffer): void {
    this.response.write(data);
    this.fake.bytesSent += Buffer.byteLength(data);
  }
}

function assignments(
  exchange: Exchange,
  listed: Json[],
  page: { start: number; size: number },
): void {
  const data = listed.slice(page.start, page.start + page.size);
  exchange.json(200, { data, total_count: listed.length });
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
  if (creating && "workspace_id" in asked && !isUuid(asked.workspace_id)) {
    return "workspace_id must be a UUID";
  }
  const creator = creating ? (asked.creator_user_id ?? null) : null;
  if (creator !== null && !(typeof creator === "string" && creator)) {
    return "creator_user_id must be a non-empty string or null";
  }
  const expires = creating ? (asked.expires_at ?? null) : null;
  if (expires !== null && !(typeof expires === "string" && isUtc(expires))) {
    return "expires_at must be a UTC date-time with seconds (YYYY-MM-DDTHH:MM:SSZ)";
  }
  return null;
}

function isUuid(value: unknown): boolean {
  return typeof value === "string" && UUID.test(value);
}

/** What is wrong with a POST /guardrails or PATCH /guardrails/{id} body, per the spec. */
function guardrailProblem(asked: Json, creating: boolean): string | null {
  const name = asked.name;
  if (
    (creating || "name" in asked) &&
    !(typeof name === "string" && name.length >= 1 && name.length <= 200)
  ) {
    return "name must be a string of 1 to 200 characters";
  }
  const description = asked.description ?? null;
  if (description !== null && !(typeof description === "string" && description.length <= 1000)) {
    return "description must be a string of at most 1000 characters, or null";
  }
  const limit = asked.limit_usd ?? null;
  if (limit !== null && !isNumber(limit)) {
    return "limit_usd must be a number or null";
  }
  if ("reset_interval" in asked && !GUARDRAIL_INTERVALS.includes(asked.reset_interval as string)) {
    return "reset_interval must be daily, weekly, monthly or null";
  }
  for (const list of GUARDRAIL_LISTS) {
    const value = asked[list] ?? null;
    if (
      value !== null &&
      !(Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string"))
    ) {
      return `${list} must be a non-empty list of strings, or null`;
    }
  }
  for (const flag of GUARDRAIL_FLAGS) {
    if ((asked[flag] ?? null) !== null && typeof asked[flag] !== "boolean") {
      return `${flag} must be a boolean or null`;
    }
  }
  for (const filters of GUARDRAIL_FILTERS) {
    if ((asked[filters] ?? null) !== null && !Array.isArray(asked[filters])) {
      return `${filters} must be a list or null`;
    }
  }
  if ("include_byok_in_budgets" in asked && typeof asked.include_byok_in_budgets !== "boolean") {
    return "include_byok_in_budgets must be a boolean";
  }
  if (creating && "workspace_id" in asked && !isUuid(asked.workspace_id)) {
    return "workspace_id must be a UUID";
  }
  return null;
}

function isWhole(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value);
}

function isStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** What is wrong with a chat request's types, as ChatRequest and ProviderPreferences say. */
function chatProblem(request: Json): string | null {
  if (!Array.isArray(request.messages)) {
    return "messages must be a list";
  }
  if ((request.model ?? null) !== null && typeof request.model !== "string") {
    return "model must be a string";
  }
  if ((request.models ?? null) !== null && !isStrings(request.models)) {
    return "models must be a list of model ids";
  }
  for (const name of ["max_completion_tokens", "max_tokens"]) {
    if ((request[name] ?? null) !== null && !isWhole(request[name])) {
      return `${name} must be an integer or null`;
    }
  }
  const provider = request.provider ?? null;
  if (provider === null) {
    return null;
  }
  if (typeof provider !== "object" || Array.isArray(provider)) {
    return "provider must be an object or null";
  }
  const preferences = provider as Json;
  const unknown = Object.keys(preferences)
    .filter((name) => !PROVIDER_FIELDS.includes(name))
    .sort();
  if (unknown.length > 0) {
    return `provider has no field ${unknown[0]}`;
  }
  for (const flag of ["allow_fallbacks", "require_parameters", "zdr", "enforce_distillable_text"]) {
    if ((preferences[flag] ?? null) !== null && typeof preferences[flag] !== "boolean") {
      return `provider.${flag} must be a boolean or null`;
    }
  }
  if (!["allow", "deny", null].includes((preferences.data_collection ?? null) as string | null)) {
    return "provider.data_collection must be allow, deny or null";
  }
  const sort = preferences.sort ?? null;
  const sortConfig = sort as Json;
  if (
    !(
      sort === null ||
      PROVIDER_SORTS.includes(sort as string) ||
      (typeof sort === "object" &&
        !Array.isArray(sort) &&
        [...PROVIDER_SORTS, null].includes((sortConfig.by ?? null) as string | null) &&
        ["model", "none", null].includes((sortConfig.partition ?? null) as string | null))
    )
  ) {
    return "provider.sort must be price, throughput, latency, exacto, {by, partition} or null";
  }
  for (const name of ["only", "ignore", "order", "quantizations"]) {
    if ((preferences[name] ?? null) !== null && !isStrings(preferences[name])) {
      return `provider.${name} must be a list of strings or null`;
    }
  }
  const maxPrice = preferences.max_price ?? null;
  if (maxPrice !== null && (typeof maxPrice !== "object" || Array.isArray(maxPrice))) {
    return "provider.max_price must be an object";
  }
  return null;
}

/** OpenRouter's X-RateLimit-* headers on its own 429s; Retry-After only when known. */
function rateLimitHeaders(
  limit: number,
  remaining: number,
  resetMs: number | null,
  retryAfter: number | null,
): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": String(remaining),
    "X-RateLimit-Reset": String(resetMs ?? Date.now() + 60_000),
  };
  if (retryAfter !== null) {
    headers["Retry-After"] = String(retryAfter);
  }
  return headers;
}

function keyLimitMessage(reset: string | null): string {
  return (
    `Key limit exceeded (${reset ?? "total"} limit). ` +
    "Manage it using https://openrouter.ai/settings/keys"
  );
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

function chunk(
  model: string,
  delta: Json,
  finishReason: string | null = null,
  provider = "Google",
): Json {
  return {
    id: "gen-fake",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    provider,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** ChatUsage with the cost in USD: every token costs the fake's price (":free" nothing). */
function usageOf(model: string, prompt: number, completionTokens: number): Json {
  const price = model.endsWith(":free") ? 0.0 : 0.0000001;
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    cost: (prompt + completionTokens) * price,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** One token per word of the messages' text. */
function promptTokens(request: Json): number {
  let words = 0;
  for (const message of (request.messages as unknown[] | undefined) ?? []) {
    const content = (message as Json | null)?.content;
    words += typeof content === "string" ? content.split(/\s+/).filter(Boolean).length : 0;
  }
  return Math.max(1, words);
}

/** A whole reply, or its first maxTokens words (one word, one token). */
function completion(
  model: string,
  provider: string,
  reply: string,
  maxTokens: number | null,
  prompt = 1,
): Json {
  const words = reply.split(" ");
  const room = maxTokens ?? words.length;
  const cut = room < words.length;
  return {
    id: "gen-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    provider,
    system_fingerprint: "fp_fake",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: cut ? words.slice(0, room).join(" ") : reply },
        finish_reason: cut ? "length" : "stop",
      },
    ],
    usage: usageOf(model, prompt, Math.min(room, words.length)),
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

const USAGE_TEXT = `usage: npm run --silent fake -- [--port N] [--management-key KEY]

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
