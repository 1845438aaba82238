/**
 * Where the notebooks' checkpoints live — the checkpoint folder policy of {@link loadOrTrain}:
 * `build/checkpoints/<name>` in the kit (or under `$CONTRASTIVE_KIT_CHECKPOINTS`), with fast-mode
 * runs in `<name>-fast`, so a fast run never replaces a full run's checkpoint. The shipped
 * checkpoints are `checkpoints/<name>` (src/train/shipped-checkpoints.ts).
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as path from 'path';
import { findKitRoot } from '../runtime/kit-root';
import { isFastMode } from './fast-mode';

/** Environment variable that moves the checkpoint folder (default `<kit>/build/checkpoints`). */
export const CHECKPOINT_DIR_VARIABLE = 'CONTRASTIVE_KIT_CHECKPOINTS';

/**
 * The folder for a named checkpoint: `$CONTRASTIVE_KIT_CHECKPOINTS/<name>`, else
 * `<kit root>/build/checkpoints/<name>` (else under the working directory). In fast mode the
 * folder is `<name>-fast`, so a fast run never replaces a full run's checkpoint.
 *
 * @param name letters, digits, `.`, `_`, `-` (e.g. '05-moco-v1').
 */
export function checkpointDir(name: string): string {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || name.startsWith('.')) {
    throw new Error(`checkpointDir: 'name' must use letters, digits, '.', '_' or '-' (no leading '.'), got ${JSON.stringify(name)}`);
  }
  const root = process.env[CHECKPOINT_DIR_VARIABLE] || path.join(findKitRoot() ?? process.cwd(), 'build', 'checkpoints');
  return path.join(root, isFastMode() ? `${name}-fast` : name);
}
