import { type ASSET_INPUT_TYPES, INPUT_MODES, OUTPUT_MODES, type OUTPUT_TYPES } from "./vocabulary";

/** A value for a job input: a literal (always sent as a string) or an asset. */
export type JobInputValue =
  | { kind: "literal"; value: string; description?: string }
  | {
      kind: "asset";
      type: (typeof ASSET_INPUT_TYPES)[number];
      uri: string;
      mode?: keyof typeof INPUT_MODES;
      description?: string;
    };

/** An output; with `assetName` (node outputs only, see loadPipeline) the job registers it as that asset. */
export interface JobOutputValue {
  type: (typeof OUTPUT_TYPES)[number];
  mode?: keyof typeof OUTPUT_MODES;
  uri?: string;
  assetName?: string;
  assetVersion?: string;
  description?: string;
}

/** A record without its undefined entries, so they are left out of the JSON. */
export function withoutUndefined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/** A pipeline-level input as the jobs API takes it (camelCase `JobInput`). */
export function restInput(input: JobInputValue): Record<string, unknown> {
  return input.kind === "literal"
    ? withoutUndefined({
        jobInputType: "literal",
        value: input.value,
        description: input.description,
      })
    : withoutUndefined({
        jobInputType: input.type,
        uri: input.uri,
        // Left out unless set, as azure-ai-ml does: the service then applies its default.
        mode: input.mode === undefined ? undefined : INPUT_MODES[input.mode],
        description: input.description,
      });
}

/** A pipeline-level output as the jobs API takes it (camelCase `JobOutput`). */
export function restOutput(output: JobOutputValue): Record<string, unknown> {
  return withoutUndefined({
    jobOutputType: output.type,
    uri: output.uri,
    mode: output.mode === undefined ? undefined : OUTPUT_MODES[output.mode],
    description: output.description,
  });
}
