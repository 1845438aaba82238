/**
 * Finding a Python that has Jupyter. The first `python3` on PATH may be one without it (e.g. a
 * pyenv Python); Debian's `/usr/bin/python3` has it once `jupyter-notebook` is installed.
 */
import { spawnSync } from 'child_process';

/** What to tell a user who has no Jupyter. */
export const INSTALL_JUPYTER_HINT = [
  'No Python with Jupyter was found. Install it, then run this again:',
  '  Debian/Ubuntu: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient',
  '  any OS (pip):  python3 -m pip install notebook nbconvert nbclient',
  'Or point CONTRASTIVE_KIT_PYTHON at a Python that has Jupyter.',
].join('\n');

/** Whether `python` can import the Jupyter pieces the kit uses. */
export function hasJupyter(python: string): boolean {
  const result = spawnSync(python, ['-c', 'import jupyter_client, nbformat, nbconvert'], { stdio: 'ignore' });
  return result.status === 0;
}

/**
 * The first Python with Jupyter among `CONTRASTIVE_KIT_PYTHON`, `python3` on PATH,
 * `/usr/bin/python3` and `python`; null when none has it.
 */
export function findJupyterPython(): string | null {
  const candidates = [process.env.CONTRASTIVE_KIT_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(
    (c): c is string => typeof c === 'string' && c.length > 0,
  );
  for (const candidate of candidates) {
    if (hasJupyter(candidate)) return candidate;
  }
  return null;
}

/** Like {@link findJupyterPython} but exits with install instructions when there is none. */
export function requireJupyterPython(): string {
  const python = findJupyterPython();
  if (!python) {
    console.error(INSTALL_JUPYTER_HINT);
    process.exit(2);
  }
  return python;
}
