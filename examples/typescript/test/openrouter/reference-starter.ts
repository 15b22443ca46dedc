// Maintained by the OpenRouter app template: copier update replaces this file.
// The starter as the template ships it (src/main.ts on the first day): the kit's tests run
// this copy, so they hold however you change or replace yours.
/**
 * Stream one chat completion from OpenRouter: npm start --silent -- "Say hello".
 *
 * This is where your app starts, and it is yours: copier update never changes it. It shows the
 * pattern to keep: settings for one environment, a client from the kit (openrouter/, which the
 * template maintains), and a clear message instead of a stack trace when something goes wrong.
 */

import { APIError } from "openai";

import {
  type CommandLine,
  chatOptions,
  command,
  createClient,
  explain,
  explainStream,
  keyInfo,
  loadSettings,
  Problem,
  readCommandLine,
  type Settings,
  usageError,
  usageLine,
} from "../../src/openrouter/index.ts";

const COMMAND_LINE = {
  name: "start",
  description: "Stream a reply from OpenRouter to a prompt.",
  options: {
    env: { type: "string", metavar: "NAME", help: "the environment to use (default: APP_ENV)" },
  },
  positionals: "PROMPT...",
} satisfies CommandLine;

/** Run the starter; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const given = readCommandLine(COMMAND_LINE, argv);
  if (typeof given === "number") {
    return given; // --help, or a bad command line
  }
  const { values, positionals: prompt } = given;
  if (prompt.length === 0) {
    const example = command("start", '"Say hello"');
    return usageError(COMMAND_LINE, `say what to ask the model, e.g. ${example}`);
  }

  let settings: Settings;
  let client: ReturnType<typeof createClient>;
  try {
    settings = loadSettings(values.env);
    client = createClient(settings);
  } catch (error) {
    if (!(error instanceof Problem)) {
      throw error;
    }
    console.error(`error: ${error.text.line()}`);
    return error.status;
  }

  let streaming = false; // OpenRouter has answered: the reply is on its way
  let replying = false;
  let finished = false;
  let failure: unknown;
  let usage: string | undefined; // what the reply cost: the last chunk carries it
  try {
    const stream = await client.chat.completions.create({
      model: settings.model,
      messages: [{ role: "user", content: prompt.join(" ") }],
      stream: true,
      // max_completion_tokens (OpenRouter sets aside that many times the price before it
      // answers), fallback models and provider preferences, from the settings.
      ...chatOptions(settings),
    });
    streaming = true;
    for await (const chunk of stream) {
      usage = usageLine(chunk) ?? usage;
      for (const choice of chunk.choices) {
        if (choice.delta.content) {
          process.stdout.write(choice.delta.content);
          replying = true;
        }
        // The last chunk says why the model stopped; a stream without one was cut.
        finished ||= choice.finish_reason !== null;
      }
    }
  } catch (error) {
    if (!streaming && error instanceof APIError) {
      // A 402 is the key's own credit limit or the account's balance: GET /key tells which.
      const key = error.status === 402 ? await keyInfo(client) : null;
      console.error(`error: ${explain(error, settings, undefined, key).line()}`);
      return 1;
    }
    // An error chunk (APIError), a cut connection (fetch's TypeError "terminated"), an event
    // that is not JSON (SyntaxError): explainStream says which.
    if (!(streaming && isStreamError(error))) {
      throw error;
    }
    failure = error;
  }
  if (finished) {
    process.stdout.write("\n");
    if (usage) {
      console.error(usage);
    }
    return 0;
  }
  if (replying) {
    process.stdout.write("\n"); // end the partial reply's line
  }
  console.error(`error: ${explainStream(failure, settings).line()}`);
  return 1;
}

function isStreamError(error: unknown): boolean {
  return error instanceof APIError || error instanceof TypeError || error instanceof SyntaxError;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
