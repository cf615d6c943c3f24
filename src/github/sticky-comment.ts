// One PR comment per gate (report_id), found again by a hidden marker and
// updated in place. The marker alone proves nothing: anyone who can comment can
// post it, so only a comment written by the account the token acts as is ours;
// another's is never edited nor deleted. Two jobs may race: both see no comment
// and both create one. So after creating, look again and keep the oldest of our
// copies, deleting the others; every racer converges on the same survivor.
import type { GitHubClient } from "./client.js";
import { statusOf } from "./failure.js";
import { sameLogin, tokenLogin } from "./identity.js";

export interface CommentTarget {
  owner: string;
  repo: string;
  pullRequest: number;
  reportId: string;
}

export interface CommentOutcome {
  /** `none`: update-only mode and no comment existed. */
  action: "created" | "updated" | "unchanged" | "none";
  url?: string;
  /** Comments carrying our marker that another account wrote: left alone, and worth a warning. */
  impostors: { id: number; login: string | undefined }[];
}

interface StoredComment {
  id: number;
  body?: string | undefined;
  html_url: string;
  user?: { login?: string } | null;
}

/** HTML comment, invisible in the rendered PR; the id is URI-encoded so no report_id can close it early (`-->`). */
export function markerFor(reportId: string): string {
  return `<!-- cloud-run-deploy-gate report_id=${encodeURIComponent(reportId)} -->`;
}

export function commentBody(reportId: string, markdown: string): string {
  return `${markerFor(reportId)}\n${markdown}`;
}

/**
 * Create or update the sticky comment. `updateOnly` (comment: on-failure on a
 * passing run) touches an existing comment so a stale failure is never left, but creates none.
 */
export async function upsertStickyComment(
  api: GitHubClient,
  target: CommentTarget,
  body: string,
  updateOnly: boolean,
): Promise<CommentOutcome> {
  const marked = await listMarked(api, target);
  // Asked only when there is something to tell apart: a first run costs no extra request.
  let self = marked.length > 0 ? await tokenLogin(api) : undefined;
  const ours = marked.filter(byAuthor(self));
  const oldest = ours[0];
  if (oldest) {
    await deleteAll(api, target, ours.slice(1));
    return { ...(await update(api, target, oldest, body)), impostors: impostorsIn(marked, self) };
  }
  if (updateOnly) return { action: "none", impostors: impostorsIn(marked, self) };
  const { data: created } = await api.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.pullRequest,
    body,
  });
  // Whoever wrote the comment just created is us: the ground truth, even when GitHub would not say beforehand.
  self = created.user?.login ?? self;
  // Another job may have created its copy between our look and our create.
  const after = await listMarked(api, target);
  const copies = after.filter(byAuthor(self));
  const survivor = copies[0] ?? created;
  await deleteAll(
    api,
    target,
    copies.filter((copy) => copy.id !== survivor.id),
  );
  const impostors = impostorsIn(after, self);
  if (survivor.id === created.id) return { action: "created", url: created.html_url, impostors };
  return { ...(await update(api, target, survivor, body)), impostors };
}

/** Comments that start with the marker, oldest first: a person quoting ours is not a copy. */
async function listMarked(api: GitHubClient, target: CommentTarget): Promise<StoredComment[]> {
  const marker = markerFor(target.reportId);
  const comments = await api.paginate(api.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.pullRequest,
    per_page: 100,
  });
  return comments.filter((comment) => comment.body?.startsWith(marker)).sort((a, b) => a.id - b.id);
}

/** Unknown identity matches nothing: better a second comment than editing someone else's. */
function byAuthor(login: string | undefined): (comment: StoredComment) => boolean {
  return (comment) => sameLogin(comment.user?.login ?? undefined, login);
}

function impostorsIn(marked: StoredComment[], self: string | undefined): CommentOutcome["impostors"] {
  if (self === undefined) return [];
  return marked
    .filter((comment) => !byAuthor(self)(comment))
    .map((comment) => ({ id: comment.id, login: comment.user?.login ?? undefined }));
}

async function update(
  api: GitHubClient,
  target: CommentTarget,
  comment: StoredComment,
  body: string,
): Promise<Omit<CommentOutcome, "impostors">> {
  if (comment.body === body) return { action: "unchanged", url: comment.html_url };
  const { data } = await api.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: comment.id, body });
  return { action: "updated", url: data.html_url };
}

async function deleteAll(api: GitHubClient, target: CommentTarget, comments: StoredComment[]): Promise<void> {
  for (const comment of comments) {
    try {
      await api.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: comment.id });
    } catch (error) {
      // The other racer deleted it first: that is the outcome we wanted.
      if (statusOf(error) !== 404) throw error;
    }
  }
}
