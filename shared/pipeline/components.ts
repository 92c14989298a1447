import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

import {
  type AssetManifest,
  type CodeAsset,
  type ComponentAsset,
  DATASTORE_URL_TOKEN,
  type EnvironmentAsset,
} from "../compiled/compiledConfig";
import type { ConfigIssue } from "../config/configError";
import { readYamlFile, type YamlFile } from "../config/yamlFile";
import { isRecord } from "../guards";
import { type CodeFolder, readCodeFolder, uuidFromHex } from "./codeFolder";
import { stripPrefix } from "./inlineIo";
import { parallelTask } from "./parallelTask";
import { type Reference, workspaceChild } from "./references";
import { COMPONENT_SOURCES } from "./vocabulary";

/** The name azure-ai-ml registers anonymous components under. */
export const ANONYMOUS_COMPONENT = "azureml_anonymous";
/** The datastore local data goes to: every workspace's default blob datastore. */
export const DEFAULT_DATASTORE = "workspaceblobstore";
/** The name azure-ai-ml registers inline environments under. */
export const ANONYMOUS_ENVIRONMENT = "CliV2AnonymousEnvironment";

type Path = PropertyKey[];

/** JSON with every object's keys sorted, as Python's json.dumps(sort_keys=True). */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`)
      .join(",")}}`;
  // JSON.stringify gives undefined for undefined: Python's json would not see such a key at all.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? "null";
}

/** azure-ai-ml's anonymous version: md5 of the sorted JSON (name, version and id left out), as a UUID. */
export function specVersion(spec: Record<string, unknown>): string {
  const rest = Object.fromEntries(
    Object.entries(spec).filter(([k]) => k !== "name" && k !== "version" && k !== "id"),
  );
  return uuidFromHex(createHash("md5").update(sortedJson(rest)).digest("hex"));
}

/**
 * Collects what a pipeline needs in the workspace while it compiles: code folders, inline
 * environments and anonymous components, each once, each named from its content.
 */
export class AssetCollector {
  readonly manifest: AssetManifest = { codes: [], data: [], environments: [], components: [] };

  /**
   * @param root the workflows config's folder: what is deployed, and what asset paths are relative to
   */
  constructor(readonly root: string) {}

  private inRoot(path: string): string | undefined {
    const rel = relative(this.root, path);
    return rel.startsWith("..") || isAbsolute(rel) ? undefined : rel.split(sep).join("/");
  }

  /** Reads a file or folder to upload, which must lie under the root: what is compiled and registered. */
  private readUpload(
    path: string,
    what: string,
  ): { ok: true; rel: string; read: CodeFolder } | { ok: false; error: string } {
    const rel = this.inRoot(path);
    if (rel === undefined)
      return {
        ok: false,
        error: `${what} ${path} is outside ${this.root}; keep it under the workflows folder, which is what is compiled and registered`,
      };
    const read = readCodeFolder(path);
    return read.ok
      ? { ok: true, rel, read: read.value }
      : { ok: false, error: read.errors.join("; ") };
  }

  code(dir: string): Reference {
    const upload = this.readUpload(dir, "code folder");
    if (!upload.ok) return upload;
    const { rel: folder, read } = upload;
    const asset: CodeAsset = {
      name: uuidFromHex(read.sha256),
      version: "1",
      folder,
      sha256: read.sha256,
      files: read.files.length,
      bytes: read.bytes,
    };
    if (!this.manifest.codes.some((c) => c.name === asset.name)) this.manifest.codes.push(asset);
    return { ok: true, id: workspaceChild("codes", asset.name, "versions", asset.version) };
  }

  /**
   * A local file or folder an input names: uploaded once to the default datastore, at the path
   * azure-ai-ml uses (`LocalUpload/<hash>/<name>`); the input then reads it from there.
   */
  localData(path: string): Reference {
    const upload = this.upload(path, "local data");
    if (!upload.ok) return upload;
    const { datastorePath, kind } = upload;
    return {
      ok: true,
      id: `azureml://datastores/${DEFAULT_DATASTORE}/paths/${datastorePath}${kind === "folder" ? "/" : ""}`,
    };
  }

