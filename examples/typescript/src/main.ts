/**
 * Stream one chat completion from OpenRouter: npm start -- "Say hello".
 *
 * This is where your app starts: replace it with your own code. It shows the pattern to keep:
 * settings for one environment, a client from client.ts, and a clear message instead of a stack
 * trace when something goes wrong.
 */

import { APIError, type OpenAI } from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { Stream } from "openai/streaming";

import * as cli from "./cli.ts";
import { createClient } from "./client.ts";
import { command, loadSettings, Problem, type Settings } from "./config.ts";
import { explain, explainStream } from "./explain.ts";

const COMMAND_LINE = {
  name: "start",
  description: "Stream a reply from OpenRouter to a prompt.",
  options: {
    env: { type: "string", metavar: "NAME", help: "the environment to use (default: APP_ENV)" },
  },
  positionals: "PROMPT...",
} satisfies cli.CommandLine;

/** Run the starter; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let commandLine: ReturnType<typeof cli.parse<typeof COMMAND_LINE>>;
  try {
    commandLine = cli.parse(COMMAND_LINE, argv);
  } catch (error) {
    if (!(error instanceof cli.UsageError)) {
      throw error;
    }
    return cli.usageError(COMMAND_LINE, error.message);
  }
  const { values, positionals: prompt } = commandLine;
  if (values.help) {
    process.stdout.write(cli.help(COMMAND_LINE));
    return 0;
  }
  if (prompt.length === 0) {
    const example = command("start", '"Say hello"');
    return cli.usageError(COMMAND_LINE, `say what to ask the model, e.g. ${example}`);
  }

  let settings: Settings;
  let client: OpenAI;
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

  let stream: Stream<ChatCompletionChunk>;
  try {
    stream = await client.chat.completions.create({
      model: settings.model,
      messages: [{ role: "user", content: prompt.join(" ") }],
      // Bounded: OpenRouter sets aside max_tokens times the price before it answers.
      max_tokens: settings.maxTokens,
      stream: true,
    });
  } catch (error) {
    if (!(error instanceof APIError)) {
      throw error;
    }
    console.error(`error: ${explain(error, settings).line()}`);
    return 1;
  }

  let replying = false;
  let finished = false;
  let failure: unknown;
  try {
    for await (const chunk of stream) {
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
    // An error chunk (APIError), a cut connection (fetch's TypeError "terminated"), an event
    // that is not JSON (SyntaxError): explainStream says which.
    if (
      !(error instanceof APIError || error instanceof TypeError || error instanceof SyntaxError)
    ) {
      throw error;
    }
    failure = error;
  }
  if (finished) {
    process.stdout.write("\n");
    return 0;
  }
  if (replying) {
    process.stdout.write("\n"); // end the partial reply's line
  }
  console.error(`error: ${explainStream(failure, settings).line()}`);
  return 1;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
