import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Dispatcher } from 'undici';
import type { Deployment } from '../../config/router-settings.js';
import { AuthenticationError, BadRequestError } from '../../errors/error-classes.js';
import type { ProviderRequest } from '../provider.js';
import { bedrockEmbedRequest } from './bedrock-embeddings.js';
import { converseRequest } from './converse-request.js';

// SHA-256 from node:crypto, as the AWS SDK for Node signs: the pure-JS hasher took twice the CPU per
// signed request on the event loop (347 vs 174 µs for a 2 KB body, a loaded 2-core machine).
const nodeSha256 = Hash.bind(null, 'sha256');

interface Target {
  readonly origin: string;
  /** The `Host` header: SigV4 signs it, so it is sent as signed rather than left to undici. */
  readonly host: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  /** `{base path}/model/<modelId>`, the model id URI-encoded: `/converse`, `/converse-stream` or `/invoke` follows. */
  readonly modelPath: string;
  readonly signer: SignatureV4 | undefined;
}

// LiteLLM's `bedrock/converse/<model>` names the API explicitly: Converse is the only one here.
const converseRoute = /^converse\//;

// The URL and the signer (which caches its signing key per day) are made once per deployment.
const targets = new WeakMap<Deployment, Target>();

/** AWS's URI encoding of a path segment: encodeURIComponent, and `!'()*` too (ARNs, `:` in ids). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    if (deployment.apiBase === '') {
      throw new BadRequestError(`deployment ${deployment.id}: bedrock/ needs aws_region_name (or AWS_REGION) or api_base`, { param: 'aws_region_name' });
    }
    const url = new URL(deployment.apiBase);
    const { awsCredentials, awsRegionName } = deployment;
    const bearer = deployment.apiKey !== undefined && deployment.apiKey !== '';
    if (!bearer && awsCredentials === undefined) {
      throw new AuthenticationError(
        `deployment ${deployment.id}: bedrock/ needs aws_access_key_id and aws_secret_access_key, or api_key (AWS_BEARER_TOKEN_BEDROCK)`,
        { param: 'aws_access_key_id' },
      );
    }
    if (!bearer && (awsRegionName === undefined || awsRegionName === '')) {
      throw new BadRequestError(`deployment ${deployment.id}: bedrock/ signs with aws_region_name (or AWS_REGION)`, { param: 'aws_region_name' });
    }
    target = {
      origin: url.origin,
      host: url.host,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      modelPath: `${url.pathname.replace(/\/+$/, '')}/model/${encodeSegment(deployment.model.replace(converseRoute, ''))}`,
      signer:
        bearer || awsCredentials === undefined
          ? undefined
          : new SignatureV4({ service: 'bedrock', region: awsRegionName ?? '', credentials: awsCredentials, sha256: nodeSha256 }),
    };
    targets.set(deployment, target);
  }
  return target;
}

/**
 * What undici's `dispatch` needs to call Bedrock's Converse API for `request`:
 * `POST {apiBase}/model/<modelId>/converse` (or `/converse-stream`; a `converse/` route prefix on the
 * model, as LiteLLM writes it, is left out), the body translated by
 * `converseRequest`; an embeddings call (`kind: 'embedding'`) goes to InvokeModel's `/invoke` with the
 * Titan or Cohere body its model id takes (`bedrockEmbedRequest`). With a bearer token (`api_key`, `AWS_BEARER_TOKEN_BEDROCK`) the options are
 * ready at once; with SigV4 keys they are a Promise, as signing is asynchronous in
 * `@smithy/signature-v4` (service `bedrock`, the deployment's region; the body's hash is signed too).
 * Throws a typed error for a body Converse cannot take or a deployment it cannot call.
 *
 * @example
 * await bedrockDispatchOptions({ deployment, body, stream: true })
 * // { path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream', headers: { authorization: 'AWS4-HMAC-SHA256 ...', ... }, ... }
 */
export function bedrockDispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions | Promise<Dispatcher.DispatchOptions> {
  const { deployment } = request;
  const target = targetOf(deployment);
  const embedding = request.kind === 'embedding';
  const body = JSON.stringify(embedding ? bedrockEmbedRequest(request) : converseRequest(request.body));
  const path = `${target.modelPath}/${embedding ? 'invoke' : request.stream ? 'converse-stream' : 'converse'}`;
  // As AWS's SDKs send them: Converse without Accept (the operation decides between JSON and the
  // event stream); InvokeModel with the answer's type, which it passes to the model.
  const headers: Record<string, string> = { host: target.host, 'content-type': 'application/json' };
  if (embedding) headers['accept'] = 'application/json';
  if (target.signer === undefined) {
    headers['authorization'] = `Bearer ${deployment.apiKey ?? ''}`;
    return { origin: target.origin, path, method: 'POST', headers, body };
  }
  const unsigned = {
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port === undefined ? {} : { port: target.port }),
    path,
    query: {},
    headers,
    body,
  };
  return target.signer.sign(unsigned).then((signed) => ({ origin: target.origin, path, method: 'POST', headers: signed.headers, body }));
}
