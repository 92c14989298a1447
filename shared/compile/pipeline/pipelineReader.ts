import { resolve } from "node:path";

import type { JobOutputValue } from "../../compiled/restShapes";
import {
  ASSET_INPUT_TYPES,
  type INPUT_MODES,
  LITERAL_INPUT_TYPES,
  type OUTPUT_MODES,
  type OUTPUT_TYPES,
} from "../../compiled/vocabulary";
import { isRecord } from "../../guards";
import type { ConfigIssue } from "../config/configError";
import { checkMapping, describeValue, type MappingSpec, namedEntries } from "../config/fields";
import type { YamlFile } from "../config/yamlFile";
import type { AssetCollector } from "./components";
import type { PipelineInput } from "./pipeline";
import { ASSET_INPUT_SPEC, LITERAL_INPUT_SPEC, OUTPUT_SPEC } from "./pipelineSchema";
import { pythonLiteralText } from "./pythonText";
import { assetInputUri, localDataPath, outputPathProblem, type Reference } from "./references";

/** A path inside a YAML document. */
export type Path = PropertyKey[];
type AssetType = (typeof ASSET_INPUT_TYPES)[number];
type InputMode = keyof typeof INPUT_MODES;
type OutputMode = keyof typeof OUTPUT_MODES;
const isLiteralType = (type: unknown) => (LITERAL_INPUT_TYPES as readonly unknown[]).includes(type);
/** Any `${{ ... }}` expression. */
export const ANY_BINDING = /\$\{\{/;

/** Reads one pipeline file and records every problem in it; nothing stops at the first. */
export class PipelineReader {
  readonly issues: ConfigIssue[] = [];
  /** What is accepted but worth a look: said, never refused. */
  readonly warnings: ConfigIssue[] = [];
  constructor(
    readonly yaml: YamlFile,
    readonly baseDir: string,
    readonly assets: AssetCollector,
  ) {}

  /** An asset input's URI: local data becomes an upload the collector records; the rest as references. */
  assetUri(path: Path, type: string, written: string): string | undefined {
    const local = localDataPath(written);
    return this.refer(
      path,
      local === undefined
        ? assetInputUri(type, written)
        : this.assets.localData(resolve(this.baseDir, local), type),
    );
  }

  problem(path: Path, message: string): void {
    this.issues.push(this.yaml.issueAt(path, message));
  }

  warn(path: Path, message: string): void {
    this.warnings.push(this.yaml.issueAt(path, message));
  }

  mapping(path: Path, value: unknown, spec: MappingSpec) {
    return checkMapping(this.yaml, path, value, spec, this.issues);
  }

  entries(path: Path, record: unknown): [string, unknown][] {
    return namedEntries(this.yaml, path, (record ?? {}) as Record<string, unknown>, this.issues);
  }

  refer(path: Path, ref: Reference): string | undefined {
    if (ref.ok) return ref.id;
    this.problem(path, ref.error);
    return undefined;
  }

  /** A literal's text as azure-ai-ml sends it (Python's str() of how it was written). */
  literal(path: Path, value: unknown): string | undefined {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      this.problem(
        path,
        `must be text, a number, true/false or a mapping, not ${describeValue(value)}`,
      );
      return undefined;
    }
    // Sent as azure-ai-ml sends it, even where the swagger's pattern wants a word character
    // ("[]"): azureml-examples' own CI submits such literals.
    return pythonLiteralText(value, this.yaml.sourceAt(path));
  }

  /** An asset input's `{ type?, path?, mode? }`; `type` defaults to uri_folder as in azure-ai-ml. */
  assetInput(path: Path, value: Record<string, unknown>) {
    const spec = this.mapping(path, value, ASSET_INPUT_SPEC);
    if (!spec) return undefined;
    return {
      type: (spec.type as AssetType | undefined) ?? "uri_folder",
      path: spec.path as string | undefined,
      mode: spec.mode as InputMode | undefined,
      description: spec.description as string | undefined,
    };
  }

  /** A pipeline-level input: a value, an asset, or a declared type the workflow fills. */
  pipelineInput(path: Path, value: unknown): PipelineInput | undefined {
    if (!isRecord(value)) {
      const text = this.literal(path, value);
      return text === undefined ? undefined : { kind: "literal", value: text };
    }
    if (isLiteralType(value.type)) {
      const spec = this.mapping(path, value, LITERAL_INPUT_SPEC);
      if (!spec || typeof spec.type !== "string") return undefined;
      const description = spec.description as string | undefined;
      if (spec.default === undefined)
        return { kind: "open", type: spec.type as "string", asset: false, description };
      const text = this.literal([...path, "default"], spec.default);
      return text === undefined ? undefined : { kind: "literal", value: text, description };
    }
    const asset = this.assetInput(path, value);
    if (!asset) return undefined;
    if (asset.path === undefined)
      return value.path === undefined
        ? {
            kind: "open",
            type: asset.type,
            asset: true,
            mode: asset.mode,
            description: asset.description,
          }
        : undefined;
    const uri = this.assetUri([...path, "path"], asset.type, asset.path);
    if (uri === undefined) return undefined;
    return {
      kind: "asset",
      type: asset.type,
      uri,
      mode: asset.mode,
      description: asset.description,
    };
  }

  output(path: Path, value: unknown): JobOutputValue | undefined {
    if (value === null) return { type: "uri_folder" };
    const spec = this.mapping(path, value, OUTPUT_SPEC);
    if (!spec) return undefined;
    if (typeof spec.path === "string" && !ANY_BINDING.test(spec.path)) {
      const problem = outputPathProblem(spec.path);
      if (problem !== undefined) this.problem([...path, "path"], problem);
    }
    return {
      type: (spec.type as (typeof OUTPUT_TYPES)[number] | undefined) ?? "uri_folder",
      mode: spec.mode as OutputMode | undefined,
      uri: spec.path as string | undefined,
      assetName: spec.name as string | undefined,
      assetVersion: spec.version as string | undefined,
      description: spec.description as string | undefined,
    };
  }
}
