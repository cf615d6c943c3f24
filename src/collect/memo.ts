// One request per key per run: concurrent callers share the same promise.
export function memo<T>(): (key: string, task: () => Promise<T>) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key, task) => {
    let promise = pending.get(key);
    if (!promise) {
      promise = task();
      pending.set(key, promise);
    }
    return promise;
  };
}
