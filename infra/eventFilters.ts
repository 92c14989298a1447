import { AML_PREFIX } from "../shared/workflows/eventTypes";

/** Event Grid's subject filter: at most one `subjectBeginsWith` and one `subjectEndsWith` per subscription. */
export interface SubjectFilter {
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
}

// Where a glob stops being literal: wildcards, classes, braces, extglobs and regex groups, escapes
// (picomatch's syntax). Stopping early only widens the filter, so a character too many is harmless.
const GLOB_SPECIAL = /[*?[\]{}()!+@|\\]/u;

/** What every subject the glob matches begins with: the glob up to its first special character. */
export function literalPrefix(glob: string): string {
  const at = glob.search(GLOB_SPECIAL);
  return at < 0 ? glob : glob.slice(0, at);
}

/** What every subject the glob matches ends with: the glob after its last special character. */
export function literalSuffix(glob: string): string {
  // A leading "!" negates the whole glob: its matches share no ending.
  if (glob.startsWith("!")) return "";
  let at = glob.length;
  while (at > 0 && !GLOB_SPECIAL.test(glob.charAt(at - 1))) at--;
  return glob.slice(at);
}

function commonPrefix(texts: readonly string[]): string {
  const [first = "", ...rest] = texts;
  let length = first.length;
  for (const other of rest) {
    let same = 0;
    while (same < length && first.charCodeAt(same) === other.charCodeAt(same)) same++;
    length = same;
  }
  // Never half of a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(first.charAt(length - 1))) length--;
  return first.slice(0, length);
}

function commonSuffix(texts: readonly string[]): string {
  const [first = "", ...rest] = texts;
  let length = first.length;
  for (const other of rest) {
    let same = 0;
    while (
      same < length &&
      same < other.length &&
      first.charCodeAt(first.length - 1 - same) === other.charCodeAt(other.length - 1 - same)
    )
      same++;
    length = same;
  }
  if (/[\uDC00-\uDFFF]/.test(first.charAt(first.length - length))) length--;
  return first.slice(first.length - length);
}

/**
 * The narrowest Event Grid subject filter that still lets through every subject the workflows'
 * `when.subject` globs can match: the literal start they all share and the literal end they all
 * share. A workflow without `when.subject` takes any subject, so then there is no filter.
 */
export function subjectFilterOf(subjects: readonly (string | undefined)[]): SubjectFilter {
  if (subjects.length === 0) return {};
  const globs = subjects.filter((s): s is string => s !== undefined);
  if (globs.length < subjects.length) return {};
  const begins = commonPrefix(globs.map(literalPrefix));
  const ends = commonSuffix(globs.map(literalSuffix));
  return {
    ...(begins === "" ? {} : { subjectBeginsWith: begins }),
    ...(ends === "" ? {} : { subjectEndsWith: ends }),
  };
}

/** The types of `types` under a prefix such as `Microsoft.Storage.`; Event Grid compares types case-insensitively. */
export function typesUnder(prefix: string, types: readonly string[]): string[] {
  const lower = prefix.toLowerCase();
  return types.filter((type) => type.toLowerCase().startsWith(lower));
}

/** The types an Azure ML workspace's system topic publishes: Event Grid refuses any other in its filter. */
export function workspaceEventTypes(types: readonly string[]): string[] {
  return typesUnder(AML_PREFIX, types);
}

/** `Microsoft.Devices.` for the topic type `Microsoft.Devices.IoTHubs`: what its event types begin with. */
export function typePrefixOf(topicType: string): string {
  return `${topicType.slice(0, topicType.lastIndexOf("."))}.`;
}

/** What a source's subscription is decided from: the workflows' event types and subject globs. */
export interface ListeningWorkflows {
  eventTypes: readonly string[];
  workflows: readonly { on: readonly string[]; when: { subject?: { pattern: string } } }[];
}

/**
 * A source's subscription filter: the types it is told to pass on, else the workflows' types under
 * its namespace, and the subject filter the workflows listening to them allow; none when no type.
 */
export function sourceFilterOf(
  source: { typePrefix: string; eventTypes?: readonly string[] },
  config: ListeningWorkflows,
): (SubjectFilter & { includedEventTypes: string[] }) | undefined {
  const types = [...(source.eventTypes ?? typesUnder(source.typePrefix, config.eventTypes))];
  if (types.length === 0) return undefined;
  const passed = new Set(types.map((t) => t.toLowerCase()));
  const listening = config.workflows.filter((w) => w.on.some((t) => passed.has(t.toLowerCase())));
  return {
    includedEventTypes: types,
    ...subjectFilterOf(listening.map((w) => w.when.subject?.pattern)),
  };
}
