/** The first cycle among jobs (each with the jobs it reads from), as the names along it. */
export function findCycle(upstream: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, "visiting");
    for (const next of upstream.get(node) ?? []) {
      const found = visit(next, [...trail, node]);
      if (found) return found;
    }
    state.set(node, "done");
    return undefined;
  };
  for (const node of upstream.keys()) {
    const found = visit(node, []);
    if (found) return found;
  }
  return undefined;
}
