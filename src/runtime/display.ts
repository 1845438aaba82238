/**
 * The display layer every notebook uses (through the prelude): rich output under Jupyter and the
 * headless walkthrough runner, plain log lines everywhere else (tests, scripts, CI logs). This is
 * the one place to change if tslab's display API changes; it talks to tslab only through
 * {@link writeDisplayData}.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'fs';
import { envFlag } from '../checks';
import { tableBundle, type TableOptions } from './table';
import { canDisplay, MimeBundle, writeDisplayData } from './tslab-display';

let displayCounter = 0;

function newDisplayId(): string {
  displayCounter += 1;
  return `ck-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
}

function stripTags(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|h\d|li)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s+/g, '\n')
    .trim();
}

/**
 * Shows a mime bundle. Under a notebook front-end the whole bundle is sent; in plain Node its
 * `text/plain` entry (or a text rendering of `text/markdown`/`text/html`) is logged.
 *
 * @param bundle mime type → content, e.g. `{'text/html': '<b>hi</b>', 'text/plain': 'hi'}`.
 */
export function showBundle(bundle: MimeBundle): void {
  if (writeDisplayData(bundle)) return;
  console.log(plainTextOf(bundle));
}

/** The text a log gets for `bundle`. */
export function plainTextOf(bundle: MimeBundle): string {
  if (typeof bundle['text/plain'] === 'string') return bundle['text/plain'] as string;
  if (typeof bundle['text/markdown'] === 'string') return bundle['text/markdown'] as string;
  if (typeof bundle['text/html'] === 'string') return stripTags(bundle['text/html'] as string);
  return `[display: ${Object.keys(bundle).join(', ')}]`;
}

/** Shows HTML (logged as text outside a notebook). */
export function showHtml(html: string, plainText?: string): void {
  showBundle({ 'text/html': html, 'text/plain': plainText ?? stripTags(html) });
}

/** Shows Markdown (logged as-is outside a notebook). */
export function showMarkdown(markdown: string): void {
  showBundle({ 'text/markdown': markdown, 'text/plain': markdown });
}

/**
 * Shows a table of rows (objects with the same keys) as HTML in a notebook — sortable by clicking
 * a column header with `sortable: true` — and as aligned text in logs.
 *
 * @param rows the table rows; keys of the first row are the columns.
 * @param options.digits decimals for numbers (default 4); `timeDigits` for time columns such as
 *   'seconds' or 'ms / step' (default 1); `caption`; `sortable` (default false).
 */
export function showTable(rows: ReadonlyArray<Record<string, unknown>>, options: TableOptions = {}): void {
  showBundle(tableBundle(rows, options));
}

/** A line that updates in place in a notebook and prints sparsely elsewhere. */
export interface LiveLine {
  /** Replaces the line's text. Outside a notebook, prints only when `force` or every `logEverySeconds`. */
  update(text: string, force?: boolean): void;
  /** Prints the final text (always). */
  done(text: string): void;
}

/**
 * Where the headless runner's progress goes: straight to file descriptor 2, past the cell
 * runner's capture of `process.stderr`, so it reaches the walkthrough's log but not the executed
 * notebook. Replaceable for tests.
 */
export const progressLog = {
  write(text: string): void {
    fs.writeSync(2, `${text}\n`);
  },
};

/**
 * Creates a {@link LiveLine} for progress: one output updated in place wherever there is a
 * notebook front-end — Jupyter (tslab `update_display_data`) and the headless runner, whose
 * executed copies therefore show the final line only, as a live notebook does — plus, in the
 * headless runner, sparse lines in its log ({@link progressLog}); sparse console lines in plain
 * Node and CI.
 *
 * @param options.logEverySeconds how often to print in logs (default 10 s).
 */
export function liveLine(options: { logEverySeconds?: number } = {}): LiveLine {
  const every = (options.logEverySeconds ?? 10) * 1000;
  const id = newDisplayId();
  const headless = envFlag('CONTRASTIVE_KIT_HEADLESS') === true;
  let started = false;
  let lastLog = 0;
  const send = (text: string) => {
    const sent = writeDisplayData({ 'text/plain': text }, { displayId: id, update: started });
    if (sent) started = true;
    return sent;
  };
  const logSparsely = (text: string, force: boolean, write: (line: string) => void) => {
    const now = Date.now();
    if (force || now - lastLog >= every) {
      lastLog = now;
      write(text);
    }
  };
  return {
    update(text, force = false) {
      if (canDisplay() && send(text)) {
        if (headless) logSparsely(text, force, (line) => progressLog.write(line));
        return;
      }
      logSparsely(text, force, (line) => console.log(line));
    },
    done(text) {
      if (canDisplay() && send(text)) {
        if (headless) progressLog.write(text);
      } else {
        console.log(text);
      }
    },
  };
}
