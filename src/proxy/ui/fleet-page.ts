import { createHash } from 'node:crypto';
import { fleetPageScript } from './fleet-page-script.js';
import { fleetPageStyle } from './fleet-page-style.js';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * `GET /ui`: one self-contained page (inline CSS and script, no framework, no build step) that draws
 * the fleet live from `GET /v1/router/events`. It holds no data itself; the key is asked in the page.
 */
export const fleetPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>rxllm · fleet</title>
<style>${fleetPageStyle}</style>
</head>
<body>
<header class="top">
  <h1>rxllm <span>fleet</span></h1>
  <p id="conn" class="conn" role="status" aria-live="polite" data-connection="connecting">Connecting…</p>
  <p id="summary" class="summary" data-summary aria-live="off"></p>
</header>
<main>
  <form id="key-form" class="key-form" data-key-form aria-labelledby="key-title" hidden>
    <h2 id="key-title">Key needed</h2>
    <p>This proxy has a <code>master_key</code>. It is kept in this tab's session storage and sent as a Bearer header only.</p>
    <div class="row">
      <label class="visually-hidden" for="key">API key</label>
      <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" placeholder="sk-…" required>
      <button type="submit">Connect</button>
    </div>
    <p id="key-error" role="alert"></p>
  </form>
  <section class="fleet-section" aria-labelledby="fleet-title">
    <h2 id="fleet-title" class="visually-hidden">Deployments</h2>
    <div id="fleet" data-fleet></div>
  </section>
  <aside class="events-panel" aria-labelledby="events-title">
    <h2 id="events-title">Recent events</h2>
    <ol id="events" class="events" role="log" aria-live="polite" data-events><li class="none">Retries, fallbacks, failures and cooldowns show here.</li></ol>
  </aside>
</main>
<script>${fleetPageScript}</script>
</body>
</html>
`;

/**
 * The page's Content-Security-Policy: only its own inline style and script (by hash) run, and the
 * only connection it may open is to this origin, so a key typed into it cannot be sent elsewhere.
 */
export const fleetPageCsp = [
  "default-src 'none'",
  `script-src ${sha256(fleetPageScript)}`,
  `style-src ${sha256(fleetPageStyle)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
