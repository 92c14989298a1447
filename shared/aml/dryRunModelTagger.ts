import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { isRecord } from "../guards";
import { mergedTags, type ModelTagger, modelVersionUrl } from "./modelTagger";

/**
 * Writes the model PUT that would be sent to `<dir>/model-tags/<name>-<version>.json`, merging into
 * what an earlier report wrote there, as the workspace would merge into the version's tags.
 */
export function createDryRunModelTagger(dir: string, armEndpoint: string): ModelTagger {
  return {
    async tag(report) {
      const folder = join(dir, "model-tags");
      await mkdir(folder, { recursive: true });
      const file = join(
        folder,
        `${report.model.name.replace(/[^\w.-]/g, "_")}-${report.model.version.replace(/[^\w.-]/g, "_")}.json`,
      );
      let existing: Record<string, unknown> = {};
      try {
        const written = JSON.parse(await readFile(file, "utf8")) as unknown;
        if (isRecord(written) && isRecord(written.body) && isRecord(written.body.properties))
          existing = isRecord(written.body.properties.tags) ? written.body.properties.tags : {};
      } catch {
        // nothing written yet
      }
      const tags = mergedTags(existing, report.tags);
      if (tags === undefined) return { kind: "unchanged" };
      const request = {
        method: "PUT",
        url: modelVersionUrl(armEndpoint, report.workspace, report.model),
        body: { properties: { tags } },
      };
      await writeFile(file, `${JSON.stringify(request, null, 2)}\n`);
      return { kind: "tagged" };
    },
  };
}
