import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClose } from '../runtime/assertions';
import { figureTitleProblems } from './figure';
import { barChart, lineChart, seedSpreadChart, tripletCountsChart } from './charts';
import { alignLayout, embeddingEvolution } from './embedding-evolution';
import { embeddingScatter } from './embedding-scatter';
import { imageGridHtml, neighbourGridRows } from './image-grid';
import { Layout2D } from './layout-2d';
import { finiteDifference, lossAndGradientCurves } from './loss-curves';
import { chanceLossLine, marginLine, trainingCurves } from './training-curves';

const layout: Layout2D = { numPoints: 4, x: new Float32Array([0, 1, 2, 3]), y: new Float32Array([3, 2, 1, 0]) };
const images = new Float32Array(4 * 4).map((_, i) => (i % 4) / 3); // four 2×2 images

test('embeddingScatter: one trace per class with its name, hover thumbnails per point, every n-th with maxImages', () => {
  const figure = embeddingScatter(layout, { labels: [1, 0, 1, 0], classNames: ['Coat', 'Bag'], images: { pixels: images, width: 2 } });
  assert.deepEqual(figure.data.map((t) => t.name), ['Coat', 'Bag']);
  assert.deepEqual(figure.data[0].x, [1, 3]);
  assert.deepEqual(figure.data[1].y, [3, 1]);
  assert.match(String(figure.data[1].hovertemplate), /^Bag<br>/);
  const hover = figure.extras?.hoverImages ?? [];
  assert.equal(hover.length, 2);
  assert.ok(hover.every((list) => list?.length === 2 && list.every((uri) => uri?.startsWith('data:image/png;base64,'))));
  const sparse = embeddingScatter(layout, { labels: [1, 0, 1, 0], images: { pixels: images, width: 2 }, maxImages: 2 });
  // every 2nd point (0 and 2) keeps its image: both in class 1 ('class 1', second trace).
  assert.deepEqual(sparse.extras?.hoverImages?.map((list) => list?.map((uri) => uri !== null)), [[false, false], [true, true]]);
  assert.throws(() => embeddingScatter(layout, { labels: [0, 1] }), /embeddingScatter: 'labels' must have one value per point \(4\), got 2/);
  assert.throws(() => embeddingScatter(layout, { labels: [0, 0, 0, 0], images: { pixels: images.subarray(1), width: 2 } }), /embeddingScatter: 'images.pixels' must hold one 2×2 image per point \(16 values\), got 15/);
});

test('alignLayout undoes a rotation, reflection, scaling and shift exactly', () => {
  const reference: Layout2D = { numPoints: 5, x: new Float32Array([0, 1, 2, 0.5, -1]), y: new Float32Array([0, 0.3, -1, 2, 1]) };
  const angle = 1.1;
  const moving: Layout2D = { numPoints: 5, x: new Float32Array(5), y: new Float32Array(5) };
  for (let i = 0; i < 5; i++) {
    const [x, y] = [reference.x[i], -reference.y[i]]; // mirrored
    moving.x[i] = 3 * (Math.cos(angle) * x - Math.sin(angle) * y) + 7;
    moving.y[i] = 3 * (Math.sin(angle) * x + Math.cos(angle) * y) - 2;
  }
  const aligned = alignLayout(moving, reference);
  expectClose(aligned.x, reference.x, { atol: 1e-5 });
  expectClose(aligned.y, reference.y, { atol: 1e-5 });
});

test('embeddingEvolution: one frame and slider step per snapshot, fixed axes, opens on the last snapshot', () => {
  const early: Layout2D = { numPoints: 4, x: new Float32Array([0, 0.1, 0.2, 0.3]), y: new Float32Array([0, 0.1, 0, 0.1]) };
  const figure = embeddingEvolution(
    [{ label: 'epoch 0', layout: early }, { label: 'epoch 5', layout }],
    { labels: [0, 1, 0, 1], align: false },
  );
  assert.deepEqual(figure.frames?.map((f) => f.name), ['epoch 0', 'epoch 5']);
  assert.deepEqual(figure.frames?.[0].data[0].x, [0, 0.2]);
  const sliders = figure.layout?.sliders as Array<{ active: number; steps: Array<{ label: string }> }>;
  assert.equal(sliders[0].active, 1);
  assert.deepEqual(sliders[0].steps.map((s) => s.label), ['epoch 0', 'epoch 5']);
  assert.deepEqual(figure.data[0].x, [0, 2]);
  const xaxis = figure.layout?.xaxis as { range: number[] };
  expectClose(xaxis.range, [-0.15, 3.15], { atol: 1e-6 });
  assert.throws(() => embeddingEvolution([{ label: 'a', layout }, { label: 'b', layout: { numPoints: 1, x: new Float32Array(1), y: new Float32Array(1) } }], { labels: [0, 0, 0, 0] }), /embeddingEvolution: every snapshot must hold the same points: snapshot 0 has 4, snapshot 1 has 1/);
});

