/** How `plan` and `send-event` start: runCommand, with bad arguments answered in one line of ours. */
import { parseArgs, type ParseArgsConfig } from "node:util";

import { type Command, EXIT, runCommand } from "../cli/runCommand";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * What is wrong with the arguments, naming the one at fault, for an error util.parseArgs throws;
 * undefined for any other error. Node's own text is a paragraph about positionals.
 */
export function argumentProblem(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  // Node quotes the argument first: '--frob', '--model <value>', '-m, --model <value>' or 'extra'.
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  if (quoted === undefined) return undefined;
  const option = quoted.replace(/^-\w, /, "").replace(/ <value>$/, "");
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Unknown option '${option}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return error.message.includes("does not take an argument")
        ? `Option '${option}' takes no value`
        : `Option '${option}' needs a value, written ${option}=<value> if it starts with '-'`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Unexpected argument '${quoted}'`;
    default:
      return undefined;
  }
}

/**
 * Runs `amlwf <name>` through runCommand; arguments util.parseArgs refuses get one line naming
 * the argument and pointing at `--help`, exit 2. (runCommand parses them again, with the same options.)
 */
export function runEventCommand<O extends Options>(name: string, command: Command<O>): void {
  try {
    parseArgs({
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: command.positionals === true,
      strict: true,
    });
  } catch (error) {
    const problem = argumentProblem(error);
    if (problem !== undefined) {
      process.stderr.write(`${problem} (usage: amlwf ${name} --help)\n`);
      process.exitCode = EXIT.usage;
      return;
    }
  }
  runCommand(command);
}
