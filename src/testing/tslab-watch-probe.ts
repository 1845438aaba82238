/**
 * Test helper: how often the file watcher of tslab's own TypeScript reports a change to a file.
 *
 * tslab 1.0.22 compiles with its bundled TypeScript (`@tslab/typescript-for-tslab`); the kit's watch
 * guard (`ignoreChangesOutside`, src/notebook/tslab-watch.ts) wraps that TypeScript's
 * `sys.watchFile`. The guard's tests and the cell runner's test ask the same question — does a
 * rewritten file still reach the compiler? — through this one probe.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The part of tslab's TypeScript the probe uses. */
interface WatchingTypeScript {
  sys: { watchFile(file: string, callback: (file: string, kind: number) => void, interval?: number): { close(): void } };
}

/** The TypeScript module tslab compiles with (the one whose `sys.watchFile` the guard wraps). */
export function tslabTypeScript(): WatchingTypeScript {
  const tslabDir = path.dirname(require.resolve('tslab/package.json'));
  return require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] })) as WatchingTypeScript;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watches `file` with tslab's TypeScript (polling every 50 ms), rewrites it twice with
 * `contents(round)` and returns how often the watcher's callback ran within `settleMs` after the
 * last write. 0 means the file no longer reaches the compiler.
 */
export async function changesSeen(
  file: string,
  contents: (round: number) => string = (round) => `export const answer = ${round};\n`,
  settleMs = 1500,
): Promise<number> {
  let calls = 0;
  const watcher = tslabTypeScript().sys.watchFile(file, () => { calls += 1; }, 50);
  try {
    for (let round = 0; round < 2; round++) {
      await sleep(300);
      fs.writeFileSync(file, contents(round));
    }
    await sleep(settleMs);
  } finally {
    watcher.close();
  }
  return calls;
}
