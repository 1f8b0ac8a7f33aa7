import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    environment: 'node',
    // Vitest runs cores − 1 workers by default: on this 2-core machine one worker ran the 148 files
    // one after another (npm test 170 s); two take 101 s. The specs' bounds are generous.
    maxWorkers: 2,
    // Integration specs start servers on 127.0.0.1; bounds are generous, never tight.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
