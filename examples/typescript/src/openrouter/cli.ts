// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * The command lines of the project's commands: each declares its options once, here the help is
 * generated from them, and a command line parseArgs refuses becomes a one-line usage error
 * (exit 2).
 */

import { parseArgs } from "node:util";

import { command } from "./config.ts";

/** One option, as parseArgs reads it and as the help shows it. */
export type Option =
  | { type: "boolean"; help: string }
  | {
      type: "string";
      /** What stands for the value in the help, e.g. SECONDS. */
      metavar: string;
      help: string;
      /** The value when the option is not given, shown in the help. */
      default?: string;
    };

/** A command's command line. */
export interface CommandLine {
  /** The command, as command() spells it: start (the starter), verify, login... */
  name: string;
  /** The command's subcommand, e.g. keys create; none if it has none. */
  subcommand?: string;
  /** What the command does, one sentence. */
  description: string;
  options: Readonly<Record<string, Option>>;
  /** What stands for the positional arguments in the help, e.g. PROMPT...; none if none. */
  positionals?: string;
}

/** A bad command line; the message says what is wrong. */
export class UsageError extends Error {}

const HELP = { type: "boolean", short: "h" } as const;

/** What parseArgs is given for a command line: its options, and --help. */
interface Config<C extends CommandLine> {
  args: readonly string[];
  options: C["options"] & { help: typeof HELP };
  allowPositionals: boolean;
}

/**
 * The options and positional arguments given, with the declared defaults filled in.
 *
 * Throws UsageError for an unknown option, a missing value, or a positional argument the command
 * does not take.
 */
export function parse<const C extends CommandLine>(commandLine: C, argv: readonly string[]) {
  // A spread of a generic object loses its type: say what it is.
  const options = { ...commandLine.options, help: HELP } as Config<C>["options"];
  try {
    return parseArgs<Config<C>>({
      args: argv,
      options,
      allowPositionals: commandLine.positionals !== undefined,
    });
  } catch (error) {
    if (!isParseError(error)) {
      throw error;
    }
    // parseArgs says what is wrong in its first sentence; the rest is about positional arguments,
    // which only matters to a command that takes them.
    const message = commandLine.positionals ? error.message : error.message.replace(/\. .*/s, "");
    throw new UsageError(message);
  }
}

/** Whether parseArgs refused the command line: its errors' codes are ERR_PARSE_ARGS_*. */
function isParseError(error: unknown): error is Error {
  return (
    error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")
  );
}

/** The --help text: usage, description, then one line per option. */
export function help(commandLine: CommandLine): string {
  const options = Object.entries(commandLine.options).map(([name, option]) =>
    option.type === "string" ? `--${name} ${option.metavar}` : `--${name}`,
  );
  const usage = command(
    commandLine.name,
    ...(commandLine.subcommand ? [commandLine.subcommand] : []),
    ...options.map((option) => `[${option}]`),
    ...(commandLine.positionals ? [commandLine.positionals] : []),
  );
  const rows = Object.values(commandLine.options).map((option, index): [string, string] => [
    options[index] ?? "",
    option.type === "string" && option.default !== undefined
      ? `${option.help} (default: ${option.default})`
      : option.help,
  ]);
  rows.push(["-h, --help", "show this help and exit"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 4;
  const lines = rows.map(([left, text]) => `  ${left.padEnd(width)}${text}`);
  return `usage: ${usage}\n\n${commandLine.description}\n\noptions:\n${lines.join("\n")}\n`;
}

/** What a command line gave: its options (with the declared defaults) and positional arguments. */
export type Given<C extends CommandLine> = ReturnType<typeof parse<C>>;

/**
 * The options and positional arguments given; or, when there is nothing left to do, the exit
 * status: 0 once --help is printed, 2 once a bad command line is said on stderr (usageError).
 *
 *     const given = cli.read(COMMAND_LINE, argv);
 *     if (typeof given === "number") {
 *       return given;
 *     }
 */
export function read<const C extends CommandLine>(
  commandLine: C,
  argv: readonly string[],
): Given<C> | number {
  let given: Given<C>;
  try {
    given = parse(commandLine, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      throw error;
    }
    return usageError(commandLine, error.message);
  }
  const { help: wanted }: { help?: boolean } = given.values;
  if (wanted) {
    process.stdout.write(help(commandLine));
    return 0;
  }
  return given;
}

/** Say what is wrong with the command line, on one line of stderr; returns the exit status, 2. */
export function usageError(commandLine: CommandLine, message: string): number {
  console.error(`${commandLine.name}: error: ${message} (see --help)`);
  return 2;
}
