/**
 * The walkthrough's results summary: every notebook's headline numbers (build/results/*.json,
 * written by the notebooks with `writeResults`) collected into build/results/summary.json and a
 * markdown table build/results/summary.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';
import { readResults, ResultRow } from 'contrastive-kit';

/** The summary written next to the results files. */
export interface ResultsSummary {
  /** When the summary was made (ISO time). */
  createdAt: string;
  /** The command that produced the results. */
  command: string;
  /** The machine: CPU model, cores, memory, OS, node. */
  machine: string;
  /** Every row of every results file, in notebook order. */
  rows: ResultRow[];
  /**
   * Results files in the folder that this command did not produce (notebooks it did not run),
   * with the time each file was written: their rows come from earlier runs.
   */
  earlier?: Array<{ notebook: string; writtenAt: string }>;
}

/** A one-line description of this machine. */
export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`;
}

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;

/** Where a row's encoder was trained: `this run`, or `checkpoint, <date time> UTC` when loaded. */
export function trainedCell(row: ResultRow): string {
  return row.checkpointTrainedAt === undefined ? 'this run' : `checkpoint, ${row.checkpointTrainedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The columns of a results table (markdown summary and the report's index page). */
export const RESULT_COLUMNS = ['notebook', 'method', 'mode', 'data', 'backend', 'train', 'test', 'epochs', 'seconds', 'trained', 'kNN top-1', '1-NN top-1', 'raw-pixel 1-NN'] as const;

/** A row's cells, in the order of {@link RESULT_COLUMNS} (plain text, not escaped). */
export function resultCells(r: ResultRow): string[] {
  return [
    r.notebook, r.method, r.mode, r.data ?? 'full', r.backend, String(r.train), String(r.test), String(Number(r.epochs.toFixed(2))), r.seconds.toFixed(0),
    trainedCell(r), percent(r.knnTop1), percent(r.oneNNTop1), percent(r.rawPixelOneNNTop1),
  ];
}

/** The markdown table of a summary. */
export function summaryMarkdown(summary: ResultsSummary): string {
  const header = `| ${RESULT_COLUMNS.join(' | ')} |`;
  const rule = '|---|---|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|';
  const lines = summary.rows.map((r) => `| ${resultCells(r).join(' | ')} |`);
  const earlier = summary.earlier ?? [];
  return [
    `Produced by \`${summary.command}\` on ${summary.createdAt.slice(0, 10)} (${summary.machine}).`,
    ...(earlier.length
      ? ['', `Rows from earlier runs (not run by this command): ${earlier.map((e) => `${e.notebook} (written ${e.writtenAt.slice(0, 16).replace('T', ' ')} UTC)`).join(', ')}.`]
      : []),
    '',
    header,
    rule,
    ...lines,
    '',
  ].join('\n');
}

/**
 * Reads every `NN-name.json` in `resultsDir` and writes summary.json and summary.md there.
 * Returns null when there are no results files.
 *
 * @param ran the notebooks `command` ran; results files of other notebooks are listed as earlier.
 */
export function writeResultsSummary(resultsDir: string, command: string, ran?: readonly string[]): ResultsSummary | null {
  if (!fs.existsSync(resultsDir)) return null;
  const files = fs.readdirSync(resultsDir).filter((f) => /^\d\d-[\w-]+\.json$/.test(f)).sort();
  if (files.length === 0) return null;
  const rows = files.flatMap((f) => readResults(path.join(resultsDir, f)));
  const earlier = ran
    ? files
        .map((f) => ({ notebook: f.replace(/\.json$/, ''), writtenAt: fs.statSync(path.join(resultsDir, f)).mtime.toISOString() }))
        .filter((e) => !ran.includes(e.notebook))
    : [];
  const summary: ResultsSummary = { createdAt: new Date().toISOString(), command, machine: describeMachine(), rows, ...(earlier.length ? { earlier } : {}) };
  writeFileAtomic.sync(path.join(resultsDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic.sync(path.join(resultsDir, 'summary.md'), summaryMarkdown(summary));
  return summary;
}
