/**
 * `npm install` (its `prepare` step) runs this: in a git work tree it configures the git clean
 * filter that .gitattributes applies to notebooks/*.ipynb (scripts/nb-filter.ts), so saving a
 * notebook with its outputs in Jupyter never puts outputs into git and never breaks `npm test`.
 * Outside git (a downloaded archive) it says so and does nothing. It never fails the install.
 */
import { spawnSync } from 'child_process';
import { REPO_ROOT } from './lib/repo';

/** The filter's name, as .gitattributes names it. */
export const FILTER_NAME = 'contrastive-kit-notebook';
/** The command git runs (in the work tree's top folder) to clean a notebook. */
export const FILTER_COMMAND = 'node -r ts-node/register/transpile-only scripts/nb-filter.ts';

function git(repo: string, args: string[]): { ok: boolean; out: string } {
  const result = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/**
 * Configures the notebook clean filter in `repo`'s git config (`filter.<name>.clean`, `smudge`
 * (`cat`), `required`).
 *
 * @param repo the repository folder.
 * @param command the clean command (default {@link FILTER_COMMAND}, relative to the work tree).
 * @returns whether it was configured, and a sentence for the user.
 */
export function configureNotebookFilter(repo: string, command = FILTER_COMMAND): { configured: boolean; message: string } {
  const inside = git(repo, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok || inside.out !== 'true') {
    return { configured: false, message: `setup-git: ${repo} is not a git work tree (${inside.out.split('\n')[0] || 'no git'}); notebooks are not filtered, so keep them clean with npm run nb:clean before committing` };
  }
  // `required` makes git stop rather than store a notebook unfiltered; git then also needs a smudge
  // command (checkout, pull), which changes nothing.
  for (const [key, value] of [[`filter.${FILTER_NAME}.clean`, command], [`filter.${FILTER_NAME}.smudge`, 'cat'], [`filter.${FILTER_NAME}.required`, 'true']]) {
    const set = git(repo, ['config', key, value]);
    if (!set.ok) return { configured: false, message: `setup-git: could not set ${key} (${set.out.split('\n')[0]}); notebooks are not filtered` };
  }
  return { configured: true, message: `setup-git: git stores notebooks/*.ipynb without outputs (clean filter '${FILTER_NAME}'); your working copies keep theirs` };
}

/** Whether git in `repo` cleans `file` (a path relative to `repo`) with the kit's filter. */
export function notebookFilterActive(repo: string, file = 'notebooks/00-setup.ipynb'): boolean {
  const command = git(repo, ['config', '--get', `filter.${FILTER_NAME}.clean`]);
  if (!command.ok || command.out === '') return false;
  const attribute = git(repo, ['check-attr', 'filter', '--', file]);
  return attribute.ok && attribute.out.endsWith(`: filter: ${FILTER_NAME}`);
}

if (require.main === module) {
  console.log(configureNotebookFilter(REPO_ROOT).message);
}
