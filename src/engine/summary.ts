export interface SummaryTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** What a run has to say at its end; the job summary and the CLI both render it. */
export interface Summary {
  readonly title: string;
  readonly lines: readonly string[];
  readonly tables: readonly SummaryTable[];
  /** Verbatim text (an error report), shown as a code block. */
  readonly details?: string;
}

function escapeCell(text: string): string {
  return text.replace(/\|/gu, '\\|').replace(/\r?\n/gu, '<br>');
}

export function summaryToMarkdown(summary: Summary): string {
  const parts = [`## ${summary.title}`, ''];
  for (const line of summary.lines) parts.push(line, '');
  for (const table of summary.tables) {
    parts.push(`| ${table.header.map(escapeCell).join(' | ')} |`);
    parts.push(`| ${table.header.map(() => '---').join(' | ')} |`);
    for (const row of table.rows) parts.push(`| ${row.map(escapeCell).join(' | ')} |`);
    parts.push('');
  }
  if (summary.details !== undefined) parts.push('```text', summary.details.replace(/```/gu, "'''"), '```');
  return `${parts.join('\n').trimEnd()}\n`;
}

export function summaryToText(summary: Summary): string {
  const parts = [summary.title, ...summary.lines];
  for (const table of summary.tables) {
    const widths = table.header.map((cell, i) => Math.max(cell.length, ...table.rows.map((row) => (row[i] ?? '').length)));
    const render = (row: readonly string[]): string =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
    parts.push('', render(table.header), ...table.rows.map(render));
  }
  if (summary.details !== undefined) parts.push('', summary.details);
  return `${parts.join('\n')}\n`;
}
