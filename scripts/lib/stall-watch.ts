/**
 * Notices a notebook process that has stopped working: a run that trains or evaluates always burns
 * CPU, so a child whose CPU time does not move for minutes is stuck, not slow. The threaded wasm
 * backend can deadlock that way — every thread waiting on a futex, the process asleep forever
 * (seen once in a 64-minute MoCo run of notebook 05; tensorflow/tfjs#4025 reports the same hang in
 * browsers). Without a watch the walkthrough or `checkpoints:train` would wait until its timeout
 * (hours in full mode); with it the run stops after `stallSeconds` and says what to do.
 *
 * CPU time comes from /proc/<pid>/stat (Linux); where that file does not exist the watch does
 * nothing (the per-notebook timeout still applies).
 */
import * as fs from 'fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ, 100 on every Linux build in use). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, all threads) the process `pid` has used so far, or null when it
 * cannot be read (no /proc, or the process is gone).
 *
 * @example
 * cpuSecondsOf(process.pid); // e.g. 0.42
 */
export function cpuSecondsOf(pid: number): number | null {
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`cpuSecondsOf: 'pid' must be a positive integer, got ${pid}`);
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After comm the fields start at number 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** Options of {@link watchForStall}. */
export interface StallWatchOptions {
  /** How long the CPU time may stand still before the process counts as stuck. */
  stallSeconds: number;
  /** How often to look (default: a tenth of `stallSeconds`, at most 30 s). */
  intervalSeconds?: number;
  /** Called once, when the process is found stuck (e.g. to kill it and report why). */
  onStall: (idleSeconds: number) => void;
}

/**
 * Watches process `pid` and calls `onStall` once when its CPU time has not moved for
 * `stallSeconds`. Returns a function that stops the watch (call it when the process exits).
 * Does nothing where CPU time cannot be read.
 *
 * @example
 * const stop = watchForStall(child.pid!, { stallSeconds: 600, onStall: () => child.kill('SIGKILL') });
 * child.on('exit', stop);
 */
export function watchForStall(pid: number, options: StallWatchOptions): () => void {
  const fn = 'watchForStall';
  if (!(options.stallSeconds > 0)) throw new Error(`${fn}: 'stallSeconds' must be a positive number, got ${options.stallSeconds}`);
  const intervalSeconds = options.intervalSeconds ?? Math.min(30, options.stallSeconds / 10);
  if (!(intervalSeconds > 0)) throw new Error(`${fn}: 'intervalSeconds' must be a positive number, got ${intervalSeconds}`);
  if (typeof options.onStall !== 'function') throw new Error(`${fn}: 'onStall' must be a function`);
  let lastCpu = cpuSecondsOf(pid);
  if (lastCpu === null) return () => undefined;
  let lastChange = Date.now();
  const timer = setInterval(() => {
    const cpu = cpuSecondsOf(pid);
    if (cpu === null) return stop();
    if (cpu !== lastCpu) {
      lastCpu = cpu;
      lastChange = Date.now();
      return;
    }
    const idleSeconds = (Date.now() - lastChange) / 1000;
    if (idleSeconds >= options.stallSeconds) {
      stop();
      options.onStall(idleSeconds);
    }
  }, intervalSeconds * 1000);
  timer.unref();
  function stop(): void {
    clearInterval(timer);
  }
  return stop;
}
