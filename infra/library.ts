/** What `aml-event-workflows/infra` gives a Pulumi program of your own: the component and the stack settings it reads. */
export {
  AmlEventWorkflows,
  type AmlEventWorkflowsArgs,
  type AmlEventWorkflowsOptions,
} from "./amlEventWorkflows";
export { stackArgsFromConfig } from "./config";
