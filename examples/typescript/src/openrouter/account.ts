// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * OpenRouter's account API: the OAuth code exchange, and the management API's /keys and
 * /guardrails.
 *
 * Only login and keys import this module, so the starter and verify start no slower for it.
 * Requests go through the client factory's OpenAI client and its raw methods (get, post,
 * delete): the SDK has no methods for these endpoints, and its raw methods hand OpenRouter's JSON
 * over as it is, fields it does not know included. Nothing that creates or deletes is retried: a
 * retried POST /keys could make two keys, and a freshly made key is shown only once.
 *
 * The key policy that every key made here follows lives here too: the environment's credit
 * limit, a monthly reset, and 90 days of life in production.
 */

import { APIConnectionError, APIError, type OpenAI } from "openai";

import * as catalog from "./catalog.ts";
import { createClient } from "./client.ts";
import { keyProblem, PROJECT_SLUG, Problem, type Settings } from "./config.ts";
import { errorDetail, explain, isRecord, messageValues } from "./explain.ts";

/** How long account requests may take (the exchange, each /keys request), in milliseconds. */
/** How long each account request may take, in all (the exchange, each /keys request): --timeout. */
export const TIMEOUT_MS = 30_000;
const MAX_LIMIT = 1_000_000;
const LIMIT = /^[0-9]+(\.[0-9]{1,2})?$/; // USD and cents
/** GET /keys answers at most this many keys per page. */
const PAGE_SIZE = 100;
const MAX_PAGES = 100;
/** The SDK sends these whenever it is given an organization or project: not to OpenRouter. */
const NOT_FOR_OPENROUTER = { "OpenAI-Organization": null, "OpenAI-Project": null };
/** POST /auth/keys needs no key, but the SDK wants one to be built: this one is never sent. */
const NO_KEY = `sk-or-v1-${"0123456789abcdef".repeat(4)}`;

/** A key object of the management API, as OpenRouter sent it. */
export type KeyRecord = Record<string, unknown>;

/** An amount of USD as both languages write it: 10, 12.5. */
export function usd(amount: number): string {
  return String(amount);
}

/**
 * The credit limit of a new key: --limit if given, else the environment's policy.
 *
 * Throws a Problem (exit 2) for a malformed --limit, and for an environment whose policy sets no
 * ceiling (production) when --limit is missing; example is the command line the hint suggests.
 */
export function policyLimit(
  environment: string,
  given: string | undefined,
  { example }: { example: string },
): number {
  if (given !== undefined) {
    const amount = LIMIT.test(given) ? Number(given) : Number.NaN;
    if (!(amount > 0 && amount <= MAX_LIMIT)) {
      throw new Problem(catalog.say("keys.bad_limit"));
    }
    return amount;
  }
  const ceiling = policyOf(environment)?.limitUsd ?? null;
  if (ceiling === null) {
    throw new Problem(catalog.say("keys.limit_required", { environment, command: example }));
  }
  return ceiling;
}

function policyOf(environment: string): catalog.Policy | undefined {
  return Object.entries(catalog.POLICY).find(([name]) => name === environment)?.[1];
}

/** Key labels and names: the reference's maxLength of key_label. */
export const MAX_LABEL = 100;
/** What keyLabel()'s suffix is for keys the keys command makes: -<date>[-<time>], UTC. */
const NAME_SUFFIX = /(?<=-)[0-9]{8}(-[0-9]{6})?$/;

/**
 * What keys of an environment are called: <slug>-<environment><suffix>.
 *
 * At most MAX_LABEL characters (the reference's maxLength of key_label): a long slug is
 * shortened to fit; the environment and the suffix (a date) stay.
 */
export function keyLabel(environment: string, suffix = "", slug = PROJECT_SLUG): string {
  const tail = `-${environment}${suffix}`;
  return slug.slice(0, Math.max(0, MAX_LABEL - tail.length)).replace(/-+$/, "") + tail;
}

/** The environment a name made by keyLabel() names (with or without a date), else null. */
export function labelEnvironment(name: string, slug = PROJECT_SLUG): string | null {
  const found = NAME_SUFFIX.exec(name);
  for (const environment of Object.keys(catalog.POLICY)) {
    for (const suffix of found ? ["", `-${found[0]}`] : [""]) {
      if (name === keyLabel(environment, suffix, slug)) {
        return environment;
      }
    }
  }
  return null;
}

/**
 * When a new key of the environment expires (UTC, to the second), if its policy says so.
 *
 * Production keys live 90 days: the rotation the policy asks for, enforced by the key.
 */
export function expiry(environment: string, now = new Date()): string | null {
  const days = policyOf(environment)?.expiresDays ?? null;
  if (days === null) {
    return null;
  }
  const moment = new Date(now.getTime() + days * 86_400_000);
  return `${moment.toISOString().slice(0, 19)}Z`;
}

/** Throw a Problem (exit 2) unless OPENROUTER_BASE_URL is an http(s) URL with a host. */
export function requireBaseUrl(settings: Settings): void {
  const url = URL.parse(settings.baseUrl);
  if (url === null || !["http:", "https:"].includes(url.protocol) || !url.hostname) {
    throw new Problem(catalog.say("base_url.invalid", { base_url: settings.baseUrl }));
  }
}