test('trainingCurves draws the reference lines: margin α and ln(K+1)', () => {
  assert.equal(chanceLossLine(4096).y, Math.log(4097));
  assert.equal(marginLine(0.2).y, 0.2);
  const figure = trainingCurves({ loss: [3, 2, 1], 'val loss': [3.5, 2.5, 1.5] }, { referenceLines: [chanceLossLine(15), marginLine(0.5)] });
  assert.deepEqual(figure.data.map((t) => t.name), ['loss', 'val loss']);
  const shapes = figure.layout?.shapes as Array<{ y0: number; y1: number }>;
  expectClose(shapes.map((s) => s.y0), [Math.log(16), 0.5], { atol: 1e-12 });
  assert.throws(() => trainingCurves({}), /trainingCurves: 'series' must be \{ name: values \} or \[\{ name, y, x\? \}\] with at least one curve/);
  assert.throws(() => chanceLossLine(0), /chanceLossLine: 'numNegatives' must be an integer ≥ 1, got 0/);
});

test('trainingCurves with percent: fractions and reference lines drawn in %, the y title says so', () => {
  const figure = trainingCurves([{ name: 'weighted kNN', x: [1, 2], y: [0.5, 0.8125] }], {
    yTitle: 'weighted kNN top-1',
    percent: true,
    referenceLines: [{ y: 0.7673, label: 'untrained CNN' }],
  });
  expectClose(figure.data[0].y as number[], [50, 81.25], { atol: 1e-9 });
  const shapes = figure.layout?.shapes as Array<{ y0: number }>;
  const annotations = figure.layout?.annotations as Array<{ y: number; text: string }>;
  expectClose([shapes[0].y0, annotations[0].y], [76.73, 76.73], { atol: 1e-9 });
  assert.equal(annotations[0].text, 'untrained CNN');
  assert.equal((figure.layout?.yaxis as { title: { text: string } }).title.text, 'weighted kNN top-1 (%)');
  const plain = trainingCurves([{ name: 'loss', y: [0.5] }], { referenceLines: [{ y: 0.25, label: 'a' }] });
  assert.deepEqual(plain.data[0].y, [0.5], 'without percent the values are drawn as given');
  assert.equal((plain.layout?.yaxis as { title: { text: string } }).title.text, 'loss');
  assert.throws(() => trainingCurves({ loss: [1] }, { percent: 'yes' as unknown as boolean }), /trainingCurves: 'percent' must be true or false/);
});

test('lossAndGradientCurves: the gradient panel is dL/dd (d for d²/2, −(m − d) below the margin)', () => {
  const m = 1;
  const figure = lossAndGradientCurves(
    [
      { name: 'similar', loss: (d) => (d * d) / 2 },
      { name: 'dissimilar', loss: (d) => Math.max(0, m - d) ** 2 / 2 },
    ],
    { range: [0, 2], points: 5, verticalLines: [{ x: m, label: 'margin' }] },
  );
  assert.equal(figure.data.length, 4);
  expectClose(figure.data[1].y as number[], [0, 0.5, 1, 1.5, 2], { atol: 1e-6 });
  // At the kink d = m the central difference is off by h/4 = 2.5e-6.
  expectClose(figure.data[3].y as number[], [-1, -0.5, 0, 0, 0], { atol: 1e-5 });
  assert.equal(figure.data[1].xaxis, 'x2');
  expectClose(finiteDifference(Math.exp, 1), Math.E, { atol: 1e-8 });
  assert.throws(() => lossAndGradientCurves([{ name: 'log', loss: Math.log }]), /lossAndGradientCurves: curve 'log' gives a non-finite loss at d = 0/);
});

