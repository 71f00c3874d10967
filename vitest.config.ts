import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Timeouts catch a hang, not a slow machine: on 2 cores shared at load 8 or more, a test of a
    // thousand random scenarios can take several times its idle time.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Both cores of a 2-core machine: vitest's default leaves one idle (availableParallelism - 1).
    // Test files share no paths or ports (each makes its own temporary folder).
    maxWorkers: 2,
  },
});
