// Untrusted text (env names, response bodies, error messages) reaches Markdown,
// HTML and workflow commands. Escape it for each, and neutralise @mentions.
const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>&|~#$]/g;

export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(MARKDOWN_SPECIAL, (char) => `&#${char.charCodeAt(0)};`)
    .replace(/@/g, "@\u200b");
}

/** For log lines: no workflow commands (`::`), no line breaks that start new ones. */
export function escapeLog(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/::/g, ": :");
}
