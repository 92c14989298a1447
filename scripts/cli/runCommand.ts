import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

import { findAppRoot } from "../../shared/appRoot";
import { ConfigError } from "../../shared/compile/config/configError";
import { SettingsError } from "../../shared/core/runtime";
import { errorMessage } from "../../shared/errors";
import { workflowsFileProblem } from "../../shared/settings";
import { expandDevelopmentStorage } from "./azuriteStorage";
import { credentialProblem } from "./credentialProblem";
import { applyLocalSettings, withSettingOrigins } from "./localSettings";
import { findProjectRoot, pinProjectPaths } from "./projectRoot";

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
  /** `amlwf start` makes local.settings.json from the sample; the other commands only read it. */
  createLocalSettings?: boolean;
  /** `init` makes a project: it reads no project's settings. */
  readsNoSettings?: boolean;
  run(args: {
    values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
    positionals: string[];
    /** The user's project (the nearest folder with a package.json): its settings, workflows, .local/. */
    projectRoot: string;
    /** This tool's own folder (host.json, dist/, the function's sources), wherever it is installed. */
    toolRoot: string;
  }): Promise<number> | number;
}

const say = (stream: NodeJS.WriteStream, text: string) => stream.write(`${text}\n`);

/**
 * Runs a command the one way every command runs: local.settings.json applied as `amlwf start`
 * applies it (variables already set win), `--help`, and exit 0 ok / 1 failed / 2 usage or config.
 */
export function runCommand<O extends Options>(command: Command<O>): void {
  // `amlwf compile … | head`: a reader that stops early ends the command quietly, as it would a Unix tool.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
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
  const toolRoot = findAppRoot(__dirname);
  const projectRoot = findProjectRoot();
  let fromFile: readonly string[] = [];
  Promise.resolve()
    .then(() => {
      if (command.readsNoSettings === true)
        return command.run({
          values: args.values,
          positionals: args.positionals,
          projectRoot,
          toolRoot,
        });
      const local = applyLocalSettings(projectRoot, process.env, {
        create: command.createLocalSettings === true,
        sample: join(toolRoot, "local.settings.sample.json"),
      });
      fromFile = local.applied;
      const workflows = workflowsFileProblem(process.env, projectRoot);
      if (workflows !== undefined) throw new SettingsError(`Invalid settings:\n  ${workflows}`);
      pinProjectPaths(process.env, projectRoot);
      expandDevelopmentStorage(process.env);
      if (local.created)
        say(
          process.stderr,
          "created local.settings.json from the sample (edit it to set AML_WORKSPACE_ID)",
        );
      return command.run({
        values: args.values,
        positionals: args.positionals,
        projectRoot,
        toolRoot,
      });
    })
    // One exit code whatever the output form: a --json answer that says something failed exits 1
    // too, or a CI step reading it would pass on a broken config (issue 20). `npx amlwf <command>`
    // passes the code on and adds nothing to stdout.
    .then(finish, (error: unknown) => {
      if (error instanceof UsageError) {
        say(process.stderr, `${error.message}\n${command.usage}`);
        finish(EXIT.usage);
        return;
      }
      // No credential (no `az login`): one line of ours, not the credential chain's seven.
      const credential = credentialProblem(error);
      if (credential !== undefined) {
        say(process.stderr, credential);
        finish(EXIT.failed);
        return;
      }
      if (error instanceof SettingsError) {
        say(process.stderr, withSettingOrigins(errorMessage(error), fromFile));
        finish(EXIT.usage);
        return;
      }
      say(process.stderr, errorMessage(error));
      finish(error instanceof ConfigError ? EXIT.usage : EXIT.failed);
    });
}
