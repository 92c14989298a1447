/** Asset versions keyed `<data|models|components|environments>/<name>`, each with when it was created. */
export type AssetVersions = Map<string, { version: string; createdAt: string }[]>;

const ASSET_ROUTE =
  /\/workspaces\/[^/]+\/(data|models|components|environments)\/([^/]+)(\/versions)?$/;

/** The answer to a label look-up's GET (a data container, or a versions list), or undefined for another route. */
export function labelLookupAnswer(
  url: URL,
  assets: AssetVersions,
): { status: number; body: unknown } | undefined {
  const route = ASSET_ROUTE.exec(url.pathname);
  if (!route) return undefined;
  const [, kind = "", encodedName = "", versions] = route;
  const name = decodeURIComponent(encodedName);
  const byCreation = [...(assets.get(`${kind}/${name}`) ?? [])].sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  const resource = (v: { version: string; createdAt: string }) => ({
    id: `${url.pathname}${versions ? "" : "/versions"}/${v.version}`,
    name: v.version,
    properties: {},
    systemData: { createdAt: v.createdAt },
  });
  if (kind === "data" && !versions) {
    const newest = byCreation.at(-1);
    return newest
      ? {
          status: 200,
          body: { id: url.pathname, name, properties: { latestVersion: newest.version } },
        }
      : { status: 404, body: { error: { code: "UserError", message: `data ${name} not found` } } };
  }
  if (kind === "data" || !versions) return undefined;
  const orderBy = url.searchParams.get("$orderBy");
  const ordered = orderBy === "createdtime desc" ? byCreation.reverse() : byCreation;
  const top = Number(url.searchParams.get("$top") ?? ordered.length);
  return { status: 200, body: { value: ordered.slice(0, top).map(resource) } };
}
