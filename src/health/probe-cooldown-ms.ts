import { maxTimerMs } from '../config/limits.js';
import type { Deployment, RouterSettings } from '../config/router-settings.js';

/**
 * How long a failed probe may cool its deployment (DESIGN §6 precedence, with no request level):
 * deployment `cooldown_time` > the error's `Retry-After` (seconds) > router `cooldown_time`; a
 * router-wide 0 means never, whatever the provider says.
 */
export function probeCooldownMs(settings: RouterSettings, deployment: Deployment, retryAfter: number | undefined): number {
  if (deployment.cooldownTimeMs !== undefined) return deployment.cooldownTimeMs;
  if (settings.cooldownTimeMs === 0) return 0;
  return retryAfter !== undefined && retryAfter > 0 ? Math.min(retryAfter * 1000, maxTimerMs) : settings.cooldownTimeMs;
}
