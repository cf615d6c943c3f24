// The one proxy decision (src/proxy.ts) against the rules of Node 24's own
// NODE_USE_ENV_PROXY fetch (undici's EnvHttpProxyAgent), as a table, and the
// proxy URL's password kept out of everything it says.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeProxies, ProxyFailure, proxyFailureOf, proxyFor, proxyOrigin, proxyPasswords } from "../../src/proxy.js";

const P = "http://proxy.corp:3128";
const S = "http://secure-proxy.corp:3129";

describe("proxyFor", () => {
  it.each<[string, string, Record<string, string>, string | undefined]>([
    // Which variable, by scheme; lower case first; HTTPS falls back to the HTTP proxy.
    ["https uses HTTPS_PROXY", "https://run.googleapis.com/v2/x", { HTTPS_PROXY: S, HTTP_PROXY: P }, S],
    ["http uses HTTP_PROXY", "http://127.0.0.1:8080/health", { HTTPS_PROXY: S, HTTP_PROXY: P }, P],
    ["http never uses HTTPS_PROXY", "http://127.0.0.1:8080/health", { HTTPS_PROXY: S }, undefined],
    ["https falls back to HTTP_PROXY", "https://api.github.com/", { HTTP_PROXY: P }, P],
    ["lower case wins", "https://api.github.com/", { https_proxy: S, HTTPS_PROXY: P }, S],
    ["lower-case http_proxy", "http://a.test/", { http_proxy: P }, P],
    ["an empty variable is unset", "https://a.test/", { https_proxy: "", HTTPS_PROXY: S }, S],
    ["wss is https", "wss://chat.run.app/ws", { HTTPS_PROXY: S, HTTP_PROXY: P }, S],
    ["ws is http", "ws://127.0.0.1:9/ws", { HTTPS_PROXY: S, HTTP_PROXY: P }, P],
    ["a proxy without a scheme is http://", "https://a.test/", { HTTPS_PROXY: "proxy.corp:3128" }, "http://proxy.corp:3128"],
    ["no variable: direct", "https://a.test/", {}, undefined],
    ["other schemes: never", "file:///etc/passwd", { HTTPS_PROXY: S, HTTP_PROXY: P }, undefined],
    // No implicit loopback bypass.
    ["loopback is proxied unless listed", "http://127.0.0.1:8080/", { HTTP_PROXY: P }, P],
    ["localhost is proxied unless listed", "http://localhost:8080/", { HTTP_PROXY: P }, P],
    // NO_PROXY entries.
    ["* bypasses all", "https://a.test/", { HTTPS_PROXY: S, NO_PROXY: "*" }, undefined],
    ["* inside a list", "https://a.test/", { HTTPS_PROXY: S, NO_PROXY: "b.test, *" }, undefined],
    ["exact host", "https://a.test/", { HTTPS_PROXY: S, NO_PROXY: "a.test" }, undefined],
    ["exact host is not a suffix", "https://x.a.test/", { HTTPS_PROXY: S, NO_PROXY: "a.test" }, S],
    ["exact host is not a substring (gaxios would bypass)", "https://notgithub.com/", { HTTPS_PROXY: S, NO_PROXY: "github.com" }, S],
    [".suffix matches subdomains", "https://run.googleapis.com/", { HTTPS_PROXY: S, NO_PROXY: ".googleapis.com" }, undefined],
    [".suffix does not match the bare domain", "https://googleapis.com/", { HTTPS_PROXY: S, NO_PROXY: ".googleapis.com" }, S],
    ["*.suffix matches subdomains", "https://run.googleapis.com/", { HTTPS_PROXY: S, NO_PROXY: "*.googleapis.com" }, undefined],
    ["*.suffix does not match a lookalike", "https://evilgoogleapis.com/", { HTTPS_PROXY: S, NO_PROXY: "*.googleapis.com" }, S],
    ["case-insensitive", "https://API.GitHub.com/", { HTTPS_PROXY: S, NO_PROXY: "api.GITHUB.com" }, undefined],
    ["host:port on that port", "http://127.0.0.1:8080/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.1:8080" }, undefined],
    ["host:port not on another port", "http://127.0.0.1:9090/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.1:8080" }, P],
    ["host:port with the default port", "https://a.test/", { HTTPS_PROXY: S, NO_PROXY: "a.test:443" }, undefined],
    ["wss default port is 443", "wss://a.test/ws", { HTTPS_PROXY: S, NO_PROXY: "a.test:443" }, undefined],
    ["IPv4", "http://10.1.2.3/", { HTTP_PROXY: P, NO_PROXY: "10.1.2.3" }, undefined],
    ["IPv6 in brackets", "http://[::1]:8080/", { HTTP_PROXY: P, NO_PROXY: "[::1]" }, undefined],
    ["IPv6 without brackets", "http://[::1]:8080/", { HTTP_PROXY: P, NO_PROXY: "::1" }, undefined],
    ["IPv6 with a port", "http://[::1]:8080/", { HTTP_PROXY: P, NO_PROXY: "[::1]:8080" }, undefined],
    ["IPv6 with another port", "http://[::1]:9090/", { HTTP_PROXY: P, NO_PROXY: "[::1]:8080" }, P],
    ["space separated", "https://b.test/", { HTTPS_PROXY: S, NO_PROXY: "a.test b.test" }, undefined],
    ["comma and space", "https://b.test/", { HTTPS_PROXY: S, NO_PROXY: " a.test ,  b.test, " }, undefined],
    ["lower-case no_proxy wins", "https://a.test/", { HTTPS_PROXY: S, no_proxy: "b.test", NO_PROXY: "a.test" }, S],
    ["upper-case NO_PROXY alone", "https://a.test/", { HTTPS_PROXY: S, NO_PROXY: "a.test" }, undefined],
  ])("%s", (_name, url, env, expected) => {
    expect(proxyFor(url, env)).toBe(expected);
  });

  it("a host listed in NO_PROXY is never proxied, whatever else the list holds", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));
    fc.assert(
      fc.property(host, fc.array(host, { maxLength: 4 }), fc.constantFrom("http", "https", "ws", "wss"), (target, others, scheme) => {
        const env = { HTTPS_PROXY: S, HTTP_PROXY: P, NO_PROXY: [...others, target.toUpperCase(), ...others].join(",") };
        expect(proxyFor(`${scheme}://${target}/x`, env)).toBeUndefined();
        // And a host not listed (nor under a listed suffix) always is.
        const unlisted = `zz${target}`;
        if (!others.includes(unlisted)) expect(proxyFor(`${scheme}://${unlisted}/x`, env)).toBeDefined();
      }),
    );
  });
});

