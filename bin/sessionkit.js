#!/usr/bin/env node
// The `sessionkit` command. The CLI itself is compiled TypeScript in dist/ (built by `npm ci` / `npm run build`).
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    console.error('sessionkit: the CLI is not built yet; run `npm run build` (npm ci does it for you).');
    process.exit(2);
  }
  throw error;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`sessionkit: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
