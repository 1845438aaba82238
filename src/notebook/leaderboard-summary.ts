/**
 * Reading a leaderboard run with several seeds: each contender's mean and spread per metric, and
 * which differences between contenders are larger than that spread. One seed per contender ranks
 * noise as readily as losses; the seed-to-seed spread says how far apart two losses must be before
 * the order means something.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import type { LeaderboardRow } from './leaderboard';

/** Mean, sample standard deviation, minimum and maximum of one metric over a contender's seeds. */
export interface SeedSpread {
  mean: number;
  /** Sample standard deviation (n − 1); 0 with one seed. */
  std: number;
  min: number;
  max: number;
  /** Every seed's value, in seed order. */
  values: number[];
}

/** One contender over all its seeds. */
export interface LeaderboardSummary {
  name: string;
  /** The seeds it ran with, in order. */
  seeds: number[];
  knnTop1: SeedSpread;
  oneNNTop1: SeedSpread;
  recallAt1: SeedSpread;
  mapAtR: SeedSpread;
  alignment: SeedSpread;
  uniformity: SeedSpread;
  /** Training steps and seconds per seed (steps are equal under a step budget). */
  steps: SeedSpread;
  trainSeconds: SeedSpread;
  /** Whether any of its runs were loaded from a checkpoint rather than trained in this run. */
  loaded: boolean;
  /** The earliest training time of its loaded runs (ISO), null when every run trained in this run. */
  trainedAt: string | null;
}

/** A difference between two contenders in weighted kNN top-1 that the seeds support. */
export interface ClearDifference {
  /** The contender with the higher mean. */
  better: string;
  worse: string;
  /** Difference of the means, as a fraction (0.012 = 1.2 points). */
  difference: number;
}

/** The spread of `values` (at least one finite value). */
export function seedSpread(values: readonly number[]): SeedSpread {
  if (!Array.isArray(values) || values.length === 0 || !values.every(Number.isFinite)) {
    throw new Error(`seedSpread: 'values' must be a non-empty array of finite numbers, got ${JSON.stringify(values)}`);
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values), values: [...values] };
}

/**
 * Groups leaderboard rows by contender and summarises each metric over the seeds.
 *
 * @param rows rows of {@link runLeaderboard}, one per contender and seed.
 * @returns one summary per contender, best mean weighted kNN top-1 first.
 * @example
 * const summary = summarizeLeaderboard(rows);
 * console.log(`${summary[0].name}: ${(100 * summary[0].knnTop1.mean).toFixed(2)} ± ${(100 * summary[0].knnTop1.std).toFixed(2)} %`);
 */
export function summarizeLeaderboard(rows: readonly LeaderboardRow[]): LeaderboardSummary[] {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error("summarizeLeaderboard: 'rows' must be a non-empty array of leaderboard rows");
  const byName = new Map<string, LeaderboardRow[]>();
  for (const row of rows) {
    if (!row || typeof row.name !== 'string') throw new Error("summarizeLeaderboard: every row must be a leaderboard row with a 'name'");
    byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  }
  const summaries = Array.from(byName, ([name, runs]): LeaderboardSummary => {
    const seeds = runs.map((run) => run.seed);
    if (new Set(seeds).size !== seeds.length) throw new Error(`summarizeLeaderboard: '${name}' has two rows with the same seed`);
    const of = (key: 'knnTop1' | 'oneNNTop1' | 'recallAt1' | 'mapAtR' | 'alignment' | 'uniformity' | 'steps' | 'trainSeconds') => seedSpread(runs.map((run) => run[key]));
    return {
      name, seeds,
      knnTop1: of('knnTop1'), oneNNTop1: of('oneNNTop1'), recallAt1: of('recallAt1'), mapAtR: of('mapAtR'),
      alignment: of('alignment'), uniformity: of('uniformity'), steps: of('steps'), trainSeconds: of('trainSeconds'),
      loaded: runs.some((run) => run.loaded),
      trainedAt: runs.map((run) => run.trainedAt).filter((time): time is string => typeof time === 'string').sort()[0] ?? null,
    };
  });
  return summaries.sort((a, b) => b.knnTop1.mean - a.knnTop1.mean);
}

/**
 * The pairs of contenders whose weighted kNN top-1 differ by more than the seeds' spread: every
 * seed of the better one scored above every seed of the worse one (the ranges do not overlap).
 * With three seeds this is a plain, conservative reading; pairs not listed are ties at this budget.
 *
 * @param summary the output of {@link summarizeLeaderboard}.
 * @returns the clear differences, in board order.
 */
export function clearDifferences(summary: readonly LeaderboardSummary[]): ClearDifference[] {
  const out: ClearDifference[] = [];
  summary.forEach((better, i) => {
    for (const worse of summary.slice(i + 1)) {
      if (better.knnTop1.min > worse.knnTop1.max) out.push({ better: better.name, worse: worse.name, difference: better.knnTop1.mean - worse.knnTop1.mean });
    }
  });
  return out;
}

/**
 * The summary as table rows for `showTable`: mean ± sample standard deviation in % and the range
 * over the seeds, with steps and seconds per run.
 */
export function leaderboardSummaryTable(summary: readonly LeaderboardSummary[]): Array<Record<string, string | number>> {
  const pctSpread = (spread: SeedSpread) => `${(100 * spread.mean).toFixed(2)} ± ${(100 * spread.std).toFixed(2)}`;
  return summary.map((entry, rank) => ({
    rank: rank + 1,
    loss: entry.name,
    seeds: entry.seeds.length,
    'kNN top-1 (%)': pctSpread(entry.knnTop1),
    'kNN range (%)': `${(100 * entry.knnTop1.min).toFixed(2)}–${(100 * entry.knnTop1.max).toFixed(2)}`,
    '1-NN top-1 (%)': pctSpread(entry.oneNNTop1),
    'MAP@R (%)': pctSpread(entry.mapAtR),
    alignment: entry.alignment.mean.toFixed(3),
    uniformity: entry.uniformity.mean.toFixed(3),
    'steps per run': Math.round(entry.steps.mean),
    's per run': entry.trainSeconds.mean.toFixed(1),
    trained: entry.loaded ? 'checkpoint' : 'this run',
  }));
}

/**
 * A plain-language reading of the board: which differences exceed the seed spread, and which
 * contenders are tied with the leader.
 *
 * @param summary the output of {@link summarizeLeaderboard}.
 * @returns Markdown lines (one per clear difference, then the ties with the leader).
 */
export function describeLeaderboard(summary: readonly LeaderboardSummary[]): string[] {
  const points = (x: number) => `${(100 * x).toFixed(2)} points`;
  const clear = clearDifferences(summary);
  const seeds = Math.min(...summary.map((entry) => entry.seeds.length));
  if (seeds < 2) return ['One seed per contender: no difference on this board can be told from seed noise.'];
  const lines = clear.map((d) => `- **${d.better}** beats **${d.worse}** by ${points(d.difference)}: every seed of the first above every seed of the second.`);
  const leader = summary[0];
  const tied = summary.slice(1).filter((entry) => !clear.some((d) => d.better === leader.name && d.worse === entry.name));
  lines.push(tied.length === 0
    ? `- **${leader.name}** is ahead of every other contender beyond the seed spread.`
    : `- Tied with the leader **${leader.name}** at this budget (ranges over the seeds overlap): ${tied.map((entry) => `**${entry.name}** (${points(leader.knnTop1.mean - entry.knnTop1.mean)} behind)`).join(', ')}.`);
  return lines;
}