  /** Records a file or folder for upload to the default datastore; where it will be there. */
  private upload(
    path: string,
    what: string,
  ): { ok: true; datastorePath: string; kind: "file" | "folder" } | { ok: false; error: string } {
    const upload = this.readUpload(path, what);
    if (!upload.ok) return upload;
    const { rel, read } = upload;
    const kind = lstatSync(path).isFile() ? "file" : "folder";
    const datastorePath = `LocalUpload/${read.sha256.slice(0, 32)}/${basename(path)}`;
    if (!this.manifest.data.some((d) => d.datastorePath === datastorePath))
      this.manifest.data.push({
        path: rel,
        kind,
        sha256: read.sha256,
        files: read.files.length,
        bytes: read.bytes,
        datastorePath,
      });
    return { ok: true, datastorePath, kind };
  }

  /** An environment built from a Docker context: the context is uploaded like local data, first. */
  private builtEnvironment(build: Record<string, unknown>, baseDir: string): Reference {
    if (typeof build.path !== "string")
      return { ok: false, error: "build needs path: the folder holding the Docker context" };
    const dockerfile = build.dockerfile_path ?? "Dockerfile";
    if (typeof dockerfile !== "string")
      return { ok: false, error: "build.dockerfile_path must be a path inside the context" };
    const context = resolve(baseDir, build.path);
    if (!existsSync(join(context, dockerfile)))
      return { ok: false, error: `no ${dockerfile} in the Docker context ${context}` };
    const upload = this.upload(context, "Docker context");
    if (!upload.ok) return upload;
    return this.anonymousEnvironment({
      build: {
        // The datastore's blob URL is known when registering (azure-ai-ml sends the https URL).
        contextUri: `${DATASTORE_URL_TOKEN}/${upload.datastorePath}`,
        dockerfilePath: dockerfile,
      },
      isAnonymous: true,
    });
  }

  private anonymousEnvironment(properties: EnvironmentAsset["properties"]): Reference {
    const asset: EnvironmentAsset = {
      name: ANONYMOUS_ENVIRONMENT,
      version: uuidFromHex(createHash("md5").update(sortedJson(properties)).digest("hex")),
      properties,
    };
    if (!this.manifest.environments.some((e) => e.version === asset.version))
      this.manifest.environments.push(asset);
    return { ok: true, id: workspaceChild("environments", asset.name, "versions", asset.version) };
  }

