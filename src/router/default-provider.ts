import { Agent } from 'undici';
import { createHttpProvider } from '../providers/http-provider.js';
import type { Provider } from '../providers/provider.js';

/**
 * The HTTP provider a Router owns when none is given: every supported provider's wire format
 * (chosen per deployment) over its own undici `Agent` (keep-alive pool per origin), so that
 * `router.close()` closes exactly the sockets this router opened. The agent's own header/body
 * timeouts are off: the router's clocks govern every wait.
 */
export function defaultProvider(): { provider: Provider; close: () => Promise<void> } {
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return {
    provider: createHttpProvider({ dispatcher: agent }),
    close: () => agent.close(),
  };
}
