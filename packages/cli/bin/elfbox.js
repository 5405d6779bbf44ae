#!/usr/bin/env node
// The `elfbox` command that pnpm links (`pnpm exec elfbox ...`): the CLI bundled into ../dist by
// `pnpm install` (scripts/build.mjs).
import { runCli } from '../dist/main.js';

runCli(process.argv.slice(2));
