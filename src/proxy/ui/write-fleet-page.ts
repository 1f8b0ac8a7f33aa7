import type { ServerResponse } from 'node:http';
import { fleetPage, fleetPageCsp } from './fleet-page.js';

const body = Buffer.from(fleetPage, 'utf8');

/** Answers `GET /ui` with the live page. */
export function writeFleetPage(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'content-security-policy': fleetPageCsp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(body);
}
