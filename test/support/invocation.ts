import { InvocationContext } from "@azure/functions";

import { FUNCTION_NAMES } from "../../shared/constants";

/** A real InvocationContext whose log lines are captured. */
export function capturingContext(): {
  context: InvocationContext;
  logs: { level: string; message: string }[];
} {
  const logs: { level: string; message: string }[] = [];
  const context = new InvocationContext({
    invocationId: `test-${Math.random().toString(36).slice(2)}`,
    functionName: FUNCTION_NAMES.triggerPipelines,
    logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(" ") }),
  });
  return { context, logs };
}
