/**
 * Seeded random numbers: xoshiro128** (Blackman and Vigna, 2018), a 32-bit generator with a
 * 2^128 - 1 period, seeded through SplitMix32 from a 32-bit hash of (seed, stream name).
 *
 * Each named stream is independent of the others: adding a stream, or drawing more numbers from
 * one, never changes what another stream produces. Doubles take 53 random bits from two draws.
 * Only 32-bit integer arithmetic (Math.imul, >>>) is used, so every machine gives the same bytes.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number, stream = "") {
    let x = hashSeed(seed, stream);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits: 27 from one draw, 26 from the next. The two
   * steps of nextUint32 are written out on local state, read and stored once (the hot path of
   * every distribution).
   */
  next(): number {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2 ^ s0;
    let s3 = this.s3 ^ s1;
    const hi = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 5;
    let t = s1 << 9;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    s2 ^= s0;
    s3 ^= s1;
    const lo = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 6;
    t = s1 << 9;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in (0, 1): safe to take the logarithm of. */
  nextOpen(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return u;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal deviate (Marsaglia's polar method; the spare value is kept). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  private spare: number | undefined = undefined;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a over the stream name, mixed with the seed's low and high 32 bits. */
export function hashSeed(seed: number, stream: string): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`invalid seed: ${seed} (expected a non-negative integer)`);
  }
  let h = 0x811c9dc5;
  const mix = (byte: number): void => {
    h ^= byte & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  for (let i = 0; i < 4; i++) mix(lo >>> (8 * i));
  for (let i = 0; i < 4; i++) mix(hi >>> (8 * i));
  for (let i = 0; i < stream.length; i++) {
    const c = stream.charCodeAt(i);
    mix(c);
    mix(c >>> 8);
  }
  return h >>> 0;
}

/** Hands out one independent Random per stream name, created on first use. */
export class Streams {
  private readonly streams = new Map<string, Random>();
  constructor(readonly seed: number) {
    hashSeed(seed, "");
  }
  get(name: string): Random {
    let r = this.streams.get(name);
    if (!r) {
      r = new Random(this.seed, name);
      this.streams.set(name, r);
    }
    return r;
  }
}
