// What `require('rxllm')` loads: rxllm is an ES module package (its CLI and API use top-level
// `import`), so a CommonJS `require` gets this clear error instead of a confusing one from deep inside.
'use strict';
throw Object.assign(
  new Error(
    "rxllm is ESM-only: use `import { Router } from 'rxllm'` (an .mjs file, or \"type\": \"module\" in package.json), " +
      "or `const { Router } = await import('rxllm')` from CommonJS.",
  ),
  { code: 'ERR_REQUIRE_ESM' },
);
