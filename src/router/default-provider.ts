import { Observable } from 'rxjs';
import { APIConnectionError } from '../errors/error-classes.js';
import type { Provider } from '../providers/provider.js';

/** The HTTP provider a Router owns when none is given. (Wired to the undici provider when it lands.) */
export function defaultProvider(): { provider: Provider; close: () => Promise<void> } {
  return {
    provider: {
      call: () => new Observable((subscriber) => subscriber.error(new APIConnectionError('no HTTP provider yet'))),
    },
    close: async () => {},
  };
}