  environment(value: unknown, baseDir: string): Reference {
    if (typeof value === "string") {
      const named = /^azureml:([^:@/]+):([^:@/]+)$/.exec(value);
      if (named)
        return {
          ok: true,
          id: workspaceChild("environments", named[1] ?? "", "versions", named[2] ?? ""),
        };
      if (/^azureml:\/\/registries\//i.test(value) || value.startsWith("/subscriptions/"))
        return { ok: true, id: value };
      if (/^azureml:[^:@/]+@/.test(value))
        return {
          ok: false,
          error: `environment "${value}" uses a label, which only a look-up can turn into a version; pin one (azureml:<name>:<version>)`,
        };
      return {
        ok: false,
        error: `environment "${value}" is not a reference; expected azureml:<name>:<version>, a registry id, or { image, conda_file }`,
      };
    }
    if (isRecord(value) && isRecord(value.build) && value.image === undefined)
      return this.builtEnvironment(value.build, baseDir);
    if (!isRecord(value) || typeof value.image !== "string")
      return {
        ok: false,
        error:
          isRecord(value) && value.python_requirements_txt !== undefined
            ? "an inline environment built from a requirements file is not supported yet; register it with `az ml environment create` and reference azureml:<name>:<version>"
            : "an inline environment needs an image (and may add a conda_file) or a build context (build: { path: <folder with a Dockerfile> })",
      };
    let condaFile: string | undefined;
    if (value.conda_file !== undefined) {
      if (isRecord(value.conda_file)) condaFile = JSON.stringify(value.conda_file);
      else if (typeof value.conda_file === "string") {
        const file = resolve(baseDir, value.conda_file.replace(/^file:/, ""));
        if (!existsSync(file)) return { ok: false, error: `conda file not found: ${file}` };
        condaFile = readFileSync(file, "utf8");
      } else return { ok: false, error: "conda_file must be a file path or a mapping" };
    }
    return this.anonymousEnvironment({
      image: value.image,
      ...(condaFile === undefined ? {} : { condaFile }),
      isAnonymous: true,
    });
  }

  /** Registers `spec` as an anonymous component; `file` (absolute) and `where` in it say where it came from. */
  component(spec: Record<string, unknown>, file: string, where = ""): string {
    const version = specVersion(spec);
    const from = `${this.inRoot(file) ?? basename(file)}${where}`;
    const asset: ComponentAsset = { name: ANONYMOUS_COMPONENT, version, from, spec };
    if (!this.manifest.components.some((c) => c.version === version))
      this.manifest.components.push(asset);
    return workspaceChild("components", ANONYMOUS_COMPONENT, "versions", version);
  }
}

/** The keys every component's spec carries over as written. */
const COMMON_COMPONENT_KEYS = [
  "name",
  "version",
  "display_name",
  "description",
  "tags",
  "is_deterministic",
  "inputs",
  "outputs",
];

/** The keys of a parallel component's spec that carry over as written (its task is resolved). */
const PARALLEL_COMPONENT_KEYS = [
  ...COMMON_COMPONENT_KEYS,
  "input_data",
  "mini_batch_size",
  "partition_keys",
  "resources",
  "retry_settings",
  "logging_level",
  "max_concurrency_per_instance",
  "error_threshold",
  "mini_batch_error_threshold",
];

/** The keys of a spark component's spec that carry over as written (its code and environment are resolved). */
const SPARK_COMPONENT_KEYS = [
  ...COMMON_COMPONENT_KEYS,
  "entry",
  "args",
  "conf",
  "py_files",
  "jars",
  "files",
  "archives",
];

/** The keys of a command component's spec that carry over as written. */
const COMMAND_SPEC_KEYS = [
  ...COMMON_COMPONENT_KEYS,
  "command",
  "distribution",
  "resources",
  "environment_variables",
  "additional_includes",
];

/**
 * A component's `code` and `environment` as asset ids the collector will register (an `azureml:`
 * code reference stays as written); false when either is wrong, each problem reported.
 */
function resolveCodeAndEnvironment(
  source: Record<string, unknown>,
  spec: Record<string, unknown>,
  baseDir: string,
  assets: AssetCollector,
  problem: (path: Path, message: string) => void,
  at: (...path: Path) => Path,
): boolean {
  let ok = true;
  if (source.code !== undefined) {
    if (typeof source.code !== "string") {
      problem(at("code"), "code must be a folder path");
      ok = false;
    } else if (source.code.startsWith("azureml:")) spec.code = source.code;
    else {
      const code = assets.code(resolve(baseDir, source.code.replace(/^file:/, "")));
      if (code.ok) spec.code = code.id;
      else {
        problem(at("code"), code.error);
        ok = false;
      }
    }
  }
  if (source.environment !== undefined) {
    const environment = assets.environment(source.environment, baseDir);
    if (environment.ok) spec.environment = environment.id;
    else {
      problem(at("environment"), environment.error);
      ok = false;
    }
  }
  return ok;
}

/**
 * A command component spec, as azure-ai-ml registers it: the YAML's own keys, with `code` and
 * `environment` turned into ids of assets the collector will register.
 */
export function commandSpec(
  source: Record<string, unknown>,
  baseDir: string,
  assets: AssetCollector,
  problem: (path: Path, message: string) => void,
  at: (...path: Path) => Path,
  origin: string,
): Record<string, unknown> | undefined {
  if (typeof source.command !== "string" || source.command.trim() === "") {
    problem(at("command"), "a command component needs a command");
    return undefined;
  }
  if (source.additional_includes !== undefined) {
    problem(at("additional_includes"), "additional_includes are not supported yet");
    return undefined;
  }
  const spec: Record<string, unknown> = { type: "command" };
  for (const key of COMMAND_SPEC_KEYS) if (source[key] !== undefined) spec[key] = source[key];
  let ok = resolveCodeAndEnvironment(source, spec, baseDir, assets, problem, at);
  if (source.environment === undefined) {
    problem(at(), "a command component needs an environment");
    ok = false;
  }
  spec._source = origin;
  return ok ? spec : undefined;
}

/** What a component file declares: its inputs (and whether each must be given) and its outputs. */
export interface ComponentInterface {
  file: string;
  inputs: Record<string, { required: boolean }>;
  outputs: string[];
}

/** The interface a component's `inputs:` and `outputs:` declare. */
export function componentInterface(
  file: string,
  source: Record<string, unknown>,
): ComponentInterface {
  const inputs: ComponentInterface["inputs"] = {};
  for (const [name, declared] of Object.entries(isRecord(source.inputs) ? source.inputs : {}))
    inputs[name] = {
      required: isRecord(declared) && declared.optional !== true && declared.default === undefined,
    };
  return { file, inputs, outputs: Object.keys(isRecord(source.outputs) ? source.outputs : {}) };
}

/**
 * A spark component spec, from a spark component file or an inline spark job: its code and
 * environment turned into asset ids, the rest as written.
 */
export function sparkSpec(
  source: Record<string, unknown>,
  baseDir: string,
  assets: AssetCollector,
  problem: (path: Path, message: string) => void,
  at: (...path: Path) => Path,
  origin: string,
): Record<string, unknown> | undefined {
  const spec: Record<string, unknown> = { type: "spark" };
  for (const key of SPARK_COMPONENT_KEYS) if (source[key] !== undefined) spec[key] = source[key];
  let ok = resolveCodeAndEnvironment(source, spec, baseDir, assets, problem, at);
  if (source.entry === undefined) {
    problem(at(), "a spark component needs an entry (file or class_name)");
    ok = false;
  }
  spec._source = origin;
  return ok ? spec : undefined;
}

/**
 * Reads a command, parallel or spark component file a node points at, and registers it (through the collector) as
 * an anonymous component, as azure-ai-ml does at submit time. Its problems are reported in its own
 * file, with line and column.
 */
export function componentFromFile(
  file: string,
  shown: string,
  assets: AssetCollector,
  issues: ConfigIssue[],
): { id: string; declared: ComponentInterface } | undefined {
  const read = readYamlFile(file, shown);
  if (!read.ok) {
    issues.push(...read.issues);
    return undefined;
  }
  const yaml: YamlFile = read.value;
  const data = yaml.data;
  const problem = (path: Path, message: string) => issues.push(yaml.issueAt(path, message));
  if (!isRecord(data)) {
    problem([], "a component file must be a mapping (key: value)");
    return undefined;
  }
  const schema = typeof data.$schema === "string" ? data.$schema : "";
  if (/\/promptflow\//i.test(schema) || /(^|[\\/])flow\.dag\.ya?ml$/i.test(file)) {
    // azure-ai-ml builds a component from a flow with the promptflow package, at submit time.
    problem(
      [],
      `a prompt flow used as a component is not supported: azure-ai-ml turns it into a component with the promptflow package. Register it once (\`az ml component create -f ${shown}\`) and reference azureml:<name>:<version>`,
    );
    return undefined;
  }
  const type = typeof data.type === "string" ? data.type : "command";
  if (type === "parallel") {
    const task = parallelTask(data.task, dirname(file), assets, (p) => resolve(dirname(file), p));
    if (!task.ok) {
      problem(["task"], task.errors.join("; "));
      return undefined;
    }
    const spec: Record<string, unknown> = { type: "parallel" };
    for (const key of PARALLEL_COMPONENT_KEYS) if (data[key] !== undefined) spec[key] = data[key];
    spec.task = {
      ...task.value,
      code: stripPrefix(task.value.code),
      environment: stripPrefix(task.value.environment),
    };
    spec._source = COMPONENT_SOURCES.component;
    return { id: assets.component(spec, file), declared: componentInterface(shown, data) };
  }
  const toSpec = type === "spark" ? sparkSpec : type === "command" ? commandSpec : undefined;
  if (toSpec === undefined) {
    problem(
      ["type"],
      `${type} component files are not supported yet; supported: command, parallel, spark (register it with \`az ml component create -f ${shown}\` and reference azureml:<name>:<version>)`,
    );
    return undefined;
  }
  const spec = toSpec(
    data,
    dirname(file),
    assets,
    problem,
    (...p) => p,
    COMPONENT_SOURCES.component,
  );
  return spec === undefined
    ? undefined
    : { id: assets.component(spec, file), declared: componentInterface(shown, data) };
}
