import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as vm from 'node:vm';
import { isTimeColumn, tableBundle } from './table';

const rows = [
  { loss: 'triplet', 'kNN top-1': '84.90 %', alignment: 0.52, steps: 900 },
  { loss: 'contrastive', 'kNN top-1': '85.81 %', alignment: -0.125, steps: 1200 },
  { loss: 'n-pair <mc>', 'kNN top-1': '82.61 %', alignment: 1e-7, steps: 300 },
];

test('tableBundle renders aligned text and a plain HTML table by default', () => {
  const bundle = tableBundle(rows, { digits: 2, caption: 'board' });
  const text = bundle['text/plain'] as string;
  assert.deepEqual(text.split('\n').slice(0, 3), ['board', 'loss         kNN top-1  alignment  steps', '-----------  ---------  ---------  -----']);
  assert.match(text, /contrastive  85\.81 %    -0\.13      1200/);
  const html = bundle['text/html'] as string;
  assert.doesNotMatch(html, /<script|data-sort=/);
  assert.match(html, /<td>n-pair &lt;mc&gt;<\/td>/);
});

test('a sortable table carries numeric sort keys, tablesort inline and a unique id', () => {
  const first = tableBundle(rows, { sortable: true })['text/html'] as string;
  const second = tableBundle(rows, { sortable: true })['text/html'] as string;
  assert.match(first, /<td data-sort="85\.81">85\.81 %<\/td>/);
  assert.match(first, /<td data-sort="-0\.125">-0\.1250<\/td>/);
  assert.match(first, /<td data-sort="1e-7">0\.0000<\/td>/);
  assert.match(first, /<td>triplet<\/td>/, 'text cells sort by their text');
  assert.match(first, /window\.Tablesort=|window\.Tablesort = /);
  const id = /id="(ck-table-[^"]+)"/.exec(first)?.[1];
  const otherId = /id="(ck-table-[^"]+)"/.exec(second)?.[1];
  assert.ok(id && otherId && id !== otherId, `ids must differ: ${id} vs ${otherId}`);
});

test('the inline script attaches tablesort to its table once', () => {
  const html = tableBundle(rows, { sortable: true })['text/html'] as string;
  const script = /<script>([\s\S]*)<\/script>/.exec(html)![1];
  const id = /id="(ck-table-[^"]+)"/.exec(html)![1];
  const attributes: Record<string, string> = {};
  const table = { tagName: 'TABLE', getAttribute: (name: string) => attributes[name] ?? null, setAttribute: (name: string, value: string) => { attributes[name] = value; } };
  const constructed: unknown[] = [];
  class FakeTablesort { constructor(element: unknown) { constructed.push(element); } }
  const window: Record<string, unknown> = { Tablesort: FakeTablesort, __ckTablesortNumbers: true };
  const document = { getElementById: (wanted: string) => (wanted === id ? table : null) };
  const context = vm.createContext({ window, document });
  vm.runInContext(script, context);
  vm.runInContext(script, context);
  assert.equal(constructed.length, 1);
  assert.equal(constructed[0], table);
  assert.equal(attributes['data-ck-sortable'], '1');
});

test('a one-row table is not made sortable', () => {
  assert.doesNotMatch(tableBundle(rows.slice(0, 1), { sortable: true })['text/html'] as string, /<script/);
});

test('tableBundle names bad arguments', () => {
  assert.throws(() => tableBundle('rows' as never), /showTable: 'rows' must be an array of objects/);
  assert.throws(() => tableBundle([null as never]), /'rows\[0\]' must be an object, got null/);
  assert.throws(() => tableBundle(rows, { digits: -1 }), /'digits' must be an integer in \[0, 20\], got -1/);
});

test('time columns (seconds, ms) print timeDigits decimals, other columns digits', () => {
  const timed = [
    { strategy: 'random', steps: 540, seconds: 6.0107, 'ms / step': 11.1931, 'easy share': 0.81234 },
    { strategy: 'all', steps: 420, seconds: 6.04, 'ms / step': 14.381, 'easy share': 0.5 },
  ];
  const text = tableBundle(timed)['text/plain'] as string;
  assert.match(text, /random    540    6\.0      11\.2       0\.8123/);
  assert.match(text, /all       420    6\.0      14\.4       0\.5000/);
  const html = tableBundle(timed, { timeDigits: 2, sortable: true })['text/html'] as string;
  assert.match(html, /<td data-sort="6\.0107">6\.01<\/td><td data-sort="11\.1931">11\.19<\/td>/);
  assert.throws(() => tableBundle(timed, { timeDigits: 1.5 }), /'timeDigits' must be an integer in \[0, 20\], got 1\.5/);
});

test('isTimeColumn reads time units as words in the header', () => {
  for (const header of ['seconds', 'train seconds', 'training seconds', 'train s', 'ms / step', 'time (s)', 'wall time (min)', 'Seconds']) {
    assert.equal(isTimeColumn(header), true, header);
  }
  for (const header of ['steps', 'loss', 'kNN top-1', 'mean squared distance', 'dissimilar / similar', 'epochs', 'alignment', "1-NN top-1 (Euclidean)"]) {
    assert.equal(isTimeColumn(header), false, header);
  }
});
