/**
 * Stream one chat completion from OpenRouter: npm start -- "Say hello".
 *
 * This is where your app starts: replace it with your own code. It shows the pattern to keep:
 * settings for one environment, a client from client.ts, and a clear message instead of a stack
 * trace when something goes wrong.
 */

import { parseArgs } from "node:util";

import { APIError, type OpenAI } from "openai";

import { createClient, explain } from "./client.ts";
import { ConfigError, loadSettings, type Settings } from "./config.ts";

const USAGE = `usage: npm start -- [--env NAME] PROMPT...

Stream a reply from OpenRouter to a prompt.

options:
  --env NAME    the environment to use (default: APP_ENV)
  -h, --help    show this help and exit
`;

/** Run the starter; returns the exit status. */
async function main(argv: readonly string[]): Promise<number> {
  let commandLine: ReturnType<typeof readCommandLine>;
  try {
    commandLine = readCommandLine(argv);
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals: prompt } = commandLine;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (prompt.length === 0) {
    return usageError('say what to ask the model, e.g. npm start -- "Say hello"');
  }

  let settings: Settings;
  let client: OpenAI;
  try {
    settings = loadSettings(values.env);
    client = createClient(settings);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    console.error(`error: ${error.text.line()}`);
    return 2;
  }

  let replying = false;
  try {
    const stream = await client.chat.completions.create({
      model: settings.model,
      messages: [{ role: "user", content: prompt.join(" ") }],
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

function readCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: { env: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
}

function usageError(message: string): number {
  console.error(`start: error: ${message} (see --help)`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
