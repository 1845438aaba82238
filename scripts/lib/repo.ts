/** Paths of the repository, for the scripts. */
import * as path from 'path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Source notebooks (committed without outputs). */
export const NOTEBOOKS_DIR = path.join(REPO_ROOT, 'notebooks');
/** Build outputs (git-ignored). */
export const BUILD_DIR = path.join(REPO_ROOT, 'build');
/** The local tslab binary the kernelspec points at. */
export const TSLAB_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'tslab');
