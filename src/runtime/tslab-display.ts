/**
 * The display half of the kit's adapter around tslab's internals (pinned: tslab 1.0.22): sending a
 * multi-mime display bundle to the notebook front-end.
 *
 * tslab's public API (`tslab.display`) sends one mime type per call. {@link writeDisplayData} sends
 * a whole bundle (e.g. plotly JSON + HTML) through `tslab/dist/jupyter`'s `lastWriteDisplayData`,
 * which tslab sets inside a Jupyter kernel and the headless cell runner (scripts/lib/cell-runner.ts)
 * sets while a cell runs. The kernel half — the watch guard — is `ignoreChangesOutside`
 * (src/notebook/tslab-watch.ts). A tslab upgrade touches these two files and the runner.
 *
 * @see notebooks/00-setup.ipynb
 */

/** A Jupyter mime bundle: mime type → string (or JSON object for `application/*+json`). */
export type MimeBundle = Record<string, unknown>;

/** The message `lastWriteDisplayData` takes (tslab 1.0.22's `display_data` content). */
interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** tslab's jupyter module: where the kernel (or the headless runner) puts its display writer. */
interface TslabJupyterModule {
  lastWriteDisplayData: ((message: DisplayMessage, update: boolean) => void) | null;
}

/** tslab's jupyter module, or null when tslab is not installed. */
function jupyterModule(): TslabJupyterModule | null {
  try {
    return require('tslab/dist/jupyter') as TslabJupyterModule;
  } catch {
    return null;
  }
}

/** The installed tslab version, or null when tslab is not installed. */
export function tslabVersion(): string | null {
  try {
    return (require('tslab/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * Whether display output can go to a notebook front-end right now: true inside a tslab kernel
 * (Jupyter) and inside the headless cell runner; false in plain Node (tests, scripts, CI logs).
 */
export function canDisplay(): boolean {
  return typeof jupyterModule()?.lastWriteDisplayData === 'function';
}

/**
 * Sends a display bundle to the notebook front-end.
 *
 * @param bundle mime type → content; several mime types in one message let each front-end pick
 *   the richest one it renders.
 * @param options.displayId an id to update the same output later (progress lines).
 * @param options.update true to replace the output with `displayId` instead of adding one.
 * @returns false when there is no front-end (plain Node); the caller then logs instead.
 */
export function writeDisplayData(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): boolean {
  const write = jupyterModule()?.lastWriteDisplayData;
  if (typeof write !== 'function') return false;
  const transient = options.displayId ? { display_id: options.displayId } : {};
  write({ data: bundle, metadata: options.metadata ?? {}, transient }, options.update === true);
  return true;
}
