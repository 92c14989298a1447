import type { AssetCollector, ComponentInterface } from "../components";
import type { OutputTypeOf } from "../inlineIo";
import type { Path, PipelineReader } from "../pipelineReader";

/** Checks a `${{parent...}}` binding and records the job it reads; true when `text` is one. */
export type BindingCheck = (path: Path, text: string, allowed: "input" | "output") => boolean;

/** A component file a node runs, registered: its id and what it declares. */
export interface LoadedComponent {
  id: string;
  declared: ComponentInterface;
  /** The spec as written (code and environment resolved), for node types that repeat parts of it. */
  spec?: Record<string, unknown>;
}

/** What every node compiler receives from the pipeline it sits in: plain data and functions. */
export interface NodeContext {
  reader: PipelineReader;
  /** The pipeline file, absolute: component files, code and data resolve against its folder. */
  file: string;
  /** The pipeline file as messages show it. */
  displayName: string;
  assets: AssetCollector;
  /** The pipeline's `inputs:` as written: an inline job's component types its inputs from them. */
  declaredInputs: Record<string, unknown>;
  /** The pipeline's `outputs:` as written: an inline job's output bound to one takes its type. */
  declaredOutputs: Record<string, unknown>;
  /** The type of another job's output, as its node or component declares it. */
  outputTypeOf: OutputTypeOf;
  /** A pipeline component file, compiled and registered; undefined when refused (problems reported). */
  pipelineComponent: (path: Path, reference: string) => LoadedComponent | undefined;
  nodeName: string;
  /** A path under this node: `at("inputs", name)` is jobs.<node>.inputs.<name>. */
  at: (...rest: PropertyKey[]) => Path;
  isBinding: BindingCheck;
}
