import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

import { anonymousComponentVersion } from "../../compiled/anonymousComponent";
import {
  ANONYMOUS_VERSION_TOKEN,
  anonymousVersionToken,
  type AssetManifest,
  type CodeAsset,
  type ComponentAsset,
  DATASTORE_URL_TOKEN,
  type EnvironmentAsset,
  WORKSPACE_TOKEN,
} from "../../compiled/compiledConfig";
import { workspaceChild } from "../../compiled/placement";
import type { JsonLike } from "../../compiled/pythonJson";
import { COMPONENT_SOURCES } from "../../compiled/vocabulary";
import { errorMessage } from "../../errors";
import { isRecord } from "../../guards";
import type { ConfigIssue } from "../config/configError";
import { readYamlFile, type YamlFile } from "../config/yamlFile";
import { type CodeFolder, readCodeFolder, uuidFromHex } from "./codeFolder";
import { prefixed, pythonDefault } from "./inlineIo";
import { miniBatchSize } from "./nodes/parallelSettings";
import { parallelTask } from "./parallelTask";
import { pythonFloatText, pythonLiteralText } from "./pythonText";
import type { Reference } from "./references";
import {
  anonymousBuildEnvironmentVersion,
  anonymousImageEnvironmentVersion,
  componentCodeIgnoreRules,
  condaFileText,
  condaValueText,
  type Dumpable,
  folderIgnoreRules,
  type IgnoreRules,
  localUploadPath,
  NO_IGNORE,
} from "./sdkHashes";

/** The name azure-ai-ml registers anonymous components under. */
export const ANONYMOUS_COMPONENT = "azureml_anonymous";
/** The datastore local data goes to: every workspace's default blob datastore. */
export const DEFAULT_DATASTORE = "workspaceblobstore";
/** The name azure-ai-ml registers inline environments under. */
export const ANONYMOUS_ENVIRONMENT = "CliV2AnonymousEnvironment";

