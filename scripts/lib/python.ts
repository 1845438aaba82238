/**
 * Finding a Python that has Jupyter. The first `python3` on PATH may be one without it (e.g. a
 * pyenv Python); Debian's `/usr/bin/python3` has it once `jupyter-notebook` is installed.
 * `CONTRASTIVE_KIT_PYTHON` names one explicitly: if it has no Jupyter, that is an error (it is
 * never skipped in favour of another Python).
 */
import { spawnSync } from 'child_process';

/** The Jupyter modules the kit uses. */
export const JUPYTER_MODULES = ['jupyter_client', 'nbformat', 'nbconvert'];

/** What to tell a user who has no Jupyter. */
export const INSTALL_JUPYTER_HINT = [
  'No Python with Jupyter was found. Install it, then run this again:',
  '  Debian/Ubuntu: sudo apt-get install jupyter-notebook jupyter-nbconvert jupyter-nbformat python3-nbclient',
  '  any OS (pip):  python3 -m pip install notebook nbconvert nbclient',
  'Or point CONTRASTIVE_KIT_PYTHON at a Python that has Jupyter.',
].join('\n');

const PROBE = `
import importlib, sys
missing = []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        missing.append(name)
print(" ".join(missing))
`;

/**
 * The Jupyter modules `python` cannot import (empty when it has them all), or null when `python`
 * does not run at all.
 */
export function missingJupyterModules(python: string): string[] | null {
  const result = spawnSync(python, ['-c', PROBE, ...JUPYTER_MODULES], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim().split(/\s+/).filter(Boolean);
}

/** Whether `python` can import the Jupyter pieces the kit uses. */
export function hasJupyter(python: string): boolean {
  return missingJupyterModules(python)?.length === 0;
}

/** Thrown when `CONTRASTIVE_KIT_PYTHON` names a Python that cannot serve as the kit's Jupyter. */
export class JupyterPythonError extends Error {}

/**
 * The first Python with Jupyter among `CONTRASTIVE_KIT_PYTHON`, `python3` on PATH,
 * `/usr/bin/python3` and `python`; null when none has it.
 *
 * @param env the environment to read `CONTRASTIVE_KIT_PYTHON` from (default `process.env`).
 * @throws JupyterPythonError when `CONTRASTIVE_KIT_PYTHON` is set but does not run or lacks
 *   Jupyter modules (naming them): a Python you chose is not silently replaced by another.
 */
export function findJupyterPython(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.CONTRASTIVE_KIT_PYTHON;
  if (chosen) {
    const missing = missingJupyterModules(chosen);
    if (missing === null) {
      throw new JupyterPythonError(`CONTRASTIVE_KIT_PYTHON=${chosen} does not run (is it the path of a Python executable?). Fix it, or unset it to let the kit search python3, /usr/bin/python3 and python.`);
    }
    if (missing.length > 0) {
      throw new JupyterPythonError(
        `CONTRASTIVE_KIT_PYTHON=${chosen} has no Jupyter: it cannot import ${missing.join(', ')}. ` +
          `Install them for that Python (${chosen} -m pip install notebook nbconvert nbclient), or unset CONTRASTIVE_KIT_PYTHON to let the kit search python3, /usr/bin/python3 and python.`,
      );
    }
    return chosen;
  }
  for (const candidate of ['python3', '/usr/bin/python3', 'python']) {
    if (hasJupyter(candidate)) return candidate;
  }
  return null;
}

/** Like {@link findJupyterPython} but exits with what to do when there is none (or the chosen one lacks Jupyter). */
export function requireJupyterPython(): string {
  let python: string | null;
  try {
    python = findJupyterPython();
  } catch (error) {
    if (!(error instanceof JupyterPythonError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  if (!python) {
    console.error(INSTALL_JUPYTER_HINT);
    process.exit(2);
  }
  return python;
}
