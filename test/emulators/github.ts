// The slice of the GitHub REST API the gate uses, as a real HTTP server on
// 127.0.0.1: issue comments (paginated with Link headers, as GitHub does), PRs
// for a commit, open PRs, and check runs with annotations. Tokens are either
// writable or read-only (a fork PR's GITHUB_TOKEN: every write is 403), and each
// acts as an account: GITHUB_TOKEN as github-actions[bot], a PAT as its user, an
// App installation token as `<slug>[bot]`. Comments record who wrote them; GET
// /user and GraphQL `viewer` answer as GitHub does for each kind of token.
// Faults (422, 5xx, rate limits) go in `server.faults` as for every emulator.
import { type EmulatorServer, type JsonReply, type RecordedRequest, serveJson } from "./http.js";

export interface StoredComment {
  id: number;
  body: string;
  html_url: string;
  created_at: string;
  user: { login: string; id: number; type: string };
}

/** The account a token acts as. `installation`: GITHUB_TOKEN or an App token (GET /user is 403 for those). */
export interface TokenIdentity {
  login: string;
  id: number;
  kind: "installation" | "user";
}

/** What the runner's GITHUB_TOKEN acts as (https://api.github.com/users/github-actions[bot]). */
export const GITHUB_ACTIONS_BOT: TokenIdentity = { login: "github-actions[bot]", id: 41898282, kind: "installation" };

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title: string; summary: string };
  annotations: unknown[];
  html_url: string;
}

export interface PullRequestFixture {
  number: number;
  headSha: string;
  state?: "open" | "closed";
  /** `owner/repo` of the head branch; a fork's differs from the base repository. */
  headRepository?: string;
}

export interface GitHubEmulator extends EmulatorServer {
  /** Comments by PR number, oldest first. */
  comments: Map<number, StoredComment[]>;
  checkRuns: StoredCheckRun[];
  pullRequests: PullRequestFixture[];
  /** Commits GitHub associates with PRs (commits/{sha}/pulls); fork commits are absent. */
  commitPulls: Map<string, number[]>;
  writeTokens: Set<string>;
  readOnlyTokens: Set<string>;
  /** Who each token acts as; a token not listed is a GITHUB_TOKEN (github-actions[bot]). */
  identities: Map<string, TokenIdentity>;
  /** Hold the next `count` comment-list requests until all arrived: forces two jobs to race. */
  holdCommentLists(count: number): void;
  /** Add a comment as someone else (a person, another bot); github-actions[bot] by default. */
  addComment(pullRequest: number, body: string, login?: string): StoredComment;
  /** Forget what tests did (comments, check runs, requests, faults); tokens and PRs stay. */
  reset(): void;
}

const REPO = "/repos/([^/]+)/([^/]+)";

