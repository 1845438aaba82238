/**
 * Tables for notebooks: an HTML table (optionally sortable by clicking a column header) plus an
 * aligned text rendering for logs. Sorting uses the maintained `tablesort` package, inlined into
 * the output once per table so it works offline, in Jupyter (trusted notebooks run output
 * scripts; the walkthrough signs its executed copies) and in the nbconvert HTML report. Without
 * JavaScript the table is still a plain, readable table.
 *
 * @see notebooks/06-design-your-own-loss.ipynb (the leaderboard)
 */
import * as fs from 'fs';
import { requireInteger } from '../checks';
import type { MimeBundle } from './tslab-display';

/** Options of {@link tableBundle} and `showTable`. */
export interface TableOptions {
  /** Decimals for non-integer numbers (default 4); time columns use `timeDigits`. */
  digits?: number;
  /**
   * Decimals for non-integer numbers in time columns (default 1): columns whose header names a
   * time unit as a word — `seconds`, `s`, `sec`, `ms`, e.g. 'train seconds', 'ms / step' (see
   * {@link isTimeColumn}).
   */
  timeDigits?: number;
  /** A caption above the table. */
  caption?: string;
  /** Click a column header to sort by it (numbers numerically, text alphabetically). Default false. */
  sortable?: boolean;
}

let tableCounter = 0;
let sorterSource: string | undefined;

/** tablesort and its number plugin, read once from the installed package. */
function tablesortSource(): string {
  if (sorterSource === undefined) {
    const core = fs.readFileSync(require.resolve('tablesort/dist/tablesort.min.js'), 'utf8');
    const numbers = fs.readFileSync(require.resolve('tablesort/dist/sorts/tablesort.number.min.js'), 'utf8');
    // Loaded once per page; the number plugin registers once.
    sorterSource =
      `if (!window.Tablesort) {\n${core}\n}\n` +
      `if (!window.__ckTablesortNumbers) { window.__ckTablesortNumbers = true;\n${numbers}\n}\n`;
  }
  return sorterSource;
}

const SORTABLE_STYLE =
  '<style>table.ck-sortable th[role=columnheader]{cursor:pointer;white-space:nowrap}' +
  "table.ck-sortable th[role=columnheader]:not([aria-sort])::after{content:' \\21C5';opacity:.35}" +
  "table.ck-sortable th[aria-sort=ascending]::after{content:' \\25B2'}" +
  "table.ck-sortable th[aria-sort=descending]::after{content:' \\25BC'}</style>";

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Whether a column holds times, by its header: a word `s`, `sec`, `secs`, `second(s)`, `ms`,
 * `millisecond(s)`, `minutes` or `min` ('seconds', 'train s', 'ms / step', 'time (s)'; not 'steps').
 *
 * @param header the column header.
 */
export function isTimeColumn(header: string): boolean {
  return /(?:^|[^\p{L}\d])(?:s|secs?|seconds?|ms|milliseconds?|min|minutes?)(?:$|[^\p{L}\d])/iu.test(header);
}

/** The number a cell sorts by: numbers as they are, text such as "85.81 %" or "-0.3" by its value. */
function sortKey(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') {
    const match = /^\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*%?\s*$/.exec(value);
    if (match) return String(Number(match[1]));
  }
  return undefined;
}

/**
 * The display bundle of a table: `text/html` (sortable when asked) and `text/plain` (aligned
 * columns).
 *
 * @param rows the table rows; the keys of the first row are the columns.
 * @param options digits (time columns: timeDigits), caption, sortable.
 */
export function tableBundle(rows: ReadonlyArray<Record<string, unknown>>, options: TableOptions = {}): MimeBundle {
  if (!Array.isArray(rows)) throw new Error(`showTable: 'rows' must be an array of objects, got ${typeof rows}`);
  const digits = options.digits ?? 4;
  requireInteger('showTable', 'digits', digits, 0, 20);
  const timeDigits = options.timeDigits ?? 1;
  requireInteger('showTable', 'timeDigits', timeDigits, 0, 20);
  rows.forEach((row, index) => {
    if (row === null || typeof row !== 'object') throw new Error(`showTable: 'rows[${index}]' must be an object, got ${row === null ? 'null' : typeof row}`);
  });
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  const decimals = new Map(columns.map((c) => [c, isTimeColumn(c) ? timeDigits : digits]));
  const cell = (value: unknown, column: string) =>
    typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(decimals.get(column)) : String(value ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c], c).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const text = [
    ...(options.caption ? [options.caption] : []),
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c], c)))),
  ].join('\n');

  const sortable = options.sortable === true && rows.length > 1;
  tableCounter += 1;
  const id = `ck-table-${process.pid}-${Date.now().toString(36)}-${tableCounter}`;
  const td = (value: unknown, column: string) => {
    const key = sortable ? sortKey(value) : undefined;
    return `<td${key === undefined ? '' : ` data-sort="${key}"`}>${escapeHtml(cell(value, column))}</td>`;
  };
  const table =
    `<table${sortable ? ` id="${id}" class="ck-sortable"` : ''}>` +
    (options.caption ? `<caption>${escapeHtml(options.caption)}${sortable ? ' <small>(click a column header to sort)</small>' : ''}</caption>` : '') +
    `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${columns.map((c) => td(r[c], c)).join('')}</tr>`).join('') +
    '</tbody></table>';
  const html = sortable
    ? `${SORTABLE_STYLE}${table}<script>(function () {\n${tablesortSource()}` +
      `var table = document.getElementById(${JSON.stringify(id)});\n` +
      `if (table && window.Tablesort && !table.getAttribute('data-ck-sortable')) { new window.Tablesort(table); table.setAttribute('data-ck-sortable', '1'); }\n` +
      '})();</script>'
    : table;
  return { 'text/html': html, 'text/plain': text };
}
