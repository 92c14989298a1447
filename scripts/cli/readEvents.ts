import { errorMessage } from "../../shared/errors";
import { filesFromArguments } from "./fileArguments";
import { JsonSyntaxError, readJsonFile } from "./jsonFile";
import { UsageError } from "./runCommand";

/**
 * The events in each file (one event or an array of them), in order; a folder stands for its
 * `*.json` files and a glob pattern for its matches, both sorted. An unreadable file, or one that is
 * not JSON (named at file:line:col), is a usage error.
 */
export function readEventFiles(args: readonly string[]): { file: string; event: unknown }[] {
  const files = filesFromArguments(args, (name) => /\.json$/i.test(name));
  return files.flatMap((file) => {
    let parsed: unknown;
    try {
      parsed = readJsonFile(file);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new UsageError(error.message);
      throw new UsageError(`cannot read events from ${file}: ${errorMessage(error)}`);
    }
    const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    return events.map((event) => ({ file, event }));
  });
}
