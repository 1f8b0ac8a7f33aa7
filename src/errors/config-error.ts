/** One problem found in a configuration: where (`model_list[2].litellm_params.timeout`) and what. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown when a Router config or config.yaml is invalid. `issues` lists every problem; the message
 * has one `path: message` line per issue, so it can be shown to a person as it is.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], heading = 'invalid rxllm config') {
    super(`${heading}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