type Path = PropertyKey[];

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
    rules: IgnoreRules,
  ): { ok: true; rel: string; read: CodeFolder } | { ok: false; error: string } {
    const rel = this.inRoot(path);
    if (rel === undefined)
      return {
        ok: false,
        error: `${what} ${path} is outside ${this.root}; keep it under the workflows folder, which is what is compiled and registered`,
      };
    const read = readCodeFolder(path, rules);
    return read.ok
      ? { ok: true, rel, read: read.value }
      : { ok: false, error: read.errors.join("; ") };
  }

  /**
   * A component's code folder, named from azure-ai-ml's content hash so the same content is one
   * asset (`az ml` finds it by that hash too). `componentType` picks the SDK's ignore rules.
   */
  code(baseDir: string, written: string, componentType: string): Reference {
    const dir = resolve(baseDir, written);
    if (!existsSync(dir)) return { ok: false, error: `code folder not found: ${dir}` };
    const upload = this.readUpload(
      dir,
      "code folder",
      componentCodeIgnoreRules(baseDir, written, componentType),
    );
    if (!upload.ok) return upload;
    const { rel: folder, read } = upload;
    const asset: CodeAsset = {
      name: uuidFromHex(read.sha256),
      version: "1",
      folder,
      ...(statSync(dir).isFile() ? { kind: "file" as const } : {}),
      sha256: read.sha256,
      files: read.files.length,
      bytes: read.bytes,
    };
    if (!this.manifest.codes.some((c) => c.name === asset.name)) this.manifest.codes.push(asset);
    return { ok: true, id: workspaceChild("codes", asset.name, "versions", asset.version) };
  }

  /**
   * A local file or folder an input names: uploaded once to the default datastore, at the path
   * azure-ai-ml uses (`LocalUpload/<hash>/<name>`); the input then reads it from there (a
   * `uri_folder` with a trailing slash, as the SDK writes it).
   */
  localData(path: string, type: string): Reference {
    const upload = this.upload(path, "local data");
    if (!upload.ok) return upload;
    const uri = `azureml://datastores/${DEFAULT_DATASTORE}/paths/${upload.datastorePath}`;
    return { ok: true, id: type === "uri_folder" && !uri.endsWith("/") ? `${uri}/` : uri };
  }

  /** Records a file or folder for upload to the default datastore; where it will be there. */
  private upload(
    path: string,
    what: string,
  ): { ok: true; datastorePath: string; uploadHash: string } | { ok: false; error: string } {
    if (!existsSync(path)) return { ok: false, error: `not found: ${path}` };
    const isFile = statSync(path).isFile();
    const upload = this.readUpload(path, what, isFile ? NO_IGNORE : folderIgnoreRules(path));
    if (!upload.ok) return upload;
    const { rel, read } = upload;
    const datastorePath = localUploadPath(realpathSync(path), read.uploadHash);
    if (!this.manifest.data.some((d) => d.datastorePath === datastorePath))
      this.manifest.data.push({
        path: rel,
        kind: isFile ? "file" : "folder",
        sha256: read.sha256,
        files: read.files.length,
        bytes: read.bytes,
        datastorePath,
      });
    return { ok: true, datastorePath, uploadHash: read.uploadHash };
  }

  /** An environment built from a Docker context: the context is uploaded like local data, first. */
  private builtEnvironment(build: Record<string, unknown>, baseDir: string): Reference {
    if (typeof build.path !== "string")
      return { ok: false, error: "build needs path: the folder holding the Docker context" };
    const written = build.dockerfile_path;
    const dockerfile = written ?? "Dockerfile";
    if (typeof dockerfile !== "string")
      return { ok: false, error: "build.dockerfile_path must be a path inside the context" };
    const context = resolve(baseDir, build.path);
    if (!existsSync(join(context, dockerfile)))
      return { ok: false, error: `no ${dockerfile} in the Docker context ${context}` };
    const upload = this.upload(context, "Docker context");
    if (!upload.ok) return upload;
    return this.anonymousEnvironment(
      {
        build: {
          // The datastore's blob URL is known when registering (azure-ai-ml sends the https URL).
          contextUri: `${DATASTORE_URL_TOKEN}/${upload.datastorePath}/`,
          ...(typeof written === "string" ? { dockerfilePath: written } : {}),
        },
        isAnonymous: true,
      },
      anonymousBuildEnvironmentVersion(
        upload.uploadHash,
        typeof written === "string" ? written : null,
      ),
    );
  }

  private anonymousEnvironment(
    properties: EnvironmentAsset["properties"],
    version: string,
  ): Reference {
    const asset: EnvironmentAsset = { name: ANONYMOUS_ENVIRONMENT, version, properties };
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
      // A label goes as written: azure-ai-ml leaves curated ones (`AzureML-…@prod`) to the service,
      // and resolves `@latest` client-side, which a compiled spec cannot (see docs/workflows.md).
      if (/^azureml:[^:@/]+@[^:@/]+$/.test(value)) return { ok: true, id: value };
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
    // azure-ai-ml loads the conda file and dumps it again (keys sorted, comments gone): that text
    // is what it sends and what the environment's version hashes.
    let condaFile: string | null = null;
    try {
      if (isRecord(value.conda_file)) condaFile = condaValueText(value.conda_file as Dumpable);
      else if (typeof value.conda_file === "string") {
        const file = resolve(baseDir, value.conda_file.replace(/^file:/, ""));
        if (!existsSync(file)) return { ok: false, error: `conda file not found: ${file}` };
        condaFile = condaFileText(readFileSync(file, "utf8"));
      } else if (value.conda_file !== undefined)
        return { ok: false, error: "conda_file must be a file path or a mapping" };
    } catch (error) {
      return { ok: false, error: `conda file: ${errorMessage(error)}` };
    }
    return this.anonymousEnvironment(
      { image: value.image, ...(condaFile === null ? {} : { condaFile }), isAnonymous: true },
      anonymousImageEnvironmentVersion({ image: value.image, condaFile }),
    );
  }

  /**
   * Registers `written` as an anonymous component; `file` (absolute) and `where` in it say where
   * it came from. Its version is azure-ai-ml's hash of the spec as sent, so it names the same
   * component `az ml` would register. A spec naming workspace assets hashes differently in each
   * workspace: its version stays a token that placing it in a workspace computes.
   */
  component(written: Record<string, unknown>, file: string, where = ""): string {
    const spec = anonymousSpec(written);
    const text = JSON.stringify(spec);
    // The same hash keys a workspace-dependent version's token, over the spec with its tokens.
    const hash = anonymousComponentVersion(spec as Record<string, JsonLike>);
    const version =
      text.includes(WORKSPACE_TOKEN) || text.includes(ANONYMOUS_VERSION_TOKEN)
        ? anonymousVersionToken(hash)
        : hash;
    const from = `${this.inRoot(file) ?? basename(file)}${where}`;
    const asset: ComponentAsset = { name: ANONYMOUS_COMPONENT, version, from, spec };
    if (!this.manifest.components.some((c) => c.version === version))
      this.manifest.components.push(asset);
    return workspaceChild("components", ANONYMOUS_COMPONENT, "versions", version);
  }
}

/**
 * A component file's declared inputs with default, min and max as Python's str() of what PyYAML
 * read, from the text as written (`0.0` stays "0.0").
 */
