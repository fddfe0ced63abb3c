/** Runs fn over items with at most `concurrency` in flight; the first error stops new work and is thrown. */
export async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (id: number): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item, id);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const n = Math.max(1, Math.min(concurrency, items.length));
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => worker(i)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
}
