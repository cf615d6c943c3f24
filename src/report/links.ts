// Where the report can link to: the manifest line at the commit checked, and
// the workflow run, from the runner's GITHUB_* variables. Every part is checked
// to be what it claims before it becomes part of a URL; a part that is not
// leaves the text unlinked (plain `file:line`).
import { isAbsolute, relative, sep } from "node:path";
import type { SourceLocation } from "../model.js";

export interface RunLinks {
  /** https://github.com (GITHUB_SERVER_URL), no trailing slash. */
  server?: string | undefined;
  /** owner/repo */
  repository?: string | undefined;
  /** The commit the files are read at (GITHUB_SHA). */
  sha?: string | undefined;
  /** The workflow run (GITHUB_RUN_ID, and GITHUB_RUN_ATTEMPT when past the first). */
  runUrl?: string | undefined;
  /** GITHUB_WORKSPACE: manifest paths are made relative to it. */
  workspace?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `headSha`: the commit a PR shows (RunContext.headSha), when it is not GITHUB_SHA (the merge commit). */
export function runLinks(env: Env, headSha: string | undefined = env.GITHUB_SHA): RunLinks {
  const server = httpsOrigin(env.GITHUB_SERVER_URL ?? "https://github.com");
  const repository = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(env.GITHUB_REPOSITORY ?? "") ? env.GITHUB_REPOSITORY : undefined;
  const sha = /^[0-9a-f]{40}$/.test(headSha ?? "") ? headSha : undefined;
  const runId = /^\d+$/.test(env.GITHUB_RUN_ID ?? "") ? env.GITHUB_RUN_ID : undefined;
  const attempt = /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? "") && env.GITHUB_RUN_ATTEMPT !== "1" ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : "";
  const runUrl = server && repository && runId ? `${server}/${repository}/actions/runs/${runId}${attempt}` : undefined;
  return { server, repository, sha, runUrl, workspace: env.GITHUB_WORKSPACE || undefined };
}

function httpsOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The path as the repository names it, or undefined when it lies outside the workspace. */
export function repositoryPath(file: string, workspace: string | undefined): string | undefined {
  if (!isAbsolute(file)) return file.replace(/^\.\//, "");
  if (!workspace) return undefined;
  const path = relative(workspace, file);
  return path && !path.startsWith("..") && !isAbsolute(path) ? path.split(sep).join("/") : undefined;
}

/** The text shown for a location (repository path when known) and its blob URL when every part is known. */
export function locationLink(location: SourceLocation, links: RunLinks): { text: string; url: string | undefined } {
  const path = repositoryPath(location.file, links.workspace);
  const line = location.line ? `:${location.line}` : "";
  const text = `${path ?? location.file}${line}`;
  if (!path || !links.server || !links.repository || !links.sha) return { text, url: undefined };
  // encodeURIComponent leaves ( ) ' ! * alone; a `)` would end a Markdown link early.
  const encode = (segment: string) =>
    encodeURIComponent(segment).replace(/[()'!*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  const encoded = path.split("/").map(encode).join("/");
  return { text, url: `${links.server}/${links.repository}/blob/${links.sha}/${encoded}${location.line ? `#L${location.line}` : ""}` };
}
