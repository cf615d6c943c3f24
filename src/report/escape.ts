// Untrusted text (env names, response bodies, error messages) reaches Markdown,
// HTML and workflow commands. Escape it for each. In Markdown, whatever GitHub
// would turn into a link or a notification (a URL, an email, an @mention, a
// #reference) goes in a code span, which GitHub renders literally: the text
// stays exactly what it was, so an email or a gcloud command copied from the
// comment is still right (no zero-width characters to break it).
const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>&|~#$]/g;
/** MARKDOWN_SPECIAL but `_`, which escapeWord keeps inside a word. */
const SPECIAL_BUT_UNDERSCORE = /[\\`*{}[\]<>&|~#$]/;
const INTRAWORD = /^[\p{L}\p{N}]$/u;
/** C0/C1 controls and bidirectional overrides (text that reads differently from what it is). */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** INVISIBLE, \t, \r or \n: text without any is left as it is by the clean-up both escapes start with. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** What GitHub links or notifies from: a scheme URL, www., mailto:/xmpp:, an email or @mention, #123, GH-123. */
const LINKABLE = /[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b(mailto|xmpp):|@|#\d|\bGH-\d/i;
/** What every LINKABLE match contains, found without LINKABLE's backtracking over each word's letters: a quick no. */
const MAY_LINK = /:\/\/|www\.|mailto:|xmpp:|@|#\d|GH-\d/i;

/** For text in a Markdown paragraph, list item, table cell or HTML element. One line, no markup, no links. */
export function escapeMarkdown(text: string): string {
  const line = CONTROL.test(text) ? text.replace(INVISIBLE, "").replace(/[\r\n\t]+/g, " ") : text;
  // Most text links nothing: escaped whole, it reads the same as word by word (a word's edges are
  // spaces, which are not intraword either), without splitting a summary's thousands of cells.
  if (!MAY_LINK.test(line) || !LINKABLE.test(line)) return escapeWord(line);
  // Word by word (runs of spaces stay as they are: an empty word between two spaces stays empty):
  // a word that links goes in a code span.
  const words = line.split(" ");
  for (let at = 0; at < words.length; at++) {
    const word = words[at] as string;
    if (word) words[at] = MAY_LINK.test(word) && LINKABLE.test(word) ? codeSpan(word) : escapeWord(word);
  }
  return words.join(" ");
}

function escapeWord(word: string): string {
  // Most words and messages (SECRET_KEY, svc-000) have nothing to escape: left as they are without a replace.
  if (!SPECIAL_BUT_UNDERSCORE.test(word) && underscoresIntraword(word)) return word;
  return word.replace(MARKDOWN_SPECIAL, (char, offset: number, whole: string) =>
    // An underscore inside a word never starts emphasis: JWT_SECRET_KEY stays readable (and greppable).
    char === "_" && intraword(whole, offset - 1) && intraword(whole, offset + 1) ? "_" : `&#${char.charCodeAt(0)};`,
  );
}

/** Whether every `_` of `text` is inside a word, where escapeWord leaves it as it is. */
function underscoresIntraword(text: string): boolean {
  for (let at = text.indexOf("_"); at !== -1; at = text.indexOf("_", at + 1)) {
    if (!intraword(text, at - 1) || !intraword(text, at + 1)) return false;
  }
  return true;
}

/** A letter or digit at `at` (ASCII answered without the Unicode regex: it is most of what is asked). */
function intraword(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return INTRAWORD.test(text.charAt(at));
}

/**
 * A CommonMark code span holding `text` exactly: fenced by one backtick more than its
 * longest run of them, padded with a space when it starts or ends with a backtick or a
 * space (the renderer strips one each side). Inside a table, pass it through tableCell.
 */
export function codeSpan(text: string): string {
  // The common case (an id, a name): nothing to strip, no backtick, no space at an end.
  if (text && !CONTROL.test(text) && !text.includes("`") && text.charAt(0) !== " " && text.charAt(text.length - 1) !== " ") {
    return `\`${text}\``;
  }
  const inner = text.replace(INVISIBLE, "").replace(/[\r\n\t]/g, " ");
  if (!inner) return "";
  const longest = Math.max(0, ...(inner.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(inner) && inner.trim() !== "" ? " " : "";
  return `${fence}${pad}${inner}${pad}${fence}`;
}

/** A GFM table cell: a `|` (only code spans still have one) is escaped, which GitHub honours even inside them. */
export function tableCell(markdown: string): string {
  return markdown.includes("|") ? markdown.replace(/\|/g, "\\|") : markdown;
}

/** Keep a cell to one readable size; the JSON report has the whole text. The text is already redacted. */
export function clipCell(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The runner reads `::command::` at the start of a line and the legacy `##[command]`
 * anywhere in one (`##[add-mask]`, `##[stop-commands]`, `##[error]`); @actions/core
 * escapes neither in core.info, and only %, CR and LF in core.warning/error. Break both.
 */
export function inertCommands(text: string): string {
  return text.replace(/:(?=:)/g, ": ").replace(/##\[/g, "## [");
}

/** The same for JSON (the --json report, the `report` output): escaped as \u sequences, so the data is unchanged. */
export function inertJson(json: string): string {
  return json.replace(/:(?=:)/g, "\\u003a").replace(/##\[/g, "#\\u0023[");
}

/** For log lines: no workflow commands, no line breaks that start new ones. */
export function escapeLog(text: string): string {
  return inertCommands(text.replace(INVISIBLE, "").replace(/[\r\n]+/g, " "));
}