export function writtenInputs(yaml: YamlFile): unknown {
  const data = isRecord(yaml.data) ? yaml.data : {};
  if (!isRecord(data.inputs)) return data.inputs;
  return Object.fromEntries(
    Object.entries(data.inputs).map(([name, input]) => {
      if (!isRecord(input)) return [name, input];
      const out = { ...input };
      for (const key of ["default", "min", "max"]) {
        const value = out[key];
        if (typeof value !== "number" && typeof value !== "boolean" && typeof value !== "string")
          continue;
        // A number input's values are cast to float first (`1e-3` → "0.001", `0` → "0.0").
        const number = Number(value);
        out[key] =
          input.type === "number" && typeof value !== "boolean" && Number.isFinite(number)
            ? pythonFloatText(number)
            : pythonLiteralText(value, yaml.sourceAt(["inputs", name, key]));
      }
      return [name, out];
    }),
  );
}

/** A declared input with its default, min and max as the text azure-ai-ml writes (Python's str()). */
function specInput(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const out = { ...input };
  for (const key of ["default", "min", "max"])
    if (out[key] !== undefined && out[key] !== null && typeof out[key] !== "object")
      out[key] = pythonDefault(out[key]);
  return out;
}

/**
 * A component spec as azure-ai-ml registers it anonymously: named `azureml_anonymous`, version
 * "1" (the version in the URL is the hash), deterministic unless said, defaults as text, empty
 * tags left out.
 */
export function anonymousSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...spec,
    name: ANONYMOUS_COMPONENT,
    version: "1",
  };
  if (spec.type !== "pipeline") out.is_deterministic = spec.is_deterministic ?? true;
  // PipelineComponent's REST dict carries the job it was made from: none, for one read from YAML.
  else out.sourceJobId = null;
  if (isRecord(spec.inputs))
    out.inputs = Object.fromEntries(
      Object.entries(spec.inputs).map(([name, input]) => [name, specInput(input)]),
    );
  if (isRecord(spec.tags) && Object.keys(spec.tags).length === 0) delete out.tags;
  // TensorFlowDistribution's parameter_server_count defaults to 0, and azure-ai-ml writes it.
  if (
    isRecord(spec.distribution) &&
    String(spec.distribution.type).toLowerCase() === "tensorflow" &&
    spec.distribution.parameter_server_count === undefined
  )
    out.distribution = { ...spec.distribution, parameter_server_count: 0 };
  // A parallel component's mini-batch size is registered as the text of its count.
  if (spec.type === "parallel" && spec.mini_batch_size !== undefined) {
    const size = miniBatchSize(spec.mini_batch_size);
    if (size.ok) out.mini_batch_size = String(size.value);
  }
  if (spec.type === "parallel" && Array.isArray(spec.partition_keys))
    out.partition_keys = `[${spec.partition_keys.map((k) => JSON.stringify(k)).join(", ")}]`;
  return out;
}

/** The keys every component's spec carries over as written. */
const COMMON_COMPONENT_KEYS = [
  "$schema",
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
      const code = assets.code(
        baseDir,
        source.code.replace(/^file:/, ""),
        typeof spec.type === "string" ? spec.type : "command",
      );
      if (code.ok) spec.code = prefixed(code.id);
      else {
        problem(at("code"), code.error);
        ok = false;
      }
    }
  }
  if (source.environment !== undefined) {
    const environment = assets.environment(source.environment, baseDir);
    if (environment.ok) spec.environment = prefixed(environment.id);
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
  // An inline job's environment variables stay on its node, as azure-ai-ml leaves them.
  if (origin === COMPONENT_SOURCES.job) delete spec.environment_variables;
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
  /** Its `_source`: azure-ai-ml marks a component named as `file:<path>` as part of the job. */
  origin: string = COMPONENT_SOURCES.component,
): { id: string; declared: ComponentInterface; spec: Record<string, unknown> } | undefined {
  const read = readYamlFile(file, shown);
  if (!read.ok) {
    issues.push(...read.issues);
    return undefined;
  }
  const yaml: YamlFile = read.value;
  const data = isRecord(yaml.data) ? { ...yaml.data, inputs: writtenInputs(yaml) } : yaml.data;
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
    const task = parallelTask(data.task, dirname(file), assets);
    if (!task.ok) {
      problem(["task"], task.errors.join("; "));
      return undefined;
    }
    const spec: Record<string, unknown> = { type: "parallel" };
    for (const key of PARALLEL_COMPONENT_KEYS) if (data[key] !== undefined) spec[key] = data[key];
    spec.task = {
      ...task.value,
    };
    spec._source = origin;
    return { id: assets.component(spec, file), declared: componentInterface(shown, data), spec };
  }
  const toSpec = type === "spark" ? sparkSpec : type === "command" ? commandSpec : undefined;
  if (toSpec === undefined) {
    problem(
      ["type"],
      `${type} component files are not supported yet; supported: command, parallel, spark (register it with \`az ml component create -f ${shown}\` and reference azureml:<name>:<version>)`,
    );
    return undefined;
  }
  const spec = toSpec(data, dirname(file), assets, problem, (...p) => p, origin);
  return spec === undefined
    ? undefined
    : { id: assets.component(spec, file), declared: componentInterface(shown, data), spec };
}
