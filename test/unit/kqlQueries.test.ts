import { describe, expect, it } from "vitest";

import { REJECTIONS_QUERY } from "../../infra/components/alerts";
import { KQL_QUERIES } from "../../infra/components/workbookQueries";
import { kustoAnalyser } from "../support/kusto";

// Application Insights' `traces` table, as queries on the component see it
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/apptraces lists the workspace
// form; these are the component's column names).
const TRACES = `(timestamp:datetime, message:string, severityLevel:int, itemType:string,
  customDimensions:dynamic, customMeasurements:dynamic, operation_Name:string, operation_Id:string,
  operation_ParentId:string, operation_SyntheticSource:string, session_Id:string, user_Id:string,
  user_AuthenticatedId:string, user_AccountId:string, application_Version:string,
  client_Type:string, client_Model:string, client_OS:string, client_IP:string, client_City:string,
  client_StateOrProvince:string, client_CountryOrRegion:string, client_Browser:string,
  cloud_RoleName:string, cloud_RoleInstance:string, appId:string, appName:string, iKey:string,
  sdkVersion:string, itemId:string, itemCount:int)`.replace(/\s+/g, " ");

const { diagnostics } = kustoAnalyser({ traces: TRACES });

describe("the KQL queries, parsed and analysed against the traces table", () => {
  it("the check itself finds a misspelt column and a broken pipe", () => {
    expect(diagnostics("traces | where mesage has 'x'")).toEqual([
      expect.stringMatching(/KS142 The name 'mesage' does not refer/) as string,
    ]);
    expect(diagnostics("traces | summarize by")).not.toEqual([]);
  });

  it.each(Object.entries(KQL_QUERIES))("%s has no diagnostic", (_, query) => {
    expect(diagnostics(query)).toEqual([]);
  });

  it("the rejections alert's query has no diagnostic", () => {
    expect(diagnostics(REJECTIONS_QUERY)).toEqual([]);
  });
});
