import { TransientError } from "../errors";
import { isRecord } from "../guards";
import type { Result } from "../result";
import { armError, type ArmSend, describeBody, identityRefused, jsonBody } from "./armSender";
import {
  describeLookup,
  type LabelLookup,
  missingAsset,
  RESOLVABLE_LABELS,
  unresolvableLabel,
} from "./labelLookup";

/**
 * How long an answer serves later jobs in this process. Short, because `@latest` moves when a
 * version is registered; a look-up of the asset an event announces skips it (`fresh`).
 */
export const LABEL_CACHE_MS = 60_000;

/** Answers `name@label` look-ups: the version each names now, or why one has none. */
export interface LabelResolver {
  /** Each look-up with its `version`, or every permanent problem; transient failures throw. */
  resolve(lookups: readonly LabelLookup[], deadline: number): Promise<Result<LabelLookup[]>>;
}

type Answer = { version: string } | { rejected: string };

/**
 * The version in ARM's answer: a string, null when the asset has none, undefined when the answer is
 * not the resource asked for (a proxy's page, an empty object).
 */
function versionIn(lookup: LabelLookup, body: unknown): string | null | undefined {
  if (!isRecord(body)) return undefined;
  if (lookup.asset === "data") {
    if (!isRecord(body.properties)) return undefined;
    const latest = body.properties.latestVersion;
    return typeof latest === "string" && latest !== "" ? latest : null;
  }
  if (!Array.isArray(body.value)) return undefined;
  const versions: unknown[] = body.value;
  const newest = versions[0];
  if (newest === undefined) return null;
  return isRecord(newest) && typeof newest.name === "string" && newest.name !== ""
    ? newest.name
    : undefined;
}

/**
 * Looks labels up over ARM as azure-ai-ml does, one GET per (workspace, asset, name, label): an
 * answer is kept for `cacheMs`, concurrent look-ups of one key share one request, and rejections
 * and failures are not kept (the next event asks again).
 */
export function createLabelResolver(options: {
  send: ArmSend;
  cacheMs?: number;
  now?: () => number;
}): LabelResolver {
  const cacheMs = options.cacheMs ?? LABEL_CACHE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { answer: Promise<Answer>; until: number }>();

  async function ask(lookup: LabelLookup, deadline: number): Promise<Answer> {
    const what = describeLookup(lookup);
    const response = await options.send("GET", lookup.url, undefined, deadline);
    // The same verdicts as the job's PUT: a role still applying is not a verdict on the event.
    if (identityRefused(response))
      throw new TransientError(
        `ARM refused the function's identity looking up ${what} (${response.status} ${armError(response)}): it needs AzureML Data Scientist on the workspace, and a new role assignment takes minutes to apply; Event Grid will deliver the event again`,
      );
    if (response.status === 404)
      return { rejected: `${missingAsset(lookup)} (ARM answered 404: ${armError(response)})` };
    if (response.status >= 400)
      return {
        rejected: `looking up ${what}, ARM answered ${response.status}: ${armError(response)}`,
      };
    const version = versionIn(lookup, jsonBody(response));
    if (version === undefined)
      throw new TransientError(
        `ARM answered ${response.status} to the look-up of ${what}, but not with the ${lookup.asset === "data" ? "data container" : "versions list"} (${describeBody(response)})`,
      );
    return version === null ? { rejected: missingAsset(lookup) } : { version };
  }

  function answerFor(lookup: LabelLookup, deadline: number): Promise<Answer> {
    if (!RESOLVABLE_LABELS.includes(lookup.label))
      return Promise.resolve({ rejected: unresolvableLabel(lookup) });
    const key = [lookup.workspace.toLowerCase(), lookup.asset, lookup.name, lookup.label].join(
      "\n",
    );
    const at = now();
    const cached = cache.get(key);
    if (cached !== undefined && cached.until > at && lookup.fresh !== true) return cached.answer;
    for (const [old, entry] of cache) if (entry.until <= at) cache.delete(old);
    // Shared while in flight; kept for cacheMs once it names a version.
    const entry = { answer: ask(lookup, deadline), until: Number.POSITIVE_INFINITY };
    cache.set(key, entry);
    void entry.answer.then(
      (answer) => {
        if (cache.get(key) !== entry) return;
        if ("version" in answer) entry.until = now() + cacheMs;
        else cache.delete(key);
      },
      () => {
        if (cache.get(key) === entry) cache.delete(key);
      },
    );
    return entry.answer;
  }

  return {
    async resolve(lookups, deadline) {
      const answers = await Promise.all(lookups.map((l) => answerFor(l, deadline)));
      const errors = answers.flatMap((a) => ("rejected" in a ? [a.rejected] : []));
      if (errors.length > 0) return { ok: false, errors };
      return {
        ok: true,
        value: lookups.map((lookup, i) => {
          const answer = answers[i];
          return answer && "version" in answer ? { ...lookup, version: answer.version } : lookup;
        }),
      };
    },
  };
}
