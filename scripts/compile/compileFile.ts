import { dirname, parse, relative, resolve } from "node:path";

import { jobUrl } from "../../shared/aml/jobRequest";
import type { Workspace } from "../../shared/aml/workspace";
import type { ConfigIssue } from "../../shared/compile/config/configError";
import { compilePipeline } from "../../shared/compile/pipeline/compilePipeline";
import { AssetCollector } from "../../shared/compile/pipeline/components";
import { gitLineage } from "../../shared/compile/pipeline/gitLineage";
import { loadPipeline } from "../../shared/compile/pipeline/loadPipeline";
import type { LabelReference } from "../../shared/compiled/compiledConfig";
import { placePipeline } from "../../shared/compiled/placement";
import { type AssetRequest, assetRequests } from "../register/assetRequests";

/** Stands for the job's name in a compiled URL: each event's job gets its own. */
export const JOB_NAME_PLACEHOLDER = "{job}";

/** What one pipeline job file compiles to, as `amlwf compile` shows it. */
export type CompileAnswer =
  | {
      file: string;
      ok: true;
      /** The job PUT, placed in the workspace; inputs the workflow fills per event are listed in `openInputs`. */
      job: { method: "PUT"; url: string; body: { properties: unknown } };
      openInputs: string[];
      /** References looked up when each job is submitted. */
      labels: LabelReference[];
      /** What `register` sends first, in order. */
      assets: AssetRequest[];
      /** Accepted, but worth a look (an input a pipeline component does not declare, left out). */
      warnings: ConfigIssue[];
    }
  | { file: string; ok: false; problems: ConfigIssue[] };

/**
 * Compiles one pipeline job file as the function would submit it: the body as PUT in `workspace`
 * (for a job not yet named), and the asset requests `register` makes for it.
 */
export function compileFile(
  file: string,
  workspace: Workspace,
  armEndpoint: string,
): CompileAnswer {
  const path = resolve(file);
  const shown = relative(process.cwd(), path) || path;
  // A file compiled on its own may use files anywhere, as `az ml job create -f` allows.
  const loaded = loadPipeline(path, shown, new AssetCollector(parse(path).root));
  if (!loaded.ok) return { file: shown, ok: false, problems: loaded.issues };
  const compiled = compilePipeline(loaded.value, shown, gitLineage(dirname(path)));
  return {
    file: shown,
    ok: true,
    job: {
      method: "PUT",
      url: jobUrl(armEndpoint, workspace, JOB_NAME_PLACEHOLDER).replace(
        encodeURIComponent(JOB_NAME_PLACEHOLDER),
        JOB_NAME_PLACEHOLDER,
      ),
      body: { properties: placePipeline(compiled, workspace).properties },
    },
    openInputs: compiled.openInputs,
    labels: compiled.labels,
    // Uploads are read relative to the file system's root here: shown from where the command runs.
    assets: assetRequests(compiled.assets, workspace).map((asset) =>
      asset.method === "upload"
        ? { ...asset, from: relative(process.cwd(), resolve(parse(path).root, asset.from)) }
        : asset,
    ),
    warnings: loaded.warnings,
  };
}
