// Rules shared by the services that share what a rule reads: one rule selects them all by the
// `service` label their scrape jobs attach, so the rule set does not grow with them.

/** Items grouped by a key, in the order each key first appears; an item without a key is alone. */
export function shareBy<T>(items: readonly T[], key: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  const out: T[][] = [];
  for (const item of items) {
    const k = key(item);
    const group = k === undefined ? undefined : groups.get(k);
    if (group) group.push(item);
    else {
      const fresh = [item];
      if (k !== undefined) groups.set(k, fresh);
      out.push(fresh);
    }
  }
  return out;
}
