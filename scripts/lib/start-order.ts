/**
 * In which order the walkthrough starts notebooks when it runs several at a time (`--jobs N`):
 * longest first, so that no long notebook starts last while the other job sits idle (the
 * longest-processing-time rule). Each notebook's last time in this mode is kept in
 * `build/results/walkthrough-times.json`; a notebook never timed counts as longer than any timed
 * one, and among those the later notebooks of the course (more training) start first.
 */
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';

/** The file, under the results folder, that keeps the last walkthrough seconds per mode and notebook. */
export const TIMES_FILE = 'walkthrough-times.json';

/** Last recorded seconds: mode ('fast' | 'full' | 'mini') → notebook → seconds. */
export type RecordedTimes = Record<string, Record<string, number>>;

/** Reads the recorded times in `resultsDir`; an absent or unreadable file gives none (it only orders runs). */
export function readRecordedTimes(resultsDir: string): RecordedTimes {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(resultsDir, TIMES_FILE), 'utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return parsed as RecordedTimes;
  } catch {
    return {};
  }
}

/** Records `seconds` of the notebooks that finished in `mode`, keeping the others' (atomic write). */
export function recordTimes(resultsDir: string, mode: string, seconds: Record<string, number>): void {
  const times = readRecordedTimes(resultsDir);
  times[mode] = { ...(times[mode] ?? {}), ...seconds };
  fs.mkdirSync(resultsDir, { recursive: true });
  writeFileAtomic.sync(path.join(resultsDir, TIMES_FILE), JSON.stringify(times, null, 1) + '\n');
}

/**
 * The indices of `notebooks` (in course order) in the order to start them: untimed ones first,
 * later notebooks before earlier ones; then timed ones, longest first.
 *
 * @param notebooks the notebook names, in course order.
 * @param seconds their last recorded seconds in this mode (missing: never timed).
 */
export function startOrder(notebooks: readonly string[], seconds: Readonly<Record<string, number>>): number[] {
  const known = (name: string) => Number.isFinite(seconds[name]);
  return notebooks
    .map((name, index) => index)
    .sort((a, b) => {
      const [nameA, nameB] = [notebooks[a], notebooks[b]];
      if (known(nameA) !== known(nameB)) return known(nameA) ? 1 : -1;
      if (known(nameA) && seconds[nameA] !== seconds[nameB]) return seconds[nameB] - seconds[nameA];
      return b - a;
    });
}
