/**
 * `npm run results:readme`: copies the latest walkthrough results table (build/results/summary.md,
 * which names the command, machine and backend) into README.md between the markers
 * `<!-- results:start -->` and `<!-- results:end -->`. Refuses fast-mode results unless
 * `--allow-fast` is given, so the README's table is the full course's.
 */
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';
import { BUILD_DIR, REPO_ROOT } from './lib/repo';
import type { ResultsSummary } from './lib/results-summary';
import { summaryMarkdown } from './lib/results-summary';

export const START_MARKER = '<!-- results:start -->';
export const END_MARKER = '<!-- results:end -->';

/** `readme` with the text between the markers replaced by `table`. */
export function replaceResults(readme: string, table: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`update-readme-results: README.md needs the markers ${START_MARKER} … ${END_MARKER} in that order`);
  }
  return readme.slice(0, start + START_MARKER.length) + '\n' + table.trim() + '\n' + readme.slice(end);
}

if (require.main === module) {
  const summaryFile = path.join(BUILD_DIR, 'results', 'summary.json');
  if (!fs.existsSync(summaryFile)) {
    console.error(`update-readme-results: ${summaryFile} does not exist: run 'npm run walkthrough' first`);
    process.exit(1);
  }
  const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as ResultsSummary;
  const fast = summary.rows.filter((r) => r.mode === 'fast').map((r) => r.notebook);
  if (fast.length && !process.argv.includes('--allow-fast')) {
    console.error(`update-readme-results: these results are from fast mode (${[...new Set(fast)].join(', ')}); run the full walkthrough or pass --allow-fast`);
    process.exit(1);
  }
  const readmePath = path.join(REPO_ROOT, 'README.md');
  writeFileAtomic.sync(readmePath, replaceResults(fs.readFileSync(readmePath, 'utf8'), summaryMarkdown(summary)));
  console.log(`README.md: results table updated (${summary.rows.length} rows from ${summary.command})`);
}
