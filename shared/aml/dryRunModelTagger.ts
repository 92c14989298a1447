import { readDryRunModel, writeDryRunModel } from "./dryRunModels";
import { mergedTags, type ModelTagger } from "./modelTagger";

/**
 * Writes the model PUT that would be sent into the dry run's model versions
 * (`<dir>/model-tags/<name>-<version>.json`), merging into what is there, as the workspace would
 * merge into the version's tags.
 */
export function createDryRunModelTagger(dir: string, armEndpoint: string): ModelTagger {
  return {
    async tag(report) {
      const existing = await readDryRunModel(dir, report.model);
      const tags = mergedTags(existing?.tags ?? {}, report.tags);
      if (tags === undefined) return { kind: "unchanged" };
      await writeDryRunModel(
        dir,
        armEndpoint,
        report.workspace,
        report.model,
        tags as Record<string, string>,
      );
      return { kind: "tagged" };
    },
  };
}
