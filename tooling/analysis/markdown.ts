/**
 * Markdown building blocks for the report. Every value that reaches the report may come
 * from the attacker (tags, user agents, key names), so all text is escaped: a `|` must not
 * split a table cell, and `<`, `[`, `*` must not turn into HTML, links or emphasis.
 */

/** Escape text for a Markdown table cell or an inline span (single line). */
export function escapeMarkdown(text: string | number | boolean | undefined | null): string {
  if (text === undefined || text === null || text === '') return '';
  return String(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** A Markdown table; cells are escaped here, so callers pass raw values. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | undefined>>): string {
  const line = (cells: ReadonlyArray<string | number | boolean | undefined>): string => `| ${cells.map((c) => escapeMarkdown(c)).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** An ISO timestamp rendered in UTC as `YYYY-MM-DD HH:MM:SSZ`; unparsable input is returned marked. */
export function utc(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `${iso} (unparsed)`;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}
