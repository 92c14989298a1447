import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/** What `init` wrote (and kept), each file relative to the project, or the files it would overwrite. */
export type ScaffoldOutcome =
  { kind: "written"; files: string[]; kept: string[] } | { kind: "conflicts"; files: string[] };

/** What a project is made of: where each file comes from in the tool, where it goes, whether it is filled in. */
interface Source {
  from: string;
  to: string;
  fill: boolean;
}

/** npm package and Pulumi project names: lowercase letters, digits and dashes. */
export function projectName(folder: string): string {
  const name = basename(resolve(folder))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "aml-workflows" : name;
}

/**
 * How the new project's package.json names this tool: a version range from the registry as given,
 * a path (a tarball from `npm pack`, or a folder) as `file:` relative to the project.
 */
export function toolDependency(spec: string, target: string, cwd = process.cwd()): string {
  const looksLikePath =
    /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(spec) || /\.t(ar\.)?gz$/i.test(spec);
  if (spec.startsWith("file:") || !looksLikePath) return spec;
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  return `file:${relative(resolve(target), path).split("\\").join("/") || "."}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path).map((f) => join(name, f)) : [name];
  });
}

// npm drops or renames dot-files in a package (.gitignore becomes .npmignore): the template keeps them without the dot.
const DOTTED: Record<string, string> = { gitignore: ".gitignore", github: ".github" };
const dotted = (path: string) => {
  const [first = "", ...rest] = path.split(/[\\/]/);
  return join(DOTTED[first] ?? first, ...rest);
};

/** The files a new project gets from the tool at `toolRoot`. */
function sources(toolRoot: string): Source[] {
  const template = join(toolRoot, "templates", "project");
  const workflows = join(toolRoot, "workflows");
  return [
    ...filesUnder(template).map((f) => ({ from: join(template, f), to: dotted(f), fill: true })),
    ...filesUnder(workflows).map((f) => ({
      from: join(workflows, f),
      to: join("workflows", f),
      fill: false,
    })),
    {
      from: join(toolRoot, "samples", "events", "model-registered.eventgrid.json"),
      to: join("events", "model-registered.json"),
      fill: false,
    },
  ];
}

/** The new project's package.json: the tool, Pulumi and TypeScript for its program, and scripts that run the tool. */
function packageJson(name: string, tool: string, toolManifest: ToolManifest): string {
  const dev = toolManifest.devDependencies;
  const pinned = (dep: string) => toolManifest.peerDependencies[dep] ?? dev[dep] ?? "*";
  const manifest = {
    name,
    version: "0.0.0",
    private: true,
    description: `${name}: Azure ML workflows started by events (aml-event-workflows)`,
    scripts: {
      build: "tsc -p infra",
      test: "amlwf validate && amlwf plan events && tsc -p infra --noEmit",
      validate: "amlwf validate",
      plan: "amlwf plan",
      start: "amlwf start",
    },
    engines: toolManifest.engines,
    dependencies: { [toolManifest.name]: tool },
    devDependencies: {
      "@pulumi/azure-native": pinned("@pulumi/azure-native"),
      "@pulumi/command": pinned("@pulumi/command"),
      "@pulumi/pulumi": pinned("@pulumi/pulumi"),
      "@types/node": dev["@types/node"] ?? "*",
      typescript: dev.typescript ?? "*",
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The parts of the tool's package.json the new project's is made from. */
export interface ToolManifest {
  name: string;
  version: string;
  engines: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** Reads the tool's package.json. */
export function toolManifest(toolRoot: string): ToolManifest {
  return JSON.parse(readFileSync(join(toolRoot, "package.json"), "utf8")) as ToolManifest;
}

/**
 * Writes a team's project into `target` (made if missing): the example workflows, a sample event,
 * a Pulumi program using the component, CI, a README and a package.json naming the tool as `tool`.
 * Nothing is overwritten: if any file exists, nothing is written and those files are returned, or
 * with `keepExisting` the others are written and those are kept as they are.
 */
export function scaffoldProject(
  toolRoot: string,
  target: string,
  options: { name: string; tool: string; keepExisting?: boolean },
): ScaffoldOutcome {
  const manifest = toolManifest(toolRoot);
  const exists = (file: string) => existsSync(join(target, file));
  const all = [...sources(toolRoot).map((f) => f.to), "package.json"];
  const kept = all.filter(exists).sort();
  if (kept.length > 0 && options.keepExisting !== true) return { kind: "conflicts", files: kept };
  const files = sources(toolRoot).filter((f) => !exists(f.to));
  const fill = (text: string) =>
    text
      .replaceAll("{{name}}", options.name)
      .replaceAll("{{toolName}}", manifest.name)
      .replaceAll("{{toolVersion}}", manifest.version);
  for (const file of files) {
    const to = join(target, file.to);
    mkdirSync(dirname(to), { recursive: true });
    if (file.fill) writeFileSync(to, fill(readFileSync(file.from, "utf8")));
    else cpSync(file.from, to);
  }
  if (!exists("package.json"))
    writeFileSync(join(target, "package.json"), packageJson(options.name, options.tool, manifest));
  return { kind: "written", files: all.filter((f) => !kept.includes(f)).sort(), kept };
}
