import { throwError } from 'rxjs';
import type { Dispatcher } from 'undici';
import { BadRequestError } from '../errors/error-classes.js';
import { anthropicWireFormat } from './anthropic/anthropic-wire-format.js';
import { azureWireFormat } from './azure/azure-wire-format.js';
import { bedrockWireFormat } from './bedrock/bedrock-wire-format.js';
import { defaultAgent } from './default-agent.js';
import { exchange$ } from './exchange.js';
import { geminiWireFormat } from './gemini/gemini-wire-format.js';
import { openAIWireFormat } from './openai-wire-format.js';
import { textViaChat$ } from './text-via-chat.js';
import type { Provider } from './provider.js';
import type { WireFormat } from './wire-format.js';

/** The adapter for each provider prefix of `litellm_params.model` (config's `supportedProviders`). */
export const wireFormats: ReadonlyMap<string, WireFormat> = new Map([
  ['openai', openAIWireFormat],
  ['anthropic', anthropicWireFormat],
  ['azure', azureWireFormat],
  ['bedrock', bedrockWireFormat],
  ['gemini', geminiWireFormat],
]);

export interface HttpProviderOptions {
  /** The undici dispatcher to send through. Default: the shared keep-alive agent (`defaultAgent()`). */
  readonly dispatcher?: Dispatcher;
  /** Wall-clock time in ms (a `Retry-After` HTTP-date, `created` of translated answers). Default: `Date.now`. */
  readonly now?: () => number;
}

/**
 * The provider a Router calls deployments through: each call goes out in its deployment's wire format
 * (`deployment.provider`: openai, anthropic, azure, bedrock, gemini), chosen by one map lookup, over one shared undici
 * dispatcher. Everything else (clocks, retries, fallbacks, cooldowns) stays above it.
 *
 * @example
 * const provider = createHttpProvider({ dispatcher: new Agent({ headersTimeout: 0, bodyTimeout: 0 }) });
 */
export function createHttpProvider(options: HttpProviderOptions = {}): Provider {
  const now = options.now ?? Date.now;
  return {
    call: (request) => {
      const format = wireFormats.get(request.deployment.provider);
      if (format === undefined) {
        // Config validation stops this for parsed configs; a hand-built deployment can still get here.
        return throwError(
          () => new BadRequestError(`provider "${request.deployment.provider}" is not supported`, { param: 'model', code: 'unsupported_provider' }),
        );
      }
      const dispatcher = options.dispatcher ?? defaultAgent();
      const kind = request.kind ?? 'chat';
      if (kind === 'chat' || format.kinds?.has(kind) === true) return exchange$(request, dispatcher, now, format);
      if (kind === 'text_completion') return textViaChat$(request, (chat) => exchange$(chat, dispatcher, now, format));
      return throwError(
        () =>
          new BadRequestError(`embeddings are not supported for ${request.deployment.provider}/ deployments (deployment ${request.deployment.id})`, {
            param: 'model',
            code: 'unsupported_endpoint',
          }),
      );
    },
  };
}