export async function startGitHubEmulator(): Promise<GitHubEmulator> {
  let nextId = 1000;
  let clock = Date.parse("2025-01-01T00:00:00Z");
  const comments = new Map<number, StoredComment[]>();
  const checkRuns: StoredCheckRun[] = [];
  const pullRequests: PullRequestFixture[] = [];
  const commitPulls = new Map<string, number[]>();
  const writeTokens = new Set<string>();
  const readOnlyTokens = new Set<string>();
  const identities = new Map<string, TokenIdentity>();
  const identityOf = (request: RecordedRequest) => identities.get(tokenOf(request)) ?? GITHUB_ACTIONS_BOT;
  let held: { count: number; waiting: (() => void)[] } | undefined;
  let baseUrl = "";

  const addComment = (pullRequest: number, body: string, login = GITHUB_ACTIONS_BOT.login): StoredComment => {
    const id = nextId++;
    const known = [...identities.values(), GITHUB_ACTIONS_BOT].find((identity) => identity.login === login);
    clock += 1000;
    const comment = {
      id,
      body,
      html_url: `https://github.test/owner/repo/pull/${pullRequest}#issuecomment-${id}`,
      created_at: new Date(clock).toISOString(),
      user: { login, id: known?.id ?? 5000 + id, type: login.endsWith("[bot]") ? "Bot" : "User" },
    };
    comments.set(pullRequest, [...(comments.get(pullRequest) ?? []), comment]);
    return comment;
  };

  const route = async (request: RecordedRequest, url: URL): Promise<JsonReply> => {
    const auth = authorize(request, writeTokens, readOnlyTokens);
    if (auth) return auth;
    const path = url.pathname;
    if (path === "/user" && request.method === "GET") {
      const identity = identityOf(request);
      // An installation token is not a user: GitHub refuses /user for it.
      if (identity.kind === "installation") return forbidden();
      return { status: 200, body: { login: identity.login, id: identity.id, type: "User" } };
    }
    if (path === "/graphql" && request.method === "POST") return graphql(request, identityOf(request));
    /** The path parameter of a route ("" for none), or undefined when the path is not that route. */
    const param = (route: string) => {
      const found = new RegExp(`^${REPO}${route}$`).exec(path);
      return found ? (found[3] ?? "") : undefined;
    };
    let value: string | undefined;
    value = param("/issues/(\\d+)/comments");
    if (value !== undefined) {
      const pullRequest = Number(value);
      if (request.method === "GET") {
        await waitIfHeld();
        return page(comments.get(pullRequest) ?? [], url, `${baseUrl}${path}`);
      }
      if (request.method === "POST") {
        const body = bodyOf(request);
        if (typeof body !== "string" || body === "") return unprocessable("body", "missing");
        if (body.length > 65_536) return unprocessable("body", "too long (maximum is 65536 characters)");
        return { status: 201, body: addComment(pullRequest, body, identityOf(request).login) };
      }
    }
    value = param("/issues/comments/(\\d+)");
    if (value !== undefined) {
      const id = Number(value);
      const owner = [...comments.entries()].find(([, list]) => list.some((comment) => comment.id === id));
      if (!owner) return notFound();
      const [pullRequest, list] = owner;
      if (request.method === "PATCH") {
        const body = bodyOf(request);
        if (typeof body !== "string" || body.length > 65_536) return unprocessable("body", "invalid");
        const comment = list.find((item) => item.id === id)!;
        comment.body = body;
        return { status: 200, body: comment };
      }
      if (request.method === "DELETE") {
        comments.set(
          pullRequest,
          list.filter((item) => item.id !== id),
        );
        return { status: 204 };
      }
    }
    value = param("/commits/([^/]+)/pulls");
    if (value !== undefined && request.method === "GET") {
      const numbers = commitPulls.get(value) ?? [];
      return { status: 200, body: pullRequests.filter((pr) => numbers.includes(pr.number)).map(pullJson) };
    }
    value = param("/pulls/(\\d+)");
    if (value !== undefined && request.method === "GET") {
      const pr = pullRequests.find((item) => item.number === Number(value));
      return pr ? { status: 200, body: pullJson(pr) } : notFound();
    }
    value = param("/pulls");
    if (value !== undefined && request.method === "GET") {
      return { status: 200, body: pullRequests.filter((pr) => (pr.state ?? "open") === "open").map(pullJson) };
    }
    value = param("/check-runs");
    if (value !== undefined && request.method === "POST") {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      if (typeof body.name !== "string" || typeof body.head_sha !== "string") return unprocessable("name", "missing");
      const output = (body.output ?? {}) as { title?: string; summary?: string; annotations?: unknown[] };
      const tooMany = checkOutput(output);
      if (tooMany) return tooMany;
      const id = nextId++;
      const run: StoredCheckRun = {
        id,
        name: body.name,
        head_sha: body.head_sha,
        status: String(body.status ?? "queued"),
        conclusion: typeof body.conclusion === "string" ? body.conclusion : null,
        output: { title: output.title ?? "", summary: output.summary ?? "" },
        annotations: [...(output.annotations ?? [])],
        html_url: `https://github.test/owner/repo/runs/${id}`,
      };
      checkRuns.push(run);
      return { status: 201, body: run };
    }
    value = param("/check-runs/(\\d+)");
    if (value !== undefined && request.method === "PATCH") {
      const run = checkRuns.find((item) => item.id === Number(value));
      if (!run) return notFound();
      const body = JSON.parse(request.body) as { output?: { title?: string; summary?: string; annotations?: unknown[] } };
      const tooMany = checkOutput(body.output ?? {});
      if (tooMany) return tooMany;
      if (body.output) {
        run.output = { title: body.output.title ?? run.output.title, summary: body.output.summary ?? run.output.summary };
        // GitHub appends annotations on update rather than replacing them.
        run.annotations.push(...(body.output.annotations ?? []));
      }
      return { status: 200, body: run };
    }
    return notFound();
  };

  const waitIfHeld = async () => {
    if (!held) return;
    const gate = held;
    await new Promise<void>((resolve) => {
      gate.waiting.push(resolve);
      if (gate.waiting.length >= gate.count) {
        held = undefined;
        for (const release of gate.waiting) release();
      }
      // Never deadlock a test: a lone runner goes on after a while.
      setTimeout(resolve, 5000).unref();
    });
  };

  const server = await serveJson(route);
  baseUrl = server.url;
  return Object.assign(server, {
    comments,
    checkRuns,
    pullRequests,
    commitPulls,
    writeTokens,
    readOnlyTokens,
    identities,
    addComment,
    holdCommentLists(count: number) {
      held = { count, waiting: [] };
    },
    reset() {
      comments.clear();
      checkRuns.length = 0;
      server.requests.length = 0;
      server.faults.length = 0;
    },
  });
}

