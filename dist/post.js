import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);

// src/github/post.ts
async function runPost() {
  await Promise.resolve();
}

// src/post.ts
await runPost();
