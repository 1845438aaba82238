import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveLine, plainTextOf, progressLog, showTable } from './display';
import { captureLog } from '../testing/capture-log';

test('outside a notebook a table is logged as aligned text', () => {
  const lines = captureLog(() => showTable([{ loss: 'triplet', knnTop1: 0.91234 }, { loss: 'n-pair', knnTop1: 0.9 }], { digits: 3 }));
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0].split('\n'), ['loss     knnTop1', '-------  -------', 'triplet  0.912', 'n-pair   0.900']);
});

test('plainTextOf prefers text/plain, then markdown, then HTML without tags', () => {
  assert.equal(plainTextOf({ 'text/plain': 'p', 'text/html': '<b>h</b>' }), 'p');
  assert.equal(plainTextOf({ 'text/markdown': '**m**' }), '**m**');
  assert.equal(plainTextOf({ 'text/html': '<p>a &amp; b</p><script>x()</script>' }), 'a & b');
  assert.equal(plainTextOf({ 'image/png': 'AAAA' }), '[display: image/png]');
});

test('a live line logs sparsely outside a notebook, and always when done', () => {
  const lines = captureLog(() => {
    const line = liveLine({ logEverySeconds: 3600 });
    line.update('step 1');
    line.update('step 2');
    line.update('step 3', true);
    line.done('finished');
  });
  assert.deepEqual(lines, ['step 1', 'step 3', 'finished']);
});

test('with a front-end a live line is one output updated in place; the headless runner also logs it sparsely, outside the notebook', () => {
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: ((m: { data: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean) => void) | null };
  const originalWrite = progressLog.write;
  const headlessBefore = process.env.CONTRASTIVE_KIT_HEADLESS;
  try {
    for (const headless of [false, true]) {
      if (headless) process.env.CONTRASTIVE_KIT_HEADLESS = '1';
      else delete process.env.CONTRASTIVE_KIT_HEADLESS;
      const sent: Array<{ text: unknown; update: boolean; id?: string }> = [];
      const logged: string[] = [];
      jupyter.lastWriteDisplayData = (message, update) => sent.push({ text: message.data['text/plain'], update, id: message.transient?.display_id });
      progressLog.write = (text) => logged.push(text);
      const printed = captureLog(() => {
        const line = liveLine({ logEverySeconds: 3600 });
        line.update('step 1');
        line.update('step 2');
        line.update('epoch 1', true);
        line.done('finished');
      });
      assert.deepEqual(sent.map((m) => [m.text, m.update]), [['step 1', false], ['step 2', true], ['epoch 1', true], ['finished', true]], 'one display, updated');
      assert.equal(new Set(sent.map((m) => m.id)).size, 1);
      assert.deepEqual(printed, [], 'nothing on the captured console: the executed copy shows only the display');
      assert.deepEqual(logged, headless ? ['step 1', 'epoch 1', 'finished'] : [], headless ? 'sparse progress in the runner log' : 'no log in Jupyter');
    }
  } finally {
    jupyter.lastWriteDisplayData = null;
    progressLog.write = originalWrite;
    if (headlessBefore === undefined) delete process.env.CONTRASTIVE_KIT_HEADLESS;
    else process.env.CONTRASTIVE_KIT_HEADLESS = headlessBefore;
  }
});

test('showTable names a bad argument', () => {
  assert.throws(() => showTable('rows' as never), /showTable: 'rows' must be an array of objects/);
});
