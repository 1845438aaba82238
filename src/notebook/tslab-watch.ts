/**
 * The kernel half of the kit's adapter around tslab's internals (pinned: tslab 1.0.22): the watch
 * guard that keeps a rebuild of the library from crashing a running kernel. The prelude applies it
 * in a Jupyter kernel; the headless cell runner (scripts/lib/cell-runner.ts) before it compiles a
 * cell. The display half is src/runtime/tslab-display.ts.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as path from 'path';

/** The part of TypeScript's `sys` that tslab's compiler watches files through. */
interface WatchableSystem {
  watchFile?: (file: string, callback: (...args: unknown[]) => void, interval?: number, options?: unknown) => { close(): void };
}

let watchGuardRoot: string | null = null;

/**
 * Stops tslab's compiler from watching files outside `rootDir` (the installed library's `.d.ts`
 * files, node_modules). tslab 1.0.22 recompiles when a watched file changes, and two changes in
 * quick succession (e.g. `npm run build` rewriting src/dist while a notebook runs) throw
 * "Unexpected pending rebuildTimer" from a file-watcher callback, which kills the process. Files
 * under `rootDir` (relative `.ts` imports of a notebook) are still watched. Applies to watchers
 * created after the call (the headless runner calls it before compiling anything; the
 * prelude calls it in a Jupyter kernel, which covers files first seen after the first cell);
 * idempotent, the last `rootDir` wins.
 *
 * @param rootDir the notebook folder whose files may still be watched.
 * @returns false when tslab is not installed (nothing to guard).
 */
export function ignoreChangesOutside(rootDir: string): boolean {
  let typescript: { sys: WatchableSystem };
  try {
    const tslabDir = path.dirname(require.resolve('tslab/package.json'));
    typescript = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] })) as { sys: WatchableSystem };
  } catch {
    return false;
  }
  const root = path.resolve(rootDir) + path.sep;
  if (watchGuardRoot !== null) {
    watchGuardRoot = root;
    return true;
  }
  watchGuardRoot = root;
  const original = typescript.sys.watchFile;
  if (typeof original !== 'function') return false;
  typescript.sys.watchFile = (file, callback, interval, options) => {
    const inside = path.resolve(file).startsWith(watchGuardRoot!) && !file.includes(`${path.sep}node_modules${path.sep}`);
    return inside ? original.call(typescript.sys, file, callback, interval, options) : { close: () => undefined };
  };
  return true;
}

