// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * The OpenRouter kit: what your app imports, and all it should import from here.
 *
 *     import { createClient, explain, loadSettings, Problem } from "./openrouter/index.ts";
 *
 *     const settings = loadSettings(); // --env / APP_ENV, the process environment, .env files
 *     const client = createClient(settings, { timeout: 30_000 }); // an OpenAI client for OpenRouter
 *     const options = chatOptions(settings); // max_completion_tokens, fallbacks, provider preferences
 *     usageLine(completion); // "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI"
 *
 * settings.get("MY_SETTING") reads your app's own variables the same way. The commands live here
 * too: npm run --silent verify, login, keys. The other modules are the kit's internals; copier
 * update replaces them all.
 */

export type { Text } from "./catalog.ts";
export { type ChatOptions, chatOptions, usageLine } from "./chat.ts";
export {
  type CommandLine,
  type Given,
  read as readCommandLine,
  usageError,
} from "./cli.ts";
export { createClient, type Options as ClientOptions } from "./client.ts";
export { command, loadSettings, Problem, type Settings } from "./config.ts";
export { explain, explainStream, keyInfo } from "./explain.ts";
