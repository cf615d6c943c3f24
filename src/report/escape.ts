// Untrusted text (env names, response bodies, error messages) reaches Markdown,
// HTML and workflow commands. Escape it for each, and neutralise @mentions
// and #references so a response body cannot ping people or link issues.
const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>&|~#$]/g;
const INTRAWORD = /^[\p{L}\p{N}]$/u;
/** C0/C1 controls and bidirectional overrides (text that reads differently from what it is). */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** For text in a Markdown paragraph, list item, table cell or HTML element. One line, no markup. */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(INVISIBLE, "")
      .replace(/[\r\n\t]+/g, " ")
      .replace(MARKDOWN_SPECIAL, (char, offset: number, whole: string) =>
        // An underscore inside a word never starts emphasis: JWT_SECRET_KEY stays readable (and greppable).
        char === "_" && INTRAWORD.test(whole.charAt(offset - 1)) && INTRAWORD.test(whole.charAt(offset + 1))
          ? "_"
          : `&#${char.charCodeAt(0)};`,
      )
      .replace(/@/g, "@\u200b")
      // GitHub links #123 in the rendered text, after entities are decoded: break the pattern itself.
      .replace(/&#35;(?=[0-9])/g, "&#35;\u200b")
  );
}

/** Inside a code span entities are not decoded, so drop what would break out of it instead. */
export function codeSpan(text: string): string {
  const inner = text.replace(INVISIBLE, "").replace(/[`\r\n|]/g, "");
  return inner ? `\`${inner}\`` : "";
}

/** Keep a cell to one readable size; the JSON report has the whole text. */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** For log lines: no workflow commands (`::`), no line breaks that start new ones. */
export function escapeLog(text: string): string {
  return text
    .replace(INVISIBLE, "")
    .replace(/[\r\n]+/g, " ")
    .replace(/:(?=:)/g, ": ");
}
