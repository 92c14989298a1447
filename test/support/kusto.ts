// Kusto.Language (the parser behind Azure Data Explorer's editors), compiled to JavaScript: the
// runtime first, then the library, which fills the global `Kusto`.
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next";

// The few members of the library's .NET-shaped API the tests call.
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
      GetLexicalTokens(): { Kind: number; Text: string }[];
    };
  };
  KustoFacts: { GetStringLiteralValue(literal: string): string };
  Syntax: { SyntaxKind: { StringLiteralToken: number } };
}
const kusto = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;

/** A Kusto analyser for queries over the given tables (name → `(column:type, …)` schema). */
export function kustoAnalyser(tables: Record<string, string>) {
  const globals = kusto.GlobalState.Default.WithDatabase(
    new kusto.Symbols.DatabaseSymbol.ctor(
      "logs",
      Object.entries(tables).map(([name, schema]) =>
        kusto.Symbols.TableSymbol.From(schema).WithName(name),
      ),
    ),
  );
  const analysed = (query: string) => kusto.KustoCode.ParseAndAnalyze(query, globals);
  return {
    /** Every diagnostic (syntax, unknown names, wrong types), as `severity code message @offset`. */
    diagnostics: (query: string): string[] => {
      const found = analysed(query).GetDiagnostics();
      return Array.from({ length: found.Count }, (_, i) => found.getItem(i)).map(
        (d) => `${d.Severity} ${d.Code} ${d.Message} @${d.Start}`,
      );
    },
    /** Every string literal of the query, as Kusto reads its value. */
    literals: (query: string): string[] =>
      analysed(query)
        .GetLexicalTokens()
        .filter((t) => t.Kind === kusto.Syntax.SyntaxKind.StringLiteralToken)
        .map((t) => kusto.KustoFacts.GetStringLiteralValue(t.Text)),
  };
}
