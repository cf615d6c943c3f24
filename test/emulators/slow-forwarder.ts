// A forwarder on 127.0.0.1 in front of an emulator that holds some requests back: a test makes
// one Secret Manager read arrive late (after a service finished, after the deadline), through a
// real socket, without changing the emulator itself.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Forwards to `target`, holding each secret access (`…:access`) back `delayMs`. */
export async function slowAccess(target: string, delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((incoming, answer) => {
    const delay = /:access(\?|$)/.test(incoming.url ?? "") ? delayMs : 0;
    setTimeout(() => {
      const outgoing = request(new URL(incoming.url ?? "/", target), { method: incoming.method, headers: incoming.headers }, (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      });
      incoming.pipe(outgoing);
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
