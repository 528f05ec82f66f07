/** Small helpers for running independent reads together. */

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Split into consecutive pieces of at most `size` (Atlassian's per-filter limits: 10, 20, 100). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs tasks together. The first failure aborts `controller` (so the others stop sending requests)
 * and is the error `wait` rejects with, at once: a failed page fails the whole read.
 */
export class TaskGroup {
  private readonly tasks: Array<Promise<unknown>> = [];
  constructor(private readonly controller: AbortController) {}

  add(task: Promise<unknown>): void {
    const guarded = task.catch((e: unknown) => {
      if (!this.controller.signal.aborted) this.controller.abort(e);
      throw e;
    });
    // Siblings that fail after the first failure must not surface as unhandled rejections.
    guarded.catch(() => undefined);
    this.tasks.push(guarded);
  }

  /** Waits for every task added so far, and any they add while running. */
  async wait(): Promise<void> {
    let seen = 0;
    while (seen < this.tasks.length) {
      const batch = this.tasks.slice(seen);
      seen = this.tasks.length;
      await Promise.all(batch);
    }
  }
}
