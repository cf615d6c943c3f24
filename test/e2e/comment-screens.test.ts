// The PR comment for incidents 1-4, as a reviewer sees it: the golden Markdown
// (produced from real runs by scripts/golden-incidents.ts) rendered as GFM and
// loaded in headless Chromium at comment width, light and dark. Nothing may
// scroll sideways: not the comment, not a table (the Fix column), not a fix block.
import { readFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, commentPage, overflowOf } from "./comment-page.js";

const GOLDEN = resolve(import.meta.dirname, "../golden");
const PAGES = ["incident-1", "incident-2", "incident-3", "incident-4", "incident-2-fixed"];

describe.skipIf(!CHROMIUM)("the PR comment at GitHub's comment width (headless Chromium)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gate-comment-"));
  });

  it.each(PAGES.flatMap((name) => [[name, false] as const, [name, true] as const]))(
    "%s (dark: %s) has no horizontal overflow",
    async (name, dark) => {
      const markdown = await readFile(join(GOLDEN, `${name}.md`), "utf8");
      expect(await overflowOf(commentPage(markdown, dark), dir, `${name}-${dark ? "dark" : "light"}`)).toEqual([]);
    },
    90_000,
  );

  it("measures: a fix block too wide for the comment is caught (the check can fail)", async () => {
    const wide = `\`\`\`sh\ngcloud run services update backend-staging ${"--update-secrets=A=a:latest ".repeat(12)}\n\`\`\`\n`;
    expect(await overflowOf(commentPage(wide), dir, "too-wide")).toEqual([expect.stringMatching(/^pre:\d+px$/)]);
  }, 90_000);
});
