// The benches' way of running many operations with a bounded number in flight (scripts/bench.ts and its parts).

/** Runs `fn` over `items`, at most `n` at a time; results in order. */
export async function parLots<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}
