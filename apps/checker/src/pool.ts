/**
 * Like `mapPool`, but every free slot goes to the group with the fewest calls in flight (ties in
 * turn), so one group's slow or hanging calls hold at most its fair share of the slots while other
 * groups have work waiting. Results keep the input order.
 */
export async function fairPool<T, R>(
  items: readonly T[],
  groupOf: (item: T) => string,
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const groups = new Map<string, { pending: number[]; inFlight: number }>();
  items.forEach((item, i) => {
    const key = groupOf(item);
    const group = groups.get(key) ?? { pending: [], inFlight: 0 };
    group.pending.push(i);
    groups.set(key, group);
  });
  const order = [...groups.values()];
  let turn = 0;
  const pick = () => {
    let best: (typeof order)[number] | undefined;
    for (let k = 0; k < order.length; k++) {
      const group = order[(turn + k) % order.length];
      if (group?.pending.length && (!best || group.inFlight < best.inFlight)) best = group;
    }
    turn = (turn + 1) % Math.max(1, order.length);
    return best;
  };
  const worker = async () => {
    for (let group = pick(); group; group = pick()) {
      const i = group.pending.shift() as number;
      group.inFlight++;
      try {
        results[i] = await fn(items[i] as T);
      } finally {
        group.inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
