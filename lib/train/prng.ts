/**
 * A small seeded pseudo-random generator (SplitMix32-style mixing of a 32-bit counter), so
 * shuffling, augmentation and tfjs' unseeded ops give the same stream for the same seed on
 * every machine. Not for cryptography.
 */
export class Prng {
  #state: number;
  #spareNormal: number | null = null;

  /** A generator whose stream is fixed by `seed` (any finite number; fractions are truncated). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Seed must be a finite number, got ${seed}`);
    this.#state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  next(): number {
    // SplitMix32: advance by the golden-ratio increment, then mix (constants from the
    // murmur3 finaliser family; they make every output bit depend on every state bit).
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for later). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const value = this.#spareNormal;
      this.#spareNormal = null;
      return value;
    }
    const u = 1 - this.next(); // (0, 1]: log(u) is finite
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }
}

/**
 * Runs `fn` (synchronous, so no other code sees the seeded generator) with `Math.random` replaced by a generator seeded with `seed`, then restores it.
 *
 * Why: tfjs ops without an explicit seed (the Dropout layer's masks) draw their seed from
 * `Math.random`. A fixed seed on the layer would repeat one mask every step, so instead the
 * whole training loop runs with a seeded `Math.random`, making every mask reproducible.
 */
export function withSeededMathRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  const rng = new Prng(seed);
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
