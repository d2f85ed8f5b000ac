// Per-key serialisation inside one process: two updates of the same document from this process
// queue up instead of racing, so optimistic retries are only spent on races with other replicas.

/** Runs tasks one at a time per key; different keys run concurrently. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task of `key` settled; resolves or rejects with its result. */
  async run<R>(key: string, task: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Drop the entry when nobody queued behind us, so the map does not grow with every key seen.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
