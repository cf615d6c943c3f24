// One PR comment per gate (report_id), found again by a hidden marker and
// updated in place. Two jobs may race: both see no comment and both create one.
// So after creating, look again and keep the oldest copy, deleting the others;
// every racer converges on the same survivor, whichever finishes last.
import type { GitHubClient } from "./client.js";
import { statusOf } from "./failure.js";

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
}

interface StoredComment {
  id: number;
  body?: string | undefined;
  html_url: string;
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
  const existing = await findOurs(api, target);
  const oldest = existing[0];
  if (oldest) {
    await deleteAll(api, target, existing.slice(1));
    return update(api, target, oldest, body);
  }
  if (updateOnly) return { action: "none" };
  const { data: created } = await api.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.pullRequest,
    body,
  });
  // Another job may have created its copy between our look and our create.
  const copies = await findOurs(api, target);
  const survivor = copies[0] ?? created;
  await deleteAll(
    api,
    target,
    copies.filter((copy) => copy.id !== survivor.id),
  );
  if (survivor.id === created.id) return { action: "created", url: created.html_url };
  return update(api, target, survivor, body);
}

async function findOurs(api: GitHubClient, target: CommentTarget): Promise<StoredComment[]> {
  const marker = markerFor(target.reportId);
  const comments = await api.paginate(api.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.pullRequest,
    per_page: 100,
  });
  // Only a comment that starts with the marker: a person quoting ours is not ours.
  return comments.filter((comment) => comment.body?.startsWith(marker)).sort((a, b) => a.id - b.id);
}

async function update(api: GitHubClient, target: CommentTarget, comment: StoredComment, body: string): Promise<CommentOutcome> {
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
