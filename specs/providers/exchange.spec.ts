import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors/error-classes.js';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import { exchange$ } from '../../src/providers/exchange.js';
import { openAIWireFormat } from '../../src/providers/openai-wire-format.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import type { WireFormat } from '../../src/providers/wire-format.js';
import { settle, watchUnhandledErrors } from '../support/watch-unhandled-errors.js';
import { testDeployment } from '../support/test-deployment.js';

const request: ProviderRequest = {
  deployment: testDeployment({ apiBase: 'http://127.0.0.1:9/v1', model: 'm' }),
  body: { model: 'm', messages: [] },
  stream: false,
};
const options: Dispatcher.DispatchOptions = { origin: 'http://127.0.0.1:9', path: '/x', method: 'POST' };

/** A dispatcher that only records what it was asked to send. */
function recordingDispatcher(): { dispatcher: Dispatcher; sent: Dispatcher.DispatchOptions[] } {
  const sent: Dispatcher.DispatchOptions[] = [];
  const dispatcher = { dispatch: (sending: Dispatcher.DispatchOptions) => sent.push(sending) > 0 } as unknown as Dispatcher;
  return { dispatcher, sent };
}

/** A format whose options (a signature, say) are ready only when the spec says so. */
function deferredFormat(): { format: WireFormat; resolve: (value: Dispatcher.DispatchOptions) => void; reject: (error: unknown) => void } {
  let resolve: (value: Dispatcher.DispatchOptions) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const pending = new Promise<Dispatcher.DispatchOptions>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { format: { ...openAIWireFormat, dispatchOptions: () => pending }, resolve, reject };
}

describe('exchange$ with options made asynchronously', () => {
  it('sends the request once the options are ready', async () => {
    const { dispatcher, sent } = recordingDispatcher();
    const { format, resolve } = deferredFormat();
    const subscription = exchange$(request, dispatcher, Date.now, format).subscribe();
    await settle();
    expect(sent).toEqual([]);
    resolve(options);
    await settle();
    expect(sent).toEqual([options]);
    subscription.unsubscribe();
  });

  it('sends nothing when unsubscribed before they are ready', async () => {
    const { dispatcher, sent } = recordingDispatcher();
    const { format, resolve } = deferredFormat();
    exchange$(request, dispatcher, Date.now, format).subscribe().unsubscribe();
    resolve(options);
    await settle();
    expect(sent).toEqual([]);
  });

  it('fails the call with the typed error when they cannot be made, sending nothing', async () => {
    const { dispatcher, sent } = recordingDispatcher();
    const { format, reject } = deferredFormat();
    const errors: unknown[] = [];
    exchange$(request, dispatcher, Date.now, format).subscribe({ error: (error: unknown) => errors.push(error) });
    reject(new AuthenticationError('no credentials'));
    await settle();
    expect(errors).toEqual([expect.any(AuthenticationError)]);
    expect(sent).toEqual([]);
  });

  it('fails the call, rather than leaving an unhandled rejection, when the dispatcher throws', async () => {
    const dispatcher = {
      dispatch: () => {
        throw new TypeError('invalid dispatch options');
      },
    } as unknown as Dispatcher;
    const { format, resolve } = deferredFormat();
    const watch = watchUnhandledErrors();
    const errors: unknown[] = [];
    exchange$(request, dispatcher, Date.now, format).subscribe({ error: (error: unknown) => errors.push(error) });
    resolve(options);
    await settle();
    watch.stop();
    expect(errors).toEqual([expect.any(RxllmError)]);
    expect(watch.errors).toEqual([]);
  });

  it('still sends a synchronous format in the tick it is subscribed', () => {
    const { dispatcher, sent } = recordingDispatcher();
    const subscription = exchange$(request, dispatcher, Date.now, openAIWireFormat).subscribe();
    expect(sent).toHaveLength(1);
    subscription.unsubscribe();
  });
});
