/**
 * Stream one chat completion from OpenRouter: npm start -- "Say hello".
 *
 * This is where your app starts: replace it with your own code. It shows the pattern to keep:
 * settings for one environment, a client from client.ts, and a clear message instead of a stack
 * trace when something goes wrong.
 */

import { APIError, type OpenAI } from "openai";

import * as cli from "./cli.ts";
import { createClient } from "./client.ts";
import { command, loadSettings, Problem, type Settings } from "./config.ts";
import { explain } from "./explain.ts";

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

  let replying = false;
  try {
    const stream = await client.chat.completions.create({
      model: settings.model,
      messages: [{ role: "user", content: prompt.join(" ") }],
      // Bounded: OpenRouter sets aside max_tokens times the price before it answers.
      max_tokens: settings.maxTokens,
      stream: true,
    });
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        if (choice.delta.content) {
          process.stdout.write(choice.delta.content);
          replying = true;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof APIError)) {
      throw error;
    }
    if (replying) {
      process.stdout.write("\n"); // end the partial reply's line
    }
    console.error(`error: ${explain(error, settings).line()}`);
    return 1;
  }
  process.stdout.write("\n");
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
