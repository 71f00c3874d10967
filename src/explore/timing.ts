/**
 * Where one update's time goes, by phase (run, index, each view, the URL): each phase is a User
 * Timing measure named "explore <phase>", so it shows in DevTools' performance panel, and its
 * milliseconds are summed into the update's `phases`, which the page hands to its "explore:ready"
 * event for the bench and scripts/profile-explore.ts. Only the latest update's measures are kept.
 */

export class Phases {
  private ms: Record<string, number> = {};

  /** Starts a new update: forgets the last one's figures and measures. */
  reset(): void {
    this.ms = {};
    performance.clearMeasures();
  }

  /** Runs `f`, counting its time under `name`. */
  time<T>(name: string, f: () => T): T {
    const start = performance.now();
    try {
      return f();
    } finally {
      const end = performance.now();
      this.ms[name] = (this.ms[name] ?? 0) + (end - start);
      performance.measure(`explore ${name}`, { start, end });
    }
  }

  /** Counts `ms` measured elsewhere (an asynchronous run) under `name`. */
  add(name: string, ms: number): void {
    this.ms[name] = (this.ms[name] ?? 0) + ms;
  }

  /** The update's milliseconds by phase, rounded to 0.1 ms. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.ms).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  }
}
