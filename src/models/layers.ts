/** strata's layers (schemas) in the order data flows through them. */
export const LAYER_FLOW: readonly string[] = ['raw', 'staging', 'warehouse', 'marts'];

/** Orders schemas as data flows: strata's layers first, in LAYER_FLOW's order, then any other by name. */
export function byLayerFlow(a: string, b: string): number {
  const rank = (schema: string) => {
    const i = LAYER_FLOW.indexOf(schema);
    return i === -1 ? LAYER_FLOW.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}
