/**
 * Test helper: finds a repository file from a test, compiled (`src/dist/...`) or not (`src/...`).
 * tsc copies no data files next to the compiled tests, so tests find their data and the sources
 * by walking up from their own folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The first `<ancestor>/<relative>` that exists, walking up from `start` (at most 8 folders).
 *
 * @param relative a path relative to the repository root, e.g. `src/losses/__fixtures__/losses.json`.
 * @param start where to start (default this module's folder).
 * @returns the absolute path, or `null` when no ancestor holds it.
 */
export function findAbove(relative: string, start: string = __dirname): string | null {
  let dir = start;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
