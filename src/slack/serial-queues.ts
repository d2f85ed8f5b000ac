// One promise chain per key: work for the same channel runs strictly in submission order, so a
// retried (rate-limited) post can never be overtaken by the one queued after it.

/** Runs tasks one at a time per key, in the order they were submitted; different keys run in parallel. */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind earlier tasks of `key`; a failed task does not block the next. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Number of keys with queued or running work. */
  get size(): number {
    return this.tails.size;
  }
}
