import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

import { REJECTIONS_ALERT } from "./workbookQueries";

/** Where the alerts look and whom they tell. */
export interface AlertInputs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** The Event Grid domain and system topics whose dead letters mean an event was given up on. */
  eventGridSources: pulumi.Input<string>[];
  /** Application Insights, where the function logs each rejection as an error line. */
  insightsId: pulumi.Input<string>;
  /** Who is emailed; none makes the rules without an action group (they still show in the portal). */
  emails: string[];
}

/** The function's outcome records of rejected events, workflows and reports onto models (workbookQueries.ts). */
export const REJECTIONS_QUERY = REJECTIONS_ALERT;

/**
 * Alerts that mean something: any dead-lettered event (Event Grid gave up delivering it: nothing
 * ran for it) and any recorded rejection (the function refused an event or a workflow's inputs).
 */
export function alerts(prefix: string, inputs: AlertInputs, opts: pulumi.CustomResourceOptions) {
  const group =
    inputs.emails.length === 0
      ? undefined
      : new monitor.ActionGroup(
          `${prefix}-alerts`,
          {
            resourceGroupName: inputs.resourceGroupName,
            location: "Global",
            groupShortName: prefix.slice(0, 12),
            enabled: true,
            emailReceivers: inputs.emails.map((emailAddress, i) => ({
              name: `email-${i + 1}`,
              emailAddress,
              useCommonAlertSchema: true,
            })),
          },
          opts,
        );
  const deadLetters = inputs.eventGridSources.map(
    (scope, i) =>
      new monitor.MetricAlert(
        `${prefix}-dead-letters-${i + 1}`,
        {
          resourceGroupName: inputs.resourceGroupName,
          location: "global",
          description:
            "Event Grid dead-lettered events: it gave up delivering them, so no workflow ran for them. They are in the dead-letter container; `npm run replay` sends them again.",
          severity: 1,
          enabled: true,
          scopes: [scope],
          evaluationFrequency: "PT5M",
          windowSize: "PT15M",
          criteria: {
            odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            allOf: [
              {
                criterionType: "StaticThresholdCriterion",
                name: "dead-lettered",
                metricName: "DeadLetteredCount",
                timeAggregation: "Total",
                operator: "GreaterThan",
                threshold: 0,
              },
            ],
          },
          actions: group ? [{ actionGroupId: group.id }] : [],
        },
        opts,
      ),
  );
  const rejections = new monitor.ScheduledQueryRule(
    `${prefix}-rejections`,
    {
      resourceGroupName: inputs.resourceGroupName,
      location: inputs.location,
      kind: "LogAlert",
      description:
        "The function rejected events or workflows: each is recorded in the rejected-events container with its reason (`npm run status`, `npm run replay -- --from rejected`).",
      severity: 2,
      enabled: true,
      scopes: [inputs.insightsId],
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      criteria: {
        allOf: [
          {
            query: REJECTIONS_QUERY,
            timeAggregation: "Count",
            operator: "GreaterThan",
            threshold: 0,
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
          },
        ],
      },
      ...(group ? { actions: { actionGroups: [group.id] } } : {}),
    },
    opts,
  );
  return { group, deadLetters, rejections };
}
