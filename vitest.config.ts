import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native modules (SQLCipher, keytar) and child processes: forks are the safe pool.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Argon2id at its floor uses 64 MiB and 4 lanes; two cores are busy enough with two files at a time.
    maxWorkers: 2,
  },
});
