/**
 * Compiles src/ with tslab's own TypeScript (the fork @tslab/typescript-for-tslab 5.0.4) under
 * the settings tslab gives notebooks: lib es2022, node10 resolution, not strict. A feature that
 * compiles under the repo's TypeScript but not there would break notebooks, so `npm run typecheck`
 * runs this.
 */
import * as path from 'path';
import { REPO_ROOT } from './lib/repo';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');

const srcDir = path.join(REPO_ROOT, 'src');
const files = ts.sys
  .readDirectory(srcDir, ['.ts'], ['dist', 'node_modules'], ['**/*'])
  .filter((f) => !f.endsWith('.d.ts') && !f.includes(`${path.sep}dist${path.sep}`));
const options: import('typescript').CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
};
const program = ts.createProgram(files, options);
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length) {
  console.error(
    ts.formatDiagnosticsWithColorAndContext(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => REPO_ROOT,
      getNewLine: () => '\n',
    }),
  );
  console.error(`check-tslab-compat: src/ does not compile under tslab's TypeScript ${ts.version} (${diagnostics.length} errors)`);
  process.exit(1);
}
console.log(`check-tslab-compat: src/ (${files.length} files) compiles under tslab's TypeScript ${ts.version}, lib es2022, node10`);
