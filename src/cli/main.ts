#!/usr/bin/env node
// The `rxllm` command. Everything is in runCli; this file only binds it to the process.
import { runCli } from './run-cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // Unexpected: still one line a person can read, not a stack trace.
  process.stderr.write(`rxllm: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
// Whatever might still hold the event loop open (a keep-alive socket, a timer) must not keep a
// stopped proxy alive.
setTimeout(() => process.exit(), 2_000).unref();
