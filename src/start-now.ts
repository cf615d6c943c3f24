// "Start now, settle later": work started before anyone awaits it, so it
// overlaps with other work (a probe while a secret is read). Its promise is
// awaited later, or never, if the pipeline it belongs to fails first: its
// rejection is then expected and must not end the process as an unhandled
// rejection. Whoever does await it still sees the rejection.
export function startNow<T>(task: () => Promise<T>): Promise<T> {
  const promise = task();
  promise.catch(() => undefined);
  return promise;
}
