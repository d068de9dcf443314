#!/usr/bin/env node
// The command runs the bundle `npm run build` makes of src/cli/main.ts (one file to load instead of a hundred:
// start-up time); the library's entry point stays dist/src/index.js.
import { main } from '../dist/bundle/main.js';
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
