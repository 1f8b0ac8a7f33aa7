import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('the package is ESM-only', () => {
  it('require("rxllm") throws an error that says so and how to import it instead', () => {
    const require = createRequire(import.meta.url);
    expect(() => require('rxllm')).toThrow(/rxllm is ESM-only: use `import \{ Router \} from 'rxllm'`.*await import\('rxllm'\)/);
  });
});