/**
 * The request's result, or a Problem (exit 1) once timeoutMs have passed, whatever happens.
 *
 * The client's timeout bounds the wait for each read, and a server that sends a byte every half
 * second never trips it: this bounds the whole request, and aborts it (send gets the signal).
 */
export async function within<T>(
  settings: Settings,
  timeoutMs: number,
  send: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      const values = messageValues(settings, { timeout: timeoutMs / 1000 });
      reject(new Problem(catalog.say("reachability.timeout", values), 1));
    }, timeoutMs);
  });
  try {
    return await Promise.race([send(controller.signal), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * POST /auth/keys: trade an authorization code and its PKCE verifier for a key.
 *
 * The request carries no Authorization header at all. startOver is the command line a failure's
 * hint suggests.
 */
export async function exchangeCode(
  settings: Settings,
  code: string,
  verifier: string,
  { startOver, timeoutMs = TIMEOUT_MS }: { startOver: string; timeoutMs?: number },
): Promise<string> {
  const client = createClient(settings.withKey(NO_KEY), { timeout: timeoutMs });
  let answer: unknown;
  try {
    answer = await within(settings, timeoutMs, (signal) =>
      client.post("/auth/keys", {
        body: { code, code_verifier: verifier, code_challenge_method: "S256" },
        headers: { ...NOT_FOR_OPENROUTER, Authorization: null },
        maxRetries: 0,
        signal,
      }),
    );
  } catch (error) {
    if (error instanceof APIConnectionError) {
      throw new Problem(explain(error, settings, timeoutMs), 1);
    }
    if (error instanceof APIError && error.status !== undefined) {
      const detail = errorDetail(error.error, "no details");
      throw new Problem(exchangeFailed(error.status, detail, startOver), 1);
    }
    throw error;
  }
  const key = isRecord(answer) ? answer.key : undefined;
  if (typeof key !== "string" || keyProblem(key)) {
    throw new Problem(exchangeFailed(200, "no key in the answer", startOver), 1);
  }
  return key;
}

function exchangeFailed(status: number, detail: string, startOver: string): catalog.Text {
  return catalog.say("login.exchange_failed", { status, detail, login_command: startOver });
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";
/** The guardrail lists' largest page. */
const GUARDRAILS_PAGE = 100;

/** The environments whose policy sets a monthly credit limit, and that limit (USD). */
export const POLICY_LIMITS: ReadonlyMap<string, number> = new Map(
  Object.entries(catalog.POLICY).flatMap(([environment, policy]) =>
    policy.limitUsd === null ? [] : [[environment, policy.limitUsd] as const],
  ),
);

/** The management API (/keys), with a management key that goes nowhere else. */
export class Management {
  readonly #settings: Settings;
  readonly #client: OpenAI;
  readonly #timeoutMs: number;

  constructor(settings: Settings, managementKey: string, timeoutMs = TIMEOUT_MS) {
    requireBaseUrl(settings);
    // Through the one client factory, as the app's key would go; explain() redacts this key.
    this.#settings = settings.withKey(managementKey);
    this.#timeoutMs = timeoutMs; // each request's, in all
    this.#client = createClient(this.#settings, { timeout: timeoutMs });
  }

  /**
   * Every key of the account, disabled ones included, page by page, in every workspace, as keep()
   * makes it.
   *
   * GET /keys answers for one workspace (the default one unless asked): the workspaces come from
   * GET /workspaces; a key is listed once, by its hash. keep() gets each key as OpenRouter sent it
   * and returns what to keep of it (null: nothing), so that only that outlives its page: 100 pages
   * of large keys cost one page's memory.
   */
  async list<T = KeyRecord>(keep: (key: KeyRecord) => T | null = (key) => key as T): Promise<T[]> {
    const workspaces = (await this.#pages("/workspaces", {}, "a list of workspaces"))
      .map((workspace) => workspace.id)
      .filter((id): id is string => typeof id === "string");
    const found: T[] = [];
    const seen = new Set<string>();
    for (const workspaceId of workspaces.length > 0 ? workspaces : [null]) {
      found.push(...(await this.#keys(workspaceId, keep, seen)));
    }
    return found;
  }

  async #keys<T>(
    workspaceId: string | null,
    keep: (key: KeyRecord) => T | null,
    seen: Set<string>,
  ): Promise<T[]> {
    const found: T[] = [];
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = {
        include_disabled: "true",
        offset,
        ...(workspaceId === null ? {} : { workspace_id: workspaceId }),
      };
      const keys = (await this.#request("GET", "/keys", { query })).data;
      if (!Array.isArray(keys)) {
        throw this.#unexpected("/keys", "a list of keys");
      }
      for (const key of keys.filter(isRecord)) {
        const digest = String(key.hash);
        const kept = seen.has(digest) ? null : keep(key); // listed in another workspace already
        if (kept !== null) {
          found.push(kept);
          seen.add(digest);
        }
      }
      offset += keys.length;
      if (keys.length < PAGE_SIZE) {
        break;
      }
    }
    return found;
  }

  /** The key with this hash, or null if the account has none. */
  async get(digest: string): Promise<KeyRecord | null> {
    const answer = await this.#request("GET", `/keys/${digest}`, { missingOk: true });
    if (Object.keys(answer).length > 0 && !isRecord(answer.data)) {
      throw this.#unexpected(`/keys/${digest}`, "the key");
    }
    return isRecord(answer.data) ? answer.data : null;
  }

  /** POST /keys: the new key's details and the key itself (shown this once). */
  async create(body: Record<string, unknown>): Promise<[KeyRecord, string]> {
    const answer = await this.#request("POST", "/keys", { body });
    const { data, key } = answer;
    if (!isRecord(data) || typeof key !== "string" || keyProblem(key)) {
      throw this.#unexpected("/keys", "a new key");
    }
    return [data, key];
  }

  /** DELETE /keys/<hash>; a key that is gone already counts as deleted. */
  async delete(digest: string): Promise<void> {
    await this.#request("DELETE", `/keys/${digest}`, { missingOk: true });
  }

  /** The guardrails of a workspace (null: the default one), page by page. */
  guardrails(workspaceId: string | null = null): Promise<KeyRecord[]> {
    const query = workspaceId ? { workspace_id: workspaceId } : {};
    return this.#pages("/guardrails", query, "a list of guardrails");
  }

  /** Which guardrail each key is assigned to: every key assignment of the account. */
  keyAssignments(): Promise<KeyRecord[]> {
    return this.#pages("/guardrails/assignments/keys", {}, "a list of assignments");
  }

  /** POST /guardrails: the new guardrail. */
  createGuardrail(body: Record<string, unknown>): Promise<KeyRecord> {
    return this.#record("POST", "/guardrails", body, "the guardrail");
  }

  /** PATCH /guardrails/<id>: the guardrail as it now is. */
  updateGuardrail(guardrailId: string, body: Record<string, unknown>): Promise<KeyRecord> {
    return this.#record("PATCH", `/guardrails/${guardrailId}`, body, "the guardrail");
  }

  /** Assign the key with this hash to the guardrail (its previous assignment ends). */
  async assign(guardrailId: string, digest: string): Promise<void> {
    const path = `/guardrails/${guardrailId}/assignments/keys`;
    await this.#request("POST", path, { body: { key_hashes: [digest] } });
  }

  async #record(
    method: Method,
    path: string,
    body: Record<string, unknown>,
    what: string,
  ): Promise<KeyRecord> {
    const { data } = await this.#request(method, path, { body });
    if (!isRecord(data) || typeof data.id !== "string") {
      throw this.#unexpected(path, what);
    }
    return data;
  }

  async #pages(path: string, params: Record<string, unknown>, what: string): Promise<KeyRecord[]> {
    const found: KeyRecord[] = [];
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = { ...params, limit: GUARDRAILS_PAGE, offset: found.length };
      const answer = await this.#request("GET", path, { query });
      const items = answer.data;
      if (!Array.isArray(items)) {
        throw this.#unexpected(path, what);
      }
      found.push(...items.filter(isRecord));
      const total = answer.total_count;
      if (items.length < GUARDRAILS_PAGE || (typeof total === "number" && found.length >= total)) {
        break;
      }
    }
    return found;
  }

  async #request(
    method: Method,
    path: string,
    options: { body?: unknown; query?: Record<string, unknown>; missingOk?: boolean } = {},
  ): Promise<Record<string, unknown>> {
    const headers = NOT_FOR_OPENROUTER;
    let answer: unknown;
    const send = (signal: AbortSignal): Promise<unknown> => {
      if (method === "GET") {
        return this.#client.get(path, { headers, query: options.query, signal });
      }
      if (method === "PATCH") {
        return this.#client.patch(path, { headers, body: options.body, maxRetries: 0, signal });
      }
      if (method === "POST") {
        return this.#client.post(path, { headers, body: options.body, maxRetries: 0, signal });
      }
      return this.#client.delete(path, { headers, maxRetries: 0, signal });
    };
    try {
      answer = await within(this.#settings, this.#timeoutMs, send);
    } catch (error) {
      if (error instanceof APIConnectionError) {
        throw new Problem(explain(error, this.#settings, this.#timeoutMs), 1);
      }
      if (error instanceof APIError && error.status !== undefined) {
        if (options.missingOk && error.status === 404) {
          return {};
        }
        throw new Problem(this.#refused(error, error.status), 1);
      }
      throw error;
    }
    if (!isRecord(answer)) {
      throw this.#unexpected(path, "JSON");
    }
    return answer;
  }

  #refused(error: APIError, status: number): catalog.Text {
    if (status === 401 || status === 403) {
      const detail = errorDetail(error.error, "no details", this.#settings.apiKey);
      return catalog.say("keys.management_refused", { status, detail });
    }
    return explain(error, this.#settings, this.#timeoutMs);
  }

  #unexpected(path: string, what: string): Problem {
    const url = `${this.#settings.baseUrl.replace(/\/+$/, "")}${path}`;
    return new Problem(catalog.say("keys.bad_answer", { url, what }), 1);
  }
}
