import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { cpuSecondsOf, watchForStall } from './stall-watch';

const hasProc = fs.existsSync(`/proc/${process.pid}/stat`);

test('CPU time is a number where /proc exists (Linux); elsewhere null, and the watch does nothing', () => {
  if (hasProc) {
    assert.equal(typeof cpuSecondsOf(process.pid), 'number');
    return;
  }
  assert.equal(cpuSecondsOf(process.pid), null);
  const stop = watchForStall(process.pid, { stallSeconds: 1, onStall: () => assert.fail('no watch without /proc') });
  stop();
});

test('cpuSecondsOf: grows while this process computes; null for a process that does not exist', { skip: !hasProc }, () => {
  const before = cpuSecondsOf(process.pid)!;
  let sum = 0;
  const until = before + 0.3;
  while (cpuSecondsOf(process.pid)! < until) for (let i = 0; i < 1e6; i++) sum += Math.sqrt(i);
  assert.ok(sum > 0);
  assert.ok(cpuSecondsOf(process.pid)! >= until, 'CPU time moved by the work done');
  assert.equal(cpuSecondsOf(2 ** 22 + 12345), null);
  assert.throws(() => cpuSecondsOf(0), /cpuSecondsOf: 'pid' must be a positive integer, got 0/);
});

test('watchForStall: fires once for a sleeping process, never for a busy one', { skip: !hasProc }, async () => {
  const sleeper = spawn('sleep', ['30']);
  const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 30000; while (Date.now() < end) {}']);
  try {
    const stalls: string[] = [];
    const stopSleeper = watchForStall(sleeper.pid!, { stallSeconds: 1, intervalSeconds: 0.1, onStall: () => stalls.push('sleeper') });
    const stopBusy = watchForStall(busy.pid!, { stallSeconds: 1, intervalSeconds: 0.1, onStall: () => stalls.push('busy') });
    const deadline = Date.now() + 20000;
    while (stalls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the busy one has had time to be (wrongly) flagged
    stopSleeper();
    stopBusy();
    assert.deepEqual(stalls, ['sleeper']);
  } finally {
    sleeper.kill('SIGKILL');
    busy.kill('SIGKILL');
  }
});

test('watchForStall: bad options are named', () => {
  const onStall = () => undefined;
  assert.throws(() => watchForStall(process.pid, { stallSeconds: 0, onStall }), /watchForStall: 'stallSeconds' must be a positive number, got 0/);
  assert.throws(() => watchForStall(process.pid, { stallSeconds: 5, intervalSeconds: -1, onStall }), /watchForStall: 'intervalSeconds' must be a positive number, got -1/);
  assert.throws(() => watchForStall(process.pid, { stallSeconds: 5, onStall: 3 as unknown as () => void }), /watchForStall: 'onStall' must be a function/);
});
