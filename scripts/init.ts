/** `amlwf init [folder]`: a team's own repository of workflows, with its Pulumi program, CI and README. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { npmCommand } from "./init/npm";
import { projectName, scaffoldProject, toolDependency, toolManifest } from "./init/scaffold";

const say = (line: string) => process.stdout.write(`${line}\n`);

runCommand({
  usage:
    "usage: amlwf init [<folder>] [--name <name>] [--tool <version range | tarball | folder>] [--no-lock] [--keep-existing]",
  description: `Makes a repository of your own for your workflows (default: the current folder): workflows/ with
the example, events/ with a sample event, infra/ (a Pulumi program using this tool's component),
.github/workflows/ (validate and plan on pull requests, pulumi up with OIDC on main), a README,
.gitignore and a package.json that depends on this tool; then writes package-lock.json
(npm install --package-lock-only), so \`npm ci\` installs it. Nothing is overwritten: if any of
those files exists, nothing is written (unless --keep-existing). Upgrading later is \`npm update\`.
  --name NAME     the npm package and Pulumi project name (default: the folder's name)
  --tool SPEC     how package.json names this tool: a version range (default ^<this version>), or
                  the path of a tarball from npm pack or of a folder (written as file:)
  --no-lock       do not run npm; write no package-lock.json
  --keep-existing into a repository you have: write only what is missing, keep your files as
                  they are (with your own package.json, it says what to add to it)
Exit: 0 made, 1 npm failed (the files are written), 2 usage error or a file would be overwritten.`,
  options: {
    name: { type: "string" },
    tool: { type: "string" },
    "no-lock": { type: "boolean" },
    "keep-existing": { type: "boolean" },
  },
  positionals: true,
  readsNoSettings: true,
  run({ values, positionals, toolRoot }) {
    if (positionals.length > 1)
      throw new UsageError(`init takes one folder, got ${positionals.length}`);
    const target = resolve(positionals[0] ?? ".");
    const name = values.name ?? projectName(target);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new UsageError(
        `--name "${name}" must be lowercase letters, digits and dashes (an npm package and Pulumi project name)`,
      );
    const manifest = toolManifest(toolRoot);
    const tool = toolDependency(values.tool ?? `^${manifest.version}`, target);
    const made = scaffoldProject(toolRoot, target, {
      name,
      tool,
      keepExisting: values["keep-existing"] === true,
    });
    // As the user named it (a relative path stays relative), or the folder they are in.
    const shown = positionals[0] ?? ".";
    if (made.kind === "conflicts")
      throw new UsageError(
        `init would overwrite ${made.files.length} file${made.files.length === 1 ? "" : "s"} in ${shown}: ${made.files.join(", ")}; nothing was written (--keep-existing writes the others)`,
      );
    say(`made ${shown}: ${made.files.join(", ")}`);
    if (made.kept.length > 0) say(`kept as they were: ${made.kept.join(", ")}`);
    if (made.kept.includes("package.json")) {
      // Theirs: the dependencies are added the way npm adds them, by the user.
      const dev = [
        "@pulumi/pulumi",
        "@pulumi/azure-native",
        "@pulumi/command",
        "typescript",
        "@types/node",
      ];
      say(
        `your package.json is kept: add the tool with npm install ${manifest.name}@${JSON.stringify(tool)} ` +
          `and npm install -D ${dev.join(" ")}, and scripts like the README's`,
      );
      return EXIT.ok;
    }
    say(`${manifest.name} from ${tool}`);
    if (values["no-lock"] !== true) {
      const npm = npmCommand(["install", "--package-lock-only", "--no-audit", "--no-fund"]);
      const run = spawnSync(npm.file, npm.args, {
        cwd: target,
        stdio: ["ignore", "inherit", "inherit"],
        shell: npm.shell,
      });
      if (run.status !== 0) {
        process.stderr.write(
          `npm could not resolve the project's dependencies (${manifest.name}@${tool}); the files are written. ` +
            `Fix the dependency (e.g. --tool <tarball from npm pack>) and run npm install in ${shown}\n`,
        );
        return EXIT.failed;
      }
      say("wrote package-lock.json");
    }
    say(
      `next: cd ${shown} && npm ci && npx amlwf validate && npx amlwf plan --model churn:3 --tag stage=candidate`,
    );
    return EXIT.ok;
  },
});
