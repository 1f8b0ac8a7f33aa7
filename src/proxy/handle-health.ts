import type { IncomingMessage, ServerResponse } from 'node:http';
import { map, type Observable } from 'rxjs';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { Deployment } from '../config/router-settings.js';
import type { HealthReport, ProbeOptions } from '../health/health-report.js';
import { selectDeployments } from '../health/select-deployments.js';
import type { ActiveRequest } from './active-requests.js';
import { healthBody } from './health-body.js';
import type { ProxyContext } from './proxy-context.js';
import type { RequestRecord } from './request-log.js';
import { writeError } from './write-error.js';

/** `?model=` (a group or alias) and `?model_id=` (a deployment), as LiteLLM's `/health` takes them. */
function probeOptions(req: IncomingMessage): ProbeOptions {
  const query = new URL(req.url ?? '/', 'http://rxllm').searchParams;
  return { group: query.get('model') ?? undefined, deploymentId: query.get('model_id') ?? undefined };
}

/** The cached round narrowed to the deployments the query asks for. */
function narrowed(report: HealthReport, wanted: readonly Deployment[]): HealthReport {
  if (wanted.length === report.probes.length) return report;
  return { at: report.at, probes: report.probes.filter((probe) => wanted.includes(probe.deployment)) };
}

/**
 * LiteLLM's `GET /health` (DESIGN §11): every deployment probed with a minimal call, in parallel,
 * each under its health-check timeout, answered as `healthy_endpoints` / `unhealthy_endpoints` and
 * their counts, never a key. With background checks on, the latest round is served instead of
 * probing again. The client leaving (or the drain) aborts probes still running.
 */
export function handleHealth(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, record: RequestRecord, active: ActiveRequest): void {
  const options = probeOptions(req);
  record.model = options.group;
  const background = ctx.healthChecks;
  let report$: Observable<HealthReport>;
  if (background === undefined) {
    report$ = ctx.router.probeDeployments$(options);
  } else {
    let wanted: readonly Deployment[];
    try {
      wanted = selectDeployments(ctx.router.settings, options);
    } catch (error) {
      const failure = toRxllmError(error);
      record.error = failure.code;
      return writeError(res, failure);
    }
    report$ = background.latest$.pipe(map((report) => narrowed(report, wanted)));
  }
  const subscription = report$.subscribe({
    next: (report) => {
      if (res.headersSent || res.destroyed) return;
      const json = JSON.stringify(healthBody(report));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    },
    error: (error: unknown) => {
      const failure = toRxllmError(error);
      record.error = failure.code;
      writeError(res, failure);
    },
  });
  active.onClose = () => subscription.unsubscribe();
  active.abort = (error) => {
    subscription.unsubscribe();
    record.error = error.code;
    writeError(res, error);
  };
}