function tokenOf(request: RecordedRequest): string {
  return (request.headers.authorization ?? "").replace(/^(token|Bearer) /, "");
}

function authorize(request: RecordedRequest, write: Set<string>, readOnly: Set<string>): JsonReply | undefined {
  const token = tokenOf(request);
  if (write.has(token)) return undefined;
  if (!readOnly.has(token)) return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
  // GraphQL reads are POSTs; a read-only token may still ask who it is.
  if (request.method === "GET" || new URL(request.path, "http://x").pathname === "/graphql") return undefined;
  return forbidden();
}

function forbidden(): JsonReply {
  return {
    status: 403,
    body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest", status: "403" },
  };
}

/**
 * The one GraphQL query the emulator knows, `viewer { login }`: GitHub answers
 * it for every kind of token, installation tokens included (with the `[bot]` login).
 * Anything else gets GraphQL's error shape (HTTP 200 with `errors`).
 */
function graphql(request: RecordedRequest, identity: TokenIdentity): JsonReply {
  let query = "";
  try {
    query = String((JSON.parse(request.body) as { query?: unknown }).query ?? "");
  } catch {
    return { status: 400, body: { message: "Problems parsing JSON" } };
  }
  if (!/\bviewer\s*\{/.test(query)) return { status: 200, body: { errors: [{ message: "the emulator answers only viewer queries" }] } };
  return {
    status: 200,
    body: { data: { viewer: { login: identity.login, databaseId: identity.id, __typename: identity.kind === "user" ? "User" : "Bot" } } },
  };
}

/** GitHub's pagination: per_page (max 100) and page, with a Link header for next and last. */
function page<T>(items: T[], url: URL, base: string): JsonReply {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30) || 30, 100);
  const current = Number(url.searchParams.get("page") ?? 1) || 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  if (current < last)
    links.push(`<${base}?per_page=${perPage}&page=${current + 1}>; rel="next"`, `<${base}?per_page=${perPage}&page=${last}>; rel="last"`);
  return {
    status: 200,
    body: items.slice((current - 1) * perPage, current * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

function pullJson(pr: PullRequestFixture): unknown {
  return {
    number: pr.number,
    state: pr.state ?? "open",
    head: { sha: pr.headSha, repo: { full_name: pr.headRepository ?? "owner/repo" } },
    base: { repo: { full_name: "owner/repo" } },
  };
}

function checkOutput(output: { annotations?: unknown[]; summary?: string }): JsonReply | undefined {
  if ((output.annotations?.length ?? 0) > 50) return unprocessable("annotations", "at most 50 annotations per request");
  if ((output.summary?.length ?? 0) > 65_535) return unprocessable("summary", "too long");
  return undefined;
}

function bodyOf(request: RecordedRequest): unknown {
  try {
    return (JSON.parse(request.body) as { body?: unknown }).body;
  } catch {
    return undefined;
  }
}

function unprocessable(field: string, code: string): JsonReply {
  return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "Resource", field, code }] } };
}

function notFound(): JsonReply {
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}

/** A GitHub-shaped fault body, for `server.faults`. */
export function githubFault(status: number, message: string): { kind: "status"; status: number; body: unknown } {
  return { kind: "status", status, body: { message, documentation_url: "https://docs.github.com/rest" } };
}
