/**
 * A throw-away classic Jupyter Notebook server for tests: loopback only (127.0.0.1), a random
 * token, its own Jupyter data, config and runtime folders (so it neither reads nor changes the
 * user's kernelspecs, trust database or settings), bounded start-up and shutdown.
 * scripts/browser-check.ts drives a notebook in it with headless Chromium.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

/** The Jupyter folders of an isolated environment, and the environment that selects them. */
export interface IsolatedJupyter {
  /** Parent folder of the data, config and runtime folders (remove it when done). */
  home: string;
  /** `process.env` plus JUPYTER_DATA_DIR, JUPYTER_CONFIG_DIR, JUPYTER_RUNTIME_DIR and IPYTHONDIR inside `home`. */
  env: NodeJS.ProcessEnv;
}

/**
 * Creates Jupyter data, config and runtime folders inside `home` and an environment selecting
 * them: kernelspecs installed and notebooks signed with this environment stay inside `home`.
 *
 * @param home an empty (or new) folder.
 * @param extra more environment variables (e.g. CONTRASTIVE_KIT_FAST=1 for the kernels).
 */
export function isolatedJupyter(home: string, extra: NodeJS.ProcessEnv = {}): IsolatedJupyter {
  const dirs = { JUPYTER_DATA_DIR: 'data', JUPYTER_CONFIG_DIR: 'config', JUPYTER_RUNTIME_DIR: 'runtime', IPYTHONDIR: 'ipython' };
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [name, folder] of Object.entries(dirs)) {
    const dir = path.join(home, folder);
    fs.mkdirSync(dir, { recursive: true });
    env[name] = dir;
  }
  return { home, env };
}

/** A free TCP port on 127.0.0.1 (asked from the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('freePort: no port'))));
    });
  });
}

/** A running notebook server. */
export interface NotebookServer {
  /** `http://127.0.0.1:<port>/` */
  baseUrl: string;
  token: string;
  /** The URL of a notebook (path relative to the server's root), logged in with the token. */
  notebookUrl(relativePath: string): string;
  /** The server's stdout and stderr so far. */
  log(): string;
  /** Shuts the server (and its kernels) down: /api/shutdown, then SIGTERM, then SIGKILL of its process group. */
  stop(): Promise<void>;
}

/** Options of {@link startNotebookServer}. */
export interface NotebookServerOptions {
  /** A Python with Jupyter: the `notebook` package (6.x classic, or 7.x), or `jupyterlab`. */
  python: string;
  /**
   * Which front-end: `notebook6` (classic Notebook 6.x, the default), `notebook7` (Notebook 7 on
   * jupyter_server) or `jupyterlab`.
   */
  app?: 'notebook6' | 'notebook7' | 'jupyterlab';
  /** The folder the server shows. */
  rootDir: string;
  /** The environment (see {@link isolatedJupyter}). */
  env: NodeJS.ProcessEnv;
  /** How long to wait for the server to answer (default 60 s). */
  timeoutMs?: number;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `python -m notebook` (or `-m jupyterlab`) on 127.0.0.1 with a random token and waits
 * until `/api/status` answers. Adds `--allow-root` when running as root. Throws, with the
 * server's log, when it exits or does not answer in time.
 */
export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const app = options.app ?? 'notebook6';
  // Notebook 6 is its own server; Notebook 7 and JupyterLab run on jupyter_server, whose options differ.
  const serverArgs = app === 'notebook6' ? [`--NotebookApp.token=${token}`, `--notebook-dir=${options.rootDir}`] : [`--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${options.rootDir}`];
  const args = [
    '-m', app === 'jupyterlab' ? 'jupyterlab' : 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    ...serverArgs, ...(isRoot ? ['--allow-root'] : []),
  ];
  const child = spawn(options.python, args, { env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      await fetch(`${baseUrl}api/shutdown?token=${token}`, { method: 'POST', signal: AbortSignal.timeout(5000) });
    } catch {
      // falls back to signals below
    }
    if (await waitForExit(child, 10_000)) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    if (await waitForExit(child, 10_000)) return;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitForExit(child, 5_000);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`startNotebookServer: the server exited with code ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}api/status?token=${token}`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        return {
          baseUrl,
          token,
          notebookUrl: (relativePath) => `${baseUrl}${app === 'jupyterlab' ? 'lab/tree' : 'notebooks'}/${relativePath.split('/').map(encodeURIComponent).join('/')}?token=${token}`,
          log: () => output,
          stop,
        };
      }
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`startNotebookServer: no answer from ${baseUrl} within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
}
