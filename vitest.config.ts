import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    environment: 'node',
    // Integration specs start servers on 127.0.0.1; bounds are generous, never tight.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
