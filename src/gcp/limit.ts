// A cap on Google API requests in flight, so a gate over 50 services with 10
// secrets each does not fire 500 requests at once into per-minute quotas.
// Every Google API call (src/gcp/rest.ts) sends through AuthClient.request, so
// wrapping that one method caps them all, whatever the API.
import type { AuthClient } from "google-auth-library";

export function limitConcurrency(client: AuthClient, maxInFlight: number): AuthClient {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = () =>
    active < maxInFlight ? Promise.resolve(void active++) : new Promise<void>((resolve) => waiting.push(() => resolve(void active++)));
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  const send = client.request.bind(client);
  client.request = (async (options: Parameters<typeof send>[0]) => {
    await acquire();
    try {
      return await send(options);
    } finally {
      release();
    }
  }) as typeof client.request;
  return client;
}
