// Seeded randomness, so a run with the same seed makes the same citizens, the
// same requests and the same decisions (the system's answers may still differ
// in timing). Mulberry32: small, fast, good enough for a demand model.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One of `items`, weighted by `weight`. */
  pick<T>(items: readonly T[], weight?: (item: T) => number): T;
  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number;
  /** Log-normal with the given median and 90th percentile. */
  logNormal(spread: { median: number; p90: number }): number;
  /** A Poisson count with the given mean. */
  poisson(mean: number): number;
  /** An independent stream for one purpose, so adding draws elsewhere does not shift it. */
  fork(label: string): Random;
}

const z90 = 1.2815515655446004;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function createRandom(seed: number | string): Random {
  let state = typeof seed === 'number' ? seed >>> 0 : hash(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(next(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const random: Random = {
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(items: readonly T[], weight: (item: T) => number = () => 1): T {
      if (items.length === 0) throw new RangeError('nothing to pick from');
      const total = items.reduce((sum, item) => sum + Math.max(0, weight(item)), 0);
      let left = next() * total;
      for (const item of items) {
        left -= Math.max(0, weight(item));
        if (left < 0) return item;
      }
      return items[items.length - 1]!;
    },
    exponential: (mean) => -Math.log(Math.max(1 - next(), Number.EPSILON)) * mean,
    logNormal({ median, p90 }) {
      const sigma = Math.log(p90 / median) / z90;
      return median * Math.exp(sigma * normal());
    },
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
      const limit = Math.exp(-mean);
      let k = 0;
      for (let p = next(); p > limit; p *= next()) k++;
      return k;
    },
    fork: (label) => createRandom((hash(label) ^ Math.floor(next() * 4294967296)) >>> 0),
  };
  return random;
}
