// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * What a chat request sends besides its messages, and what its reply cost.
 *
 *     const stream = await client.chat.completions.create({
 *       model: settings.model, messages, stream: true, ...chatOptions(settings),
 *     });
 *     ...
 *     const line = usageLine(lastChunk); // "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI"
 *
 * chatOptions() turns the environment's settings into request fields: max_completion_tokens
 * (OPENROUTER_MAX_TOKENS), the models fallback list (OPENROUTER_MODEL, then
 * OPENROUTER_FALLBACK_MODELS) and the provider preferences (OPENROUTER_PROVIDER_SORT,
 * OPENROUTER_DATA_COLLECTION, OPENROUTER_ZDR). usageLine() reads the usage OpenRouter sends with
 * every completion and on the last chunk of every stream.
 */

import { printable } from "./catalog.ts";
import type { Settings } from "./config.ts";

/** OpenRouter's provider preferences, as chatOptions() sends them. */
export interface ProviderPreferences {
  sort?: string;
  data_collection?: string;
  zdr?: boolean;
}

/** The request fields chatOptions() returns: spread them into create()'s parameters. */
export interface ChatOptions {
  max_completion_tokens: number;
  models?: string[];
  provider?: ProviderPreferences;
}

/**
 * The request fields the settings ask for. Fields left unset are left out, so OpenRouter's
 * defaults (and the account's settings) apply. Overrides replace fields:
 * chatOptions(settings, { max_completion_tokens: 16 }).
 */
export function chatOptions(settings: Settings, overrides: Partial<ChatOptions> = {}): ChatOptions {
  const options: ChatOptions = { max_completion_tokens: settings.maxTokens };
  if (settings.fallbackModels.length > 0) {
    options.models = [...new Set([settings.model, ...settings.fallbackModels])];
  }
  const provider: ProviderPreferences = {};
  if (settings.providerSort !== undefined) {
    provider.sort = settings.providerSort;
  }
  if (settings.dataCollection !== undefined) {
    provider.data_collection = settings.dataCollection;
  }
  if (settings.zdr !== undefined) {
    provider.zdr = settings.zdr;
  }
  if (Object.keys(provider).length > 0) {
    options.provider = provider;
  }
  return { ...options, ...overrides };
}

/**
 * One line on what a reply cost: "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI".
 *
 * reply is a completion or a stream's last chunk (the one with usage), as the SDK returns it or
 * as parsed JSON. undefined when it carries no usage: nothing to print, nothing wrong. The model
 * and provider come from the server: they are shown escaped if need be.
 */
export function usageLine(reply: unknown): string | undefined {
  const usage = field(reply, "usage");
  const prompt = count(field(usage, "prompt_tokens"));
  const completion = count(field(usage, "completion_tokens"));
  if (prompt === undefined || completion === undefined) {
    return undefined;
  }
  const parts = [`${prompt} in`, `${completion} out`];
  const cost = field(usage, "cost");
  if (typeof cost === "number" && Number.isFinite(cost)) {
    parts.push(usd(cost));
  }
  const model = field(reply, "model");
  const provider = field(reply, "provider");
  if (typeof model === "string" && model) {
    let served = printable(model);
    if (typeof provider === "string" && provider) {
      served += ` via ${printable(provider)}`;
    }
    parts.push(served);
  }
  return parts.join(", ");
}

/** A cost in USD: six decimals, more (up to ten) for a tiny non-zero amount. */
export function usd(amount: number): string {
  let digits = 6;
  while (digits < 10 && amount !== 0 && Number(Math.abs(amount).toFixed(digits)) === 0) {
    digits += 1;
  }
  return `${amount < 0 ? "-" : ""}$${Math.abs(amount).toFixed(digits)}`;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}