describe("what is said about a proxy", () => {
  const withAuth = "http://gate:s3cr%40t-pa55@proxy.corp:3128";

  it("its origin, never its userinfo", () => {
    expect(proxyOrigin(withAuth)).toBe("http://proxy.corp:3128");
    expect(proxyOrigin("not a url")).not.toContain("not a url");
    expect(describeProxies({ HTTPS_PROXY: withAuth, NO_PROXY: "localhost,.corp" })).toBe(
      "Network: https:// via proxy http://proxy.corp:3128, http:// directly; NO_PROXY hosts directly: localhost, .corp",
    );
    expect(describeProxies({})).toBeUndefined();
  });

  it("its password, as written and decoded, goes to the redactor", () => {
    expect(proxyPasswords({ https_proxy: withAuth })).toEqual(["s3cr%40t-pa55", "s3cr@t-pa55"]);
    expect(proxyPasswords({ HTTPS_PROXY: "http://proxy.corp:3128" })).toEqual([]);
    expect(proxyPasswords({ HTTP_PROXY: "gate:hunter2-pw@proxy.corp:3128" })).toEqual(["hunter2-pw"]);
    expect(proxyOrigin("gate:hunter2-pw@proxy.corp:3128")).toBe("http://proxy.corp:3128");
  });

  it("a failure is found down an error's causes, also from another bundle's copy of the class", () => {
    const failure = new ProxyFailure("https://run.googleapis.com", "http://proxy.corp:3128", "HTTP 407");
    expect(proxyFailureOf(new TypeError("fetch failed", { cause: failure }))?.message).toBe(
      "the proxy http://proxy.corp:3128 failed the request to https://run.googleapis.com: HTTP 407",
    );
    const foreign = { code: "EPROXY", target: failure.target, proxy: failure.proxy, reason: failure.reason };
    expect(proxyFailureOf({ cause: { cause: foreign } })?.message).toBe(failure.message);
    expect(proxyFailureOf(new Error("ECONNREFUSED"))).toBeUndefined();
  });
});
