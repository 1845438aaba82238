/**
 * The kit's root folder: where `datasets/`, `checkpoints/` and `build/` are. Data loading,
 * shipped checkpoints and the checkpoint cache all start from it.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The kit's root folder: the nearest folder above this module (or else above the working
 * directory) that holds `datasets/README.md`. Null when neither has one (e.g. an npm install
 * without the repository).
 *
 * @param startDirs the folders to search upwards from, in order (default: this module's folder,
 *   then the working directory).
 */
export function findKitRoot(startDirs: readonly string[] = [__dirname, process.cwd()]): string | null {
  for (const start of startDirs) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'datasets', 'README.md'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return null;
}
