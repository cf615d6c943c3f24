// One request per key per run: concurrent callers share the same promise.
export interface Memo<T> {
  (key: string, task: () => Promise<T>): Promise<T>;
  /** The promise for `key` if some caller started it, without starting it. */
  peek(key: string): Promise<T> | undefined;
}

export function memo<T>(): Memo<T> {
  const pending = new Map<string, Promise<T>>();
  const once = (key: string, task: () => Promise<T>) => {
    let promise = pending.get(key);
    if (!promise) {
      promise = task();
      pending.set(key, promise);
    }
    return promise;
  };
  return Object.assign(once, { peek: (key: string) => pending.get(key) });
}