test('barChart, lineChart and tripletCountsChart check lengths; triplet fractions sum to 1', () => {
  const titles = { title: 'accuracy', xTitle: 'loss', yTitle: '%' };
  const bars = barChart(['a', 'b'], { acc: [1, 2], probe: [3, 4] }, titles);
  assert.deepEqual(bars.data.map((t) => t.type), ['bar', 'bar']);
  assert.throws(() => barChart(['a', 'b'], { acc: [1] }, titles), /barChart: series 'acc' must have one value per category \(2\), got 1/);
  assert.throws(() => barChart(['a', 'b'], { acc: [1, 2] }, { ...titles, xTitle: '' }), /barChart: 'axes.x.title' must be a non-empty string, got ''/);
  assert.throws(() => barChart(['a', 'b'], { acc: [1, 2] }, undefined as never), /barChart: 'title' must be a non-empty string, got undefined/);
  const lines = lineChart([0.05, 0.1, 0.2], { top1: [80, 84, 82] }, { ...titles, logX: true });
  assert.equal((lines.layout?.xaxis as { type: string }).type, 'log');
  const counts = tripletCountsChart([{ step: 0, easy: 1, semiHard: 2, hard: 1 }, { step: 10, easy: 3, semiHard: 1, hard: 0 }]);
  const sums = [0, 1].map((i) => counts.data.reduce((s, t) => s + (t.y as number[])[i], 0));
  expectClose(sums, [1, 1], { atol: 1e-9 });
  expectClose(counts.data[2].y as number[], [0.25, 0], { atol: 1e-9 });
  assert.throws(() => tripletCountsChart([{ step: 0, easy: -1, semiHard: 0, hard: 0 }]), /tripletCountsChart: 'history'\[0\].easy must be a finite number ≥ 0, got -1/);
});

test('seedSpreadChart: a dot per seed under its category, the mean as a larger dot', () => {
  const titles = { title: 't', xTitle: 'loss', yTitle: 'kNN (%)' };
  const figure = seedSpreadChart([{ name: 'SupCon', values: [86, 87, 88] }, { name: 'yours', values: [85, 85.5] }], titles);
  assert.deepEqual(figure.data[0].x, ['SupCon', 'SupCon', 'SupCon', 'yours', 'yours']);
  assert.deepEqual(figure.data[0].y, [86, 87, 88, 85, 85.5]);
  assert.deepEqual(figure.data[1].x, ['SupCon', 'yours']);
  assert.deepEqual(figure.data[1].y, [87, 85.25]);
  assert.throws(() => seedSpreadChart([], titles), /seedSpreadChart: 'entries' must be a non-empty array/);
  assert.throws(() => seedSpreadChart([{ name: 'a', values: [1, NaN] }], titles), /seedSpreadChart: 'entries'\[0\].values must be a non-empty array of finite numbers/);
});

test('imageGridHtml and neighbourGridRows: one image per cell, green/red frames by class', () => {
  const pixelsOf = (i: number) => images.subarray(i * 4, i * 4 + 4);
  const rows = neighbourGridRows([0], [2, 1], 2, { query: pixelsOf, reference: pixelsOf }, { query: () => 0, reference: (j) => (j === 2 ? 0 : 1) }, { classNames: ['Bag', 'Coat'], similarities: [0.9, 0.5] });
  assert.deepEqual(rows[0].images.map((i) => i.caption), ['query: Bag', 'Bag 0.90', 'Coat 0.50']);
  assert.deepEqual(rows[0].images.map((i) => i.border), ['#1f77b4', '#2ca02c', '#d62728']);
  const html = imageGridHtml(rows, { width: 2, title: 'neighbours' });
  assert.equal((html.match(/<img src="data:image\/png;base64,/g) ?? []).length, 3);
  assert.match(html, /<caption[^>]*>neighbours<\/caption>/);
  assert.throws(() => imageGridHtml([{ images: [{ pixels: [1] }] }], { width: 2 }), /imageGridHtml: 'rows'\[0\].images\[0\].pixels must hold 2×2 = 4 values, got 1/);
});

test('every figure builder titles the figure and each axis its traces use, in the { text } form', () => {
  const evolution = embeddingEvolution([{ label: 'a', layout }, { label: 'b', layout }], { labels: [0, 1, 0, 1] });
  const figures = {
    embeddingScatter: embeddingScatter(layout, { labels: [1, 0, 1, 0] }),
    embeddingEvolution: evolution,
    trainingCurves: trainingCurves({ loss: [3, 2, 1] }),
    lossAndGradientCurves: lossAndGradientCurves([{ name: 'd²/2', loss: (d) => (d * d) / 2 }], { points: 3 }),
    barChart: barChart(['a'], { acc: [1] }, { title: 't', xTitle: 'x', yTitle: 'y' }),
    lineChart: lineChart([1, 2], { acc: [1, 2] }, { title: 't', xTitle: 'x', yTitle: 'y' }),
    tripletCountsChart: tripletCountsChart([{ step: 0, easy: 1, semiHard: 1, hard: 1 }]),
    seedSpreadChart: seedSpreadChart([{ name: 'a', values: [1, 2] }], { title: 't', xTitle: 'x', yTitle: 'y' }),
  };
  for (const [name, figure] of Object.entries(figures)) {
    assert.deepEqual(figureTitleProblems(figure), [], name);
    assert.equal(typeof (figure.layout?.title as { text?: unknown }).text, 'string', name);
  }
  assert.equal((figures.lossAndGradientCurves.layout?.yaxis2 as { title: { text: string } }).title.text, 'gradient dL/dd');
});
