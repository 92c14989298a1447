// Kusto.Language (the parser behind Azure Data Explorer's editors), compiled to JavaScript: the
// runtime first, then the library, which fills the global `Kusto`.
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next";

import { describe, expect, it } from "vitest";

import { REJECTIONS_QUERY } from "../../infra/components/alerts";
import { KQL_QUERIES } from "../../infra/components/workbookQueries";

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

// The few members of the library's .NET-shaped API this test calls.
interface Diagnostic {
  Severity: string;
  Code: string;
  Message: string;
  Start: number;
}
interface KustoLanguage {
  Symbols: {
    TableSymbol: { From(schema: string): { WithName(name: string): unknown } };
    DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
  };
  GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
  KustoCode: {
    ParseAndAnalyze(
      text: string,
      globals: unknown,
    ): {
      GetDiagnostics(): { Count: number; getItem(index: number): Diagnostic };
    };
  };
}

const kusto = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
const globals = kusto.GlobalState.Default.WithDatabase(
  new kusto.Symbols.DatabaseSymbol.ctor("insights", [
    kusto.Symbols.TableSymbol.From(TRACES).WithName("traces"),
  ]),
);

/** Every diagnostic (syntax, unknown names, wrong types), as `severity code message @offset`. */
function diagnostics(query: string): string[] {
  const found = kusto.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  return Array.from({ length: found.Count }, (_, i) => found.getItem(i)).map(
    (d) => `${d.Severity} ${d.Code} ${d.Message} @${d.Start}`,
  );
}

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
