// Masking (::add-mask::) protects only the log. Outputs, the summary, comments
// and files need their own pass: every value the gate masked is replaced here too.
const MIN_REDACTED_LENGTH = 4;

export function redactor() {
  const values = new Set<string>();
  return {
    /** Remember a value; false when it is too short to mask without garbling text. */
    add(value: string): boolean {
      const trimmed = value.trim();
      if (trimmed.length < MIN_REDACTED_LENGTH || values.has(trimmed)) return false;
      values.add(trimmed);
      // Multi-line values (PEM keys) are also masked line by line, as the runner does.
      for (const line of trimmed.split(/\r?\n/)) if (line.trim().length >= 8) values.add(line.trim());
      return true;
    },
    redact(text: string): string {
      let result = text;
      for (const value of [...values].sort((a, b) => b.length - a.length)) result = result.split(value).join("***");
      return result;
    },
  };
}
