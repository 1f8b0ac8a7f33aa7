import type { Env } from './parse-router-config.js';

/** SigV4 keys, as `@smithy/signature-v4` takes them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** How a Bedrock deployment authenticates: a bearer token (`apiKey`), else SigV4 keys, else neither. */
export interface BedrockAuth {
  readonly apiKey: string | undefined;
  readonly awsCredentials: AwsCredentials | undefined;
}

function given(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A Bedrock deployment's credentials. What the deployment itself gives wins over the environment:
 * its `api_key` (a Bedrock API key, sent as a bearer token), else its `aws_access_key_id`; only then
 * `AWS_BEARER_TOKEN_BEDROCK`, else `AWS_ACCESS_KEY_ID`. Each key of a pair is read param-first, as
 * every other param is, but a session token is only taken from where the access key came from: an
 * environment's token with a deployment's own key would make every signature fail.
 *
 * @example
 * bedrockAuth({ aws_access_key_id: 'AKIA...', aws_secret_access_key: 's' }, { AWS_BEARER_TOKEN_BEDROCK: 't' })
 * // { apiKey: undefined, awsCredentials: { accessKeyId: 'AKIA...', secretAccessKey: 's' } }
 */
export function bedrockAuth(params: Readonly<Record<string, unknown>>, env: Env): BedrockAuth {
  const ownKeyId = given(params['aws_access_key_id']);
  const token = given(params['api_key']) ?? (ownKeyId === undefined ? given(env['AWS_BEARER_TOKEN_BEDROCK']) : undefined);
  if (token !== undefined) return { apiKey: token, awsCredentials: undefined };
  const accessKeyId = ownKeyId ?? given(env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = given(params['aws_secret_access_key']) ?? given(env['AWS_SECRET_ACCESS_KEY']);
  if (accessKeyId === undefined || secretAccessKey === undefined) return { apiKey: undefined, awsCredentials: undefined };
  const sessionToken = ownKeyId !== undefined ? given(params['aws_session_token']) : given(env['AWS_SESSION_TOKEN']);
  return {
    apiKey: undefined,
    awsCredentials: sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken },
  };
}

/** Bedrock Runtime's endpoint in `region` (the Converse paths go under it). */
export function bedrockRuntimeBase(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}
