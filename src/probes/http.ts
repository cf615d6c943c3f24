// One HTTP request with a per-call timeout inside the run's deadline and a cap
// on how much body we read, so a misbehaving backend can neither hang nor flood the gate.
export type HttpOutcome =
  | { kind: "response"; status: number; body: string; retryAfterMs: number | undefined }
  | { kind: "error"; reason: string };

const CALL_TIMEOUT_MS = 10_000;

export async function boundedFetch(
  url: string,
  options: { headers: Record<string, string>; signal: AbortSignal; bodyCap: number; method?: string },
): Promise<HttpOutcome> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(CALL_TIMEOUT_MS)]);
  try {
    const response = await fetch(url, { method: options.method ?? "GET", headers: options.headers, signal, redirect: "manual" });
    const body = await readCapped(response, options.bodyCap);
    return { kind: "response", status: response.status, body, retryAfterMs: retryAfter(response.headers.get("retry-after")) };
  } catch (error) {
    return { kind: "error", reason: networkReason(error) };
  }
}

async function readCapped(response: Response, cap: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, cap).toString("utf8");
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 10_000) : undefined;
}

/** A short, safe reason: error codes only, never a message that could echo a URL's query or a body. */
export function networkReason(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === "TimeoutError" || e?.cause?.name === "TimeoutError") return "timed out";
  if (e?.name === "AbortError") return "aborted (deadline reached)";
  const code = e?.cause?.code ?? e?.code;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "DNS lookup failed (ENOTFOUND)";
    case "ECONNREFUSED":
      return "connection refused (ECONNREFUSED)";
    case "ECONNRESET":
      return "connection reset (ECONNRESET)";
    case undefined:
      return "request failed";
    default:
      return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
        ? `TLS error (${code})`
        : /^[A-Z_]{2,40}$/.test(code)
          ? `network error (${code})`
          : "request failed";
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
