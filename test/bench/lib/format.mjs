// Number formatting and the one results table (Markdown, which also reads well in a terminal).

export const int = (value) => (value === undefined || Number.isNaN(value) ? '—' : Math.round(value).toLocaleString('en-US'));
export const fixed = (value, digits = 1) => (value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits));
export const percent = (value) => (value === undefined || Number.isNaN(value) ? '—' : `${Math.round(value * 100)}%`);
export const ms = (value) => (value === undefined ? '—' : value < 1 ? `${value.toFixed(3)} ms` : value < 100 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`);

const COLUMNS = [
  ['area', 'Area'],
  ['case', 'Case'],
  ['result', 'Result'],
  ['p99', 'p99'],
  ['cpu', 'Server CPU/req'],
  ['ratio', 'vs bare'],
  ['budget', 'Budget'],
];

/** Renders rows `{ area, case, result, p99?, cpu?, ratio?, budget? }` as one Markdown table. */
export function table(rows) {
  const cells = rows.map((row) => COLUMNS.map(([key]) => String(row[key] ?? '').replaceAll('|', '\\|')));
  const widths = COLUMNS.map(([, title], index) => Math.max(title.length, ...cells.map((line) => line[index].length)));
  const line = (values) => `| ${values.map((value, index) => value.padEnd(widths[index])).join(' | ')} |`;
  return [line(COLUMNS.map(([, title]) => title)), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
