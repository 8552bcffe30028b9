// Group writes: calls made while a statement is in flight (or in the same turn of the event loop)
// are written together by the next one — the application's own group commit. Under a rush one
// INSERT of fifty rows costs the database one commit and the process one round trip instead of fifty;
// alone, a call waits for nothing but the current turn.
export type BatchRunner<I, O> = (items: I[]) => Promise<O[]>;

export function batcher<I, O>(run: BatchRunner<I, O>, opts: { max?: number } = {}) {
  const max = opts.max ?? 500;
  let queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let busy = false;
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue.slice(0, max);
    queue = queue.slice(batch.length);
    try {
      const out = await run(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve(out[i] as O);
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      busy = false;
      if (queue.length > 0) schedule();
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  return (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
