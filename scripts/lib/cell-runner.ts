/**
 * The headless notebook cell runner: runs notebook cells with tslab's own converter and executor
 * (`tslab/dist/converter`, `tslab/dist/executor`, pinned: tslab 1.0.22), capturing stdout, stderr,
 * display data and errors as nbformat outputs. The walkthrough (scripts/execute-notebook.ts) and
 * the browser check use it; notebooks never do, so it is not part of the library.
 *
 * While a cell runs it sets `tslab/dist/jupyter`'s `lastWriteDisplayData`, the hook through which
 * the library's `writeDisplayData` (src/runtime/tslab-display.ts) sends multi-mime bundles, and it
 * applies the library's watch guard (`ignoreChangesOutside`, src/notebook/tslab-watch.ts) before
 * compiling anything. A tslab upgrade touches these three files.
 */
import * as util from 'util';
import { ignoreChangesOutside, tslabVersion, type MimeBundle } from 'contrastive-kit';

/** One nbformat v4 output. */
export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (message: DisplayMessage, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

const TSLAB_VERSION = '1.0.22';

function loadTslabModule<T>(subpath: string): T | null {
  try {
    return require(`tslab/dist/${subpath}`) as T;
  } catch {
    return null;
  }
}

/** tslab's jupyter module, or null when tslab is not installed. */
function jupyterModule(): TslabJupyterModule | null {
  return loadTslabModule<TslabJupyterModule>('jupyter');
}

/** The result of running one cell with {@link CellRunner.run}. */
export interface CellResult {
  /** false when the cell did not compile or threw. */
  ok: boolean;
  /** Outputs in nbformat v4 form, streams merged, display updates applied. */
  outputs: NotebookOutput[];
  /** Wall time of the cell in seconds. */
  seconds: number;
  /** The error text when `ok` is false. */
  error?: string;
}

/** Runs notebook cells one after another in one tslab executor (shared variables). */
export interface CellRunner {
  /** Runs one code cell. Never throws for errors inside the cell: see {@link CellResult.ok}. */
  run(code: string): Promise<CellResult>;
  /** Releases tslab's compiler resources. */
  close(): void;
}

/** Options of {@link createCellRunner}. */
export interface CellRunnerOptions {
  /** Also write cell stdout/stderr to this process' streams as it happens (live logs). */
  echo?: boolean;
}

/**
 * Creates a headless tslab cell runner rooted at `rootDir` (the notebook's folder: tslab compiles
 * and resolves imports relative to the working directory, so this changes `process.cwd()`).
 *
 * @param rootDir the folder of the notebook whose cells will run.
 */
export function createCellRunner(rootDir: string, options: CellRunnerOptions = {}): CellRunner {
  const converterModule = loadTslabModule<{ createConverter(o?: { isJS?: boolean; isBrowser?: boolean }): { close(): void } }>('converter');
  const executorModule = loadTslabModule<{
    createExecutor(
      rootDir: string,
      convs: { node: unknown; browser: unknown; close(): void },
      console: { log(...a: unknown[]): void; error(...a: unknown[]): void },
    ): { execute(src: string): Promise<boolean>; close(): void };
  }>('executor');
  const jupyter = jupyterModule();
  if (!converterModule || !executorModule || !jupyter) {
    throw new Error(
      `createCellRunner: tslab ${TSLAB_VERSION} is not installed (npm install in the repo root installs it)`,
    );
  }
  const installed = tslabVersion();
  if (installed !== TSLAB_VERSION) {
    throw new Error(
      `createCellRunner: this adapter is written for tslab ${TSLAB_VERSION} internals, found ${installed}`,
    );
  }
  process.chdir(rootDir);
  ignoreChangesOutside(rootDir);

  let outputs: NotebookOutput[] = [];
  let errorText: string[] = [];
  const displayIndex = new Map<string, number>();

  const appendStream = (name: 'stdout' | 'stderr', text: string) => {
    const last = outputs[outputs.length - 1];
    if (last && last.output_type === 'stream' && last.name === name) last.text += text;
    else outputs.push({ output_type: 'stream', name, text });
  };
  const format = (args: unknown[]) =>
    util.formatWithOptions({ colors: false }, ...(args as [unknown, ...unknown[]])) + '\n';

  let nodeConverter: { close(): void } | null = null;
  let browserConverter: { close(): void } | null = null;
  const converters = {
    get node() {
      nodeConverter ??= converterModule.createConverter({ isJS: false, isBrowser: false });
      return nodeConverter;
    },
    get browser() {
      browserConverter ??= converterModule.createConverter({ isJS: false, isBrowser: true });
      return browserConverter;
    },
    close() {
      nodeConverter?.close();
      browserConverter?.close();
    },
  };
  const executor = executorModule.createExecutor(rootDir, converters, {
    log: (...args: unknown[]) => appendStream('stdout', format(args)),
    // Compile errors and exceptions: they become the cell's error output (or stderr if the cell
    // still succeeded, e.g. diagnostics of an in-memory module).
    error: (...args: unknown[]) => {
      errorText.push(format(args));
    },
  });

  const writeDisplay: WriteDisplayData = (message, update) => {
    const id = message.transient?.display_id;
    const output: NotebookOutput = { output_type: 'display_data', data: message.data, metadata: message.metadata ?? {} };
    if (update && id !== undefined && displayIndex.has(id)) {
      outputs[displayIndex.get(id)!] = output;
      return;
    }
    if (id !== undefined) displayIndex.set(id, outputs.length);
    outputs.push(output);
  };

  async function run(code: string): Promise<CellResult> {
    outputs = [];
    errorText = [];
    displayIndex.clear();
    const stdoutWrite = process.stdout.write;
    const stderrWrite = process.stderr.write;
    const capture = (name: 'stdout' | 'stderr', original: typeof process.stdout.write) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        appendStream(name, text);
        if (options.echo) (original as (...a: unknown[]) => boolean).call(name === 'stdout' ? process.stdout : process.stderr, chunk, ...rest);
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = capture('stdout', stdoutWrite);
    process.stderr.write = capture('stderr', stderrWrite);
    jupyter!.lastWriteDisplayData = writeDisplay;
    const started = Date.now();
    let ok = false;
    try {
      ok = await executor.execute(code);
    } catch (error) {
      errorText.push(String((error as Error)?.stack ?? error));
      ok = false;
    } finally {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      jupyter!.lastWriteDisplayData = null;
    }
    const seconds = (Date.now() - started) / 1000;
    const result: CellResult = { ok, outputs, seconds };
    if (ok && errorText.length) appendStream('stderr', errorText.join(''));
    if (!ok) {
      const text = errorText.join('').trim() || 'the cell failed without an error message';
      const match = /^(?:Uncaught )?([A-Za-z]*Error)\b:?[ \t]*(.*)$/m.exec(text);
      outputs.push({
        output_type: 'error',
        ename: match ? match[1] : 'CellError',
        evalue: match ? match[2] : text.split('\n')[0],
        traceback: text.split('\n'),
      });
      result.error = text;
    }
    return result;
  }

  return {
    run,
    close: () => executor.close(),
  };
}
