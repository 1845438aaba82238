/**
 * Signing executed notebooks so Jupyter trusts them. A notebook executed outside the Jupyter UI
 * (our headless runner, or nbconvert) is not signed, and Jupyter does not run the scripts in the
 * outputs of an untrusted notebook when it is opened — the interactive figures would stay blank.
 * Signing uses nbformat's notary with the current user's Jupyter secret, as `jupyter trust` does.
 */
import { spawnSync } from 'child_process';

const SIGN_AND_CHECK = `
import sys, nbformat
from nbformat.sign import NotebookNotary
notary = NotebookNotary()
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    notary.sign(nb)
    if not notary.check_signature(nb):
        sys.exit("not trusted after signing: " + path)
    print("signed", path)
`;

/**
 * Signs `files` with `python`'s Jupyter (nbformat) and checks each signature; throws, naming the
 * file, if one is not trusted afterwards.
 */
export function signNotebooks(python: string, files: string[]): void {
  if (files.length === 0) return;
  const result = spawnSync(python, ['-c', SIGN_AND_CHECK, ...files], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`signNotebooks: signing failed (exit ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
}
