#!/usr/bin/env node
/** `amlwf <command> [options]`: every command of the local loop and the deployment under one name, without npm's banner. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Each command, the compiled script that runs it, and what it is for. */
export const COMMANDS: Record<string, { script: string; about: string }> = {
  init: { script: "init", about: "make a repository of your own: workflows, Pulumi program, CI" },
  validate: { script: "validate", about: "check a workflows config and the pipelines it names" },
  plan: { script: "plan", about: "what events would start; sends nothing" },
  compile: { script: "compile", about: "the job body and asset requests of a pipeline file" },
  start: { script: "start", about: "Azurite and the function on 127.0.0.1, dry run by default" },
  "send-event": { script: "sendEvent", about: "deliver events to the running host or Event Grid" },
  status: { script: "status", about: "what an event did: jobs, rejections, dead letters" },
  approve: {
    script: "approve",
    about: "record a decision on a model version: approved, by whom, when",
  },
  logs: { script: "logs", about: "the function's outcome records: local host log or App Insights" },
  replay: { script: "replay", about: "re-deliver rejected or dead-lettered events; --discard" },
  register: {
    script: "register",
    about: "register the pipelines' code, environments, components, data",
  },
  package: { script: "package", about: "build the function app's deployment package" },
  "deploy-package": {
    script: "deployPackage",
    about: "OneDeploy the package to a Flex Consumption app",
  },
  "clear-local": { script: "clearLocal", about: "remove local state (after stopping start)" },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "usage: amlwf <command> [options]   (amlwf <command> --help for its options)",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}`),
    "",
    "Exit codes: 0 all went well, 1 something failed, 2 a usage or config error.",
  ].join("\n");
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === "--help" || name === "-h" || name === "help") {
  process.stdout.write(`${usage()}\n`);
  process.exitCode = name === undefined ? 2 : 0;
} else if (name === "--version" || name === "-v") {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  process.stdout.write(`${pkg.version}\n`);
} else {
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`amlwf: no command ${JSON.stringify(name)}\n${usage()}\n`);
    process.exitCode = 2;
  } else {
    const script = join(__dirname, `${command.script}.js`);
    // The command reads its options from process.argv, as when it is run on its own.
    process.argv = [process.argv[0] ?? process.execPath, script, ...rest];
    import(pathToFileURL(script).href).catch((error: unknown) => {
      process.stderr.write(`amlwf: ${String(error)}\n`);
      process.exitCode = 1;
    });
  }
}
