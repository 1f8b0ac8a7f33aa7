import { ConfigError } from '../../src/errors/config-error.js';

/** The `path: message` lines of the ConfigError `run` throws (none when it throws nothing); any other error is rethrown. */
export function configIssues(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}
