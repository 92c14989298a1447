/** The prefix of Azure ML's event types. */
export const AML_PREFIX = "Microsoft.MachineLearningServices.";

/** `ModelRegistered` for an Azure ML event type, the type itself otherwise: how people say it. */
export function shortEventType(type: string): string {
  return type.toLowerCase().startsWith(AML_PREFIX.toLowerCase())
    ? type.slice(AML_PREFIX.length)
    : type;
}
