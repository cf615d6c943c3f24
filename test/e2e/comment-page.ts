// The PR comment as a reviewer sees it: the report's Markdown rendered by a
// GFM renderer (marked) into a page with GitHub's comment width (about 770 px
// of text) and the rules of GitHub's stylesheet that decide overflow, then
// loaded in headless Chromium. Used by test/e2e/comment-screens.test.ts (no
// horizontal overflow) and scripts/screenshots.ts (PNGs, light and dark).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { marked } from "marked";

const run = promisify(execFile);

export const COMMENT_WIDTH_PX = 770;
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));

/** GitHub's markdown-body rules that matter for width: tables and code blocks scroll inside, code spans wrap. */
const STYLE = (dark: boolean) => `
  body { margin: 0; padding: 16px; background: ${dark ? "#0d1117" : "#ffffff"}; color: ${dark ? "#e6edf3" : "#1f2328"};
         font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
  .markdown-body { width: ${COMMENT_WIDTH_PX}px; overflow-wrap: break-word; }
  .markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
  .markdown-body td, .markdown-body th { padding: 6px 13px; border: 1px solid ${dark ? "#3d444d" : "#d1d9e0"}; }
  .markdown-body pre { overflow: auto; padding: 16px; background: ${dark ? "#151b23" : "#f6f8fa"}; border-radius: 6px; }
  .markdown-body code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; white-space: break-spaces; }
  .markdown-body pre code { white-space: pre; }
  a { color: ${dark ? "#4493f8" : "#0969da"}; }
`;

/**
 * Elements that are wider than the room they have (a table or code block that scrolls sideways,
 * or anything that widens the comment), written into the page for --dump-dom to carry out.
 */
const MEASURE = `
  const body = document.querySelector(".markdown-body");
  const wide = [...body.querySelectorAll("*")]
    .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
    .map((el) => el.tagName.toLowerCase() + ":" + (el.scrollWidth - el.clientWidth) + "px");
  if (body.scrollWidth > ${COMMENT_WIDTH_PX} + 1) wide.push("body:" + (body.scrollWidth - ${COMMENT_WIDTH_PX}) + "px");
  const out = document.createElement("pre");
  out.id = "overflow";
  out.hidden = true;
  out.textContent = JSON.stringify(wide);
  document.body.appendChild(out);
`;

export function commentPage(markdown: string, dark = false): string {
  const html = marked.parse(markdown, { gfm: true, async: false });
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE(dark)}</style></head>
<body><article class="markdown-body">${html}</article><script>${MEASURE}</script></body></html>`;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];

/** Loads the page in Chromium and returns what overflows (empty: the comment fits its width). */
export async function overflowOf(page: string, dir: string, name: string): Promise<string[]> {
  if (!CHROMIUM) throw new Error("no chromium on this machine (apt-get install chromium)");
  const file = join(dir, `${name}.html`);
  await writeFile(file, page);
  const { stdout } = await run(
    CHROMIUM,
    [...FLAGS, `--user-data-dir=${join(dir, `profile-${name}`)}`, "--virtual-time-budget=2000", "--dump-dom", `file://${file}`],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const match = /<pre id="overflow"[^>]*>([^<]*)<\/pre>/.exec(stdout);
  if (!match) throw new Error(`chromium did not measure ${name}`);
  return JSON.parse((match[1] ?? "[]").replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as string[];
}

/** A PNG of the page at comment width. */
export async function screenshot(page: string, dir: string, name: string, height = 2400): Promise<string> {
  if (!CHROMIUM) throw new Error("no chromium on this machine (apt-get install chromium)");
  const file = join(dir, `${name}.html`);
  await writeFile(file, page);
  const png = join(dir, `${name}.png`);
  await run(
    CHROMIUM,
    [
      ...FLAGS,
      `--user-data-dir=${join(dir, `profile-${name}`)}`,
      `--window-size=${COMMENT_WIDTH_PX + 32},${height}`,
      `--screenshot=${png}`,
      `file://${file}`,
    ],
    { timeout: 60_000 },
  );
  return png;
}
