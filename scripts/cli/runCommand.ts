import { parseArgs, type ParseArgsConfig } from "node:util";

import { findAppRoot } from "../../shared/appRoot";
import { ConfigError } from "../../shared/compile/config/configError";
import { SettingsError } from "../../shared/core/runtime";
import { errorMessage } from "../../shared/errors";
import { expandDevelopmentStorage } from "./azuriteStorage";
import { applyLocalSettings } from "./localSettings";

/** Exit codes every command uses. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad arguments: printed with the usage, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** One command: its usage text, its options and what it does; `run` returns 0 (ok) or 1 (something failed). */
export interface Command<O extends Options> {
  usage: string;
  description: string;
  options: O;
  positionals?: boolean;
  /** `npm start` makes local.settings.json from the sample; the other commands only read it. */
  createLocalSettings?: boolean;
  run(args: {
    values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
    positionals: string[];
    appRoot: string;
  }): Promise<number> | number;
}

const say = (stream: NodeJS.WriteStream, text: string) => stream.write(`${text}\n`);

/**
 * Runs a command the one way every command runs: local.settings.json applied as `npm start`
 * applies it (variables already set win), `--help`, and exit 0 ok / 1 failed / 2 usage or config.
 */
export function runCommand<O extends Options>(command: Command<O>): void {
  const help = `${command.usage}\n\n${command.description}`;
  const finish = (code: number) => {
    process.exitCode = code;
  };
  let args;
  try {
    args = parseArgs({
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    say(process.stderr, `${errorMessage(error)}\n${command.usage}`);
    finish(EXIT.usage);
    return;
  }
  if ((args.values as { help?: boolean }).help === true) {
    say(process.stdout, help);
    finish(EXIT.ok);
    return;
  }
  if (command.positionals !== true && args.positionals.length > 0) {
    say(process.stderr, `unexpected argument "${args.positionals[0] ?? ""}"\n${command.usage}`);
    finish(EXIT.usage);
    return;
  }
  const appRoot = findAppRoot(__dirname);
  Promise.resolve()
    .then(() => {
      const local = applyLocalSettings(appRoot, process.env, {
        create: command.createLocalSettings === true,
      });
      expandDevelopmentStorage(process.env);
      if (local.created)
        say(
          process.stderr,
          "created local.settings.json from local.settings.sample.json (edit it to set AML_WORKSPACE_ID)",
        );
      return command.run({
        values: args.values,
        positionals: args.positionals,
        appRoot,
      });
    })
    // `npm run` appends an error object of its own to stdout when a command fails, which would break
    // the JSON; a --json answer says what failed itself, so once it is written the command exits 0.
    .then(
      (code) => {
        finish(
          (args.values as { json?: boolean }).json === true && code === EXIT.failed
            ? EXIT.ok
            : code,
        );
      },
      (error: unknown) => {
        if (error instanceof UsageError) {
          say(process.stderr, `${error.message}\n${command.usage}`);
          finish(EXIT.usage);
          return;
        }
        say(process.stderr, errorMessage(error));
        finish(
          error instanceof ConfigError || error instanceof SettingsError ? EXIT.usage : EXIT.failed,
        );
      },
    );
}
