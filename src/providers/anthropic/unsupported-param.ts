import { BadRequestError } from '../../errors/error-classes.js';

/**
 * The 400 for a request field Anthropic cannot take: it names the field (`param`) and the way out,
 * as LiteLLM's `UnsupportedParamsError` does. Never thrown when `drop_params` is set.
 *
 * @example
 * throw unsupportedParam('logit_bias', 'logit_bias');
 */
export function unsupportedParam(param: string, what: string): BadRequestError {
  return new BadRequestError(`${what} is not supported for anthropic/ deployments (set drop_params: true to drop it)`, {
    param,
    code: 'unsupported_parameter',
  });
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
