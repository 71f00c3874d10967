/**
 * The lean reference loop: the M/M/c queue of bench/mmc.ts written for speed alone, as the
 * practical limit a general engine is measured against. One binary heap whose keys (time,
 * scheduling order, kind) sit in typed arrays in heap order, xoshiro128** inlined on local
 * variables, a typed-array ring for the waiting line, no classes, no closures in the loop.
 *
 * It draws from the same two random streams as the engine side (xoshiro128** seeded through
 * SplitMix32 from hashSeed(seed, name), doubles from two draws) and breaks ties the same way, so
 * it computes the same mean wait to the last bit: the bench checks that before timing.
 */
import { hashSeed } from "../src/engine/random.js";
import type { MmcOutcome, MmcParams } from "./mmc.js";

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** The four xoshiro128** state words of a stream, seeded as src/engine/random.ts seeds them. */
function seedState(seed: number, stream: string): Uint32Array {
  let x = hashSeed(seed, stream);
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  return s;
}

/** The M/M/c queue as one loop; same results as engineMmc for the same parameters. */
export function leanMmc(p: MmcParams): MmcOutcome {
  const meanArrival = p.meanService / (p.servers * p.utilization);
  const meanService = p.meanService;
  const servers = p.servers;
  const customers = p.customers;
  // Arrival stream state (a0..a3) and service stream state (b0..b3), as plain int32 locals.
  const sa = seedState(p.seed, "arrivals");
  const sb = seedState(p.seed, "service");
  let a0 = sa[0]! | 0;
  let a1 = sa[1]! | 0;
  let a2 = sa[2]! | 0;
  let a3 = sa[3]! | 0;
  let b0 = sb[0]! | 0;
  let b1 = sb[1]! | 0;
  let b2 = sb[2]! | 0;
  let b3 = sb[3]! | 0;

  // The heap: at most one arrival and `servers` departures are ever pending.
  const cap = servers + 2;
  const times = new Float64Array(cap);
  const orders = new Float64Array(cap);
  const kinds = new Uint8Array(cap);
  let n = 0;
  let order = 0;

  // The waiting line: arrival times in a growable ring.
  let ring = new Float64Array(1 << 16);
  let mask = ring.length - 1;
  let head = 0;
  let waiting = 0;

  let now = 0;
  let busy = 0;
  let arrived = 0;
  let totalWait = 0;
  let events = 0;

  // Pending push, written out where it is used: (time, kind) with the next order number.
  let pushTime = 0;
  let pushKind = 0;

  // The first arrival.
  {
    let u = 0;
    do {
      let r = Math.imul((Math.imul(a1, 5) << 7) | (Math.imul(a1, 5) >>> 25) | 0, 9) >>> 0;
      let t = a1 << 9;
      a2 ^= a0;
      a3 ^= a1;
      a1 ^= a2;
      a0 ^= a3;
      a2 ^= t;
      a3 = (a3 << 11) | (a3 >>> 21);
      const hi = r >>> 5;
      r = Math.imul((Math.imul(a1, 5) << 7) | (Math.imul(a1, 5) >>> 25) | 0, 9) >>> 0;
      t = a1 << 9;
      a2 ^= a0;
      a3 ^= a1;
      a1 ^= a2;
      a0 ^= a3;
      a2 ^= t;
      a3 = (a3 << 11) | (a3 >>> 21);
      u = (hi * TWO_POW_26 + (r >>> 6)) / TWO_POW_53;
    } while (u === 0);
    times[0] = Math.round(-meanArrival * Math.log(u));
    orders[0] = order++;
    kinds[0] = 0;
    n = 1;
  }

  while (n > 0) {
    // Pop the root, then sift the last entry down from the top.
    now = times[0]!;
    const kind = kinds[0]!;
    n--;
    if (n > 0) {
      const lt = times[n]!;
      const lo = orders[n]!;
      const lk = kinds[n]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        let ct = times[child]!;
        let co = orders[child]!;
        const right = child + 1;
        if (right < n) {
          const rt = times[right]!;
          const ro = orders[right]!;
          if (rt < ct || (rt === ct && ro < co)) {
            child = right;
            ct = rt;
            co = ro;
          }
        }
        if (lt < ct || (lt === ct && lo < co)) break;
        times[i] = ct;
        orders[i] = co;
        kinds[i] = kinds[child]!;
        i = child;
      }
      times[i] = lt;
      orders[i] = lo;
      kinds[i] = lk;
    }
    events++;

    // What this event schedules: up to two pushes (a departure, then the next arrival).
    for (let pass = 0; pass < 2; pass++) {
      let mean = 0;
      if (pass === 0) {
        if (kind === 0) {
          arrived++;
          if (busy < servers) {
            busy++;
            mean = meanService;
          } else {
            if (waiting === ring.length) {
              const bigger = new Float64Array(ring.length * 2);
              for (let k = 0; k < waiting; k++) bigger[k] = ring[(head + k) & mask]!;
              ring = bigger;
              mask = ring.length - 1;
              head = 0;
            }
            ring[(head + waiting) & mask] = now;
            waiting++;
          }
        } else if (waiting > 0) {
          totalWait += now - ring[head]!;
          head = (head + 1) & mask;
          waiting--;
          mean = meanService;
        } else {
          busy--;
        }
        if (mean === 0) continue;
        pushKind = 1;
      } else {
        if (kind !== 0 || arrived >= customers) break;
        mean = meanArrival;
        pushKind = 0;
      }
      // A draw from the departure (service) or arrival stream: xoshiro128** twice, 53 bits.
      let u = 0;
      if (pushKind === 1) {
        do {
          let r = Math.imul((Math.imul(b1, 5) << 7) | (Math.imul(b1, 5) >>> 25) | 0, 9) >>> 0;
          let t = b1 << 9;
          b2 ^= b0;
          b3 ^= b1;
          b1 ^= b2;
          b0 ^= b3;
          b2 ^= t;
          b3 = (b3 << 11) | (b3 >>> 21);
          const hi = r >>> 5;
          r = Math.imul((Math.imul(b1, 5) << 7) | (Math.imul(b1, 5) >>> 25) | 0, 9) >>> 0;
          t = b1 << 9;
          b2 ^= b0;
          b3 ^= b1;
          b1 ^= b2;
          b0 ^= b3;
          b2 ^= t;
          b3 = (b3 << 11) | (b3 >>> 21);
          u = (hi * TWO_POW_26 + (r >>> 6)) / TWO_POW_53;
        } while (u === 0);
      } else {
        do {
          let r = Math.imul((Math.imul(a1, 5) << 7) | (Math.imul(a1, 5) >>> 25) | 0, 9) >>> 0;
          let t = a1 << 9;
          a2 ^= a0;
          a3 ^= a1;
          a1 ^= a2;
          a0 ^= a3;
          a2 ^= t;
          a3 = (a3 << 11) | (a3 >>> 21);
          const hi = r >>> 5;
          r = Math.imul((Math.imul(a1, 5) << 7) | (Math.imul(a1, 5) >>> 25) | 0, 9) >>> 0;
          t = a1 << 9;
          a2 ^= a0;
          a3 ^= a1;
          a1 ^= a2;
          a0 ^= a3;
          a2 ^= t;
          a3 = (a3 << 11) | (a3 >>> 21);
          u = (hi * TWO_POW_26 + (r >>> 6)) / TWO_POW_53;
        } while (u === 0);
      }
      pushTime = now + Math.round(-mean * Math.log(u));
      // Sift up.
      const seq = order++;
      let i = n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pt = times[parent]!;
        if (pt < pushTime || (pt === pushTime && orders[parent]! < seq)) break;
        times[i] = pt;
        orders[i] = orders[parent]!;
        kinds[i] = kinds[parent]!;
        i = parent;
      }
      times[i] = pushTime;
      orders[i] = seq;
      kinds[i] = pushKind;
    }
  }
  return { meanWait: totalWait / customers, events };
}
