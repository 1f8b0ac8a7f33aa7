import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../../src/config/router-config-schema.js';
import { createOpenAICompatibleProvider } from '../../../src/providers/openai-compatible.js';
import { startFakeUpstream, type Behaviour, type FakeUpstream } from '../../support/fake-upstream.js';
import { messages, postChat, startTestProxy, type TestProxy } from '../test-proxy.js';

// The live page in a real headless Chromium (Debian's, driven by playwright-core), against a proxy
// whose two deployments are served by a fake OpenAI upstream. `RXLLM_UI_SCREENSHOT=docs/ui.png`
// (`npm run screenshot`) also saves the page while one deployment cools and the other serves.

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotPath = process.env.RXLLM_UI_SCREENSHOT;
const masterKey = 'sk-master-ui-page-0123';
const providerKey = 'sk-upstream-ui-secret-9';
const auth = { authorization: `Bearer ${masterKey}` };

// Long enough for the picture to show time left, short enough for the spec to see the end.
const cooldownSeconds = screenshotPath === undefined ? 2 : 6;

function config(apiBase: string): RouterConfig {
  const deployment = (id: string, region: string) => ({
    model_name: 'gpt-4o',
    litellm_params: { model: `openai/gpt-4o-${id}`, api_base: `${apiBase}?region=${region}`, api_key: providerKey },
    model_info: { id },
  });
  // One retry: a call that meets the cooling deployment is retried on the other (a retry event).
  return { model_list: [deployment('eastus', 'east'), deployment('westeu', 'west')], num_retries: 1, cooldown_time: cooldownSeconds };
}

/** `model` streams its answers with varied timings (deterministic), so the sparklines have a shape. */
function streamVaried(model: string, seed: number): void {
  const stream = (i: number): Behaviour => ({
    kind: 'stream',
    content: ['Sure', ', ', 'here', ' it', ' is.'],
    firstDelayMs: 15 + ((i * 37 + seed * 11) % 60),
    delayMs: 2 + ((i * 13 + seed) % 7),
  });
  upstream.behave(model, stream(0), ...Array.from({ length: 40 }, (_, i) => stream(i + 1)));
}

/** A streamed call through the proxy, read to its end; resolves with the deployment that answered. */
async function streamCall(url: string): Promise<string | null> {
  const response = await postChat(url, { model: 'gpt-4o', messages, stream: true }, auth);
  await response.text();
  return response.headers.get('x-litellm-model-id');
}

let browser: Browser;
let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy;
let page: Page;
let pageErrors: string[];

// Without the browser every spec here fails, each with this message: never skipped.
const missing = existsSync(chromiumPath) ? undefined : new Error(`chromium not found at ${chromiumPath}: run .ci/run (it installs Debian's chromium)`);

beforeAll(async () => {
  if (missing !== undefined) return;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  if (missing !== undefined) throw missing;
  upstream = await startFakeUpstream();
  streamVaried('gpt-4o-eastus', 1);
  streamVaried('gpt-4o-westeu', 2);
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(config(upstream.apiBase), { masterKey, provider: createOpenAICompatibleProvider({ dispatcher: agent }) });
  // A fresh context per spec: its own session storage, nothing kept from the last one.
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
  page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // The stream's 401 before the key is entered is expected (the browser logs every failed load).
    const expected = message.location().url.endsWith('/v1/router/events') && message.text().includes('401');
    if (message.type() === 'error' && !expected) pageErrors.push(`${message.text()} (${message.location().url})`);
  });
});

afterEach(async () => {
  if (missing !== undefined) return;
  await page.context().close();
  await proxy.close();
  await agent.destroy();
  await upstream.close();
  // Script errors and Content-Security-Policy refusals show as page errors: none is expected.
  expect(pageErrors).toEqual([]);
});

/** Opens /ui and enters the key in the page's form. */
async function openWithKey(key = masterKey): Promise<void> {
  await page.goto(`${proxy.url}/ui`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Connect' }).click();
}

const card = (id: string) => page.locator(`[data-deployment="${id}"]`);
const stateOf = (id: string) => card(id).locator('[data-state]');

// A browser on a shared 2-core machine: generous bounds, never tight.
describe('GET /ui', { timeout: 45_000 }, () => {
  it('serves one self-contained page: inline script and style only, allowed by hash, no key inside', async () => {
    const response = await fetch(`${proxy.url}/ui`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    expect(html).not.toContain(masterKey);
  });

  it('asks for the key, then draws each deployment; a wrong key is refused in the page', async () => {
    await page.goto(`${proxy.url}/ui`);
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('key-needed');
    await openWithKey('sk-not-the-key');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('refused');
    await page.getByLabel('API key').fill(masterKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');
    expect(await page.locator('[data-deployment]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-deployment')))).toEqual([
      'eastus',
      'westeu',
    ]);
    expect(await stateOf('eastus').getAttribute('data-state')).toBe('healthy');
    expect(await card('eastus').textContent()).toContain('openai/gpt-4o-eastus');
    expect(await card('eastus').textContent()).toContain('region=***');
    expect(await page.content()).not.toContain(providerKey);
    // The key stays in this tab's session: a reload connects without asking.
    await page.reload();
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');
  });

  it('shows calls as they happen: in flight, success rate, TTFC and latency sparklines', async () => {
    await openWithKey();
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');
    for (let i = 0; i < 3; i += 1) await Promise.all(Array.from({ length: 4 }, () => streamCall(proxy.url)));
    await expect
      .poll(() => page.locator('[data-sparkline="latency"]').evaluateAll((figures) => figures.map((f) => Number(f.getAttribute('data-points'))).reduce((a, b) => a + b)))
      .toBe(12);
    for (const id of ['eastus', 'westeu']) {
      const points = Number(await card(id).locator('[data-sparkline="ttfc"]').getAttribute('data-points'));
      if (points === 0) continue; // simple-shuffle may have sent every call to the other one
      expect(await card(id).locator('[data-sparkline="ttfc"] path').count()).toBe(2);
      await expect.poll(() => card(id).locator('[data-success-rate]').textContent()).toBe('100 %');
    }
    // In flight comes with the throttled deployments snapshot (every 500 ms at most), after the events that fed the sparklines.
    await expect.poll(() => page.locator('[data-in-flight]').allTextContents()).toEqual(['0', '0']);
  });

  it('turns a deployment "cooling" with its time left ticking once its upstream fails, and back after the cooldown', async () => {
    await openWithKey();
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');
    const warmUp = screenshotPath === undefined ? 3 : 10;
    for (let i = 0; i < warmUp; i += 1) await Promise.all(Array.from({ length: 4 }, () => streamCall(proxy.url)));

    upstream.behave('gpt-4o-eastus', { kind: 'error', status: 429, error: { message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded' } });
    for (let i = 0; i < 40 && (await stateOf('eastus').getAttribute('data-state')) !== 'cooling'; i += 1) await streamCall(proxy.url);
    await expect.poll(() => stateOf('eastus').getAttribute('data-state')).toBe('cooling');
    expect(await stateOf('westeu').getAttribute('data-state')).toBe('healthy');
    expect(await stateOf('eastus').textContent()).toMatch(/^Cooling · \d\.\d s left$/);
    expect(await card('eastus').locator('[data-cooldown-reason]').textContent()).toContain('rate_limit_exceeded');
    expect(await page.locator('[data-events] [data-event-type="cooldownStarted"]').first().textContent()).toContain('eastus');
    expect(await page.locator('[data-events] [data-event-type="retry"]').count()).toBeGreaterThan(0);
    // The time left counts down between snapshots.
    const first = Number(await stateOf('eastus').getAttribute('data-seconds-left'));
    await expect.poll(() => stateOf('eastus').getAttribute('data-seconds-left').then(Number)).toBeLessThan(first);

    if (screenshotPath !== undefined) {
      // The cooling deployment's neighbour keeps serving while the picture is taken.
      const serving = Promise.all(Array.from({ length: 6 }, () => streamCall(proxy.url)));
      await expect.poll(() => card('westeu').locator('[data-in-flight]').textContent()).not.toBe('0');
      await mkdir(dirname(screenshotPath), { recursive: true });
      await page.setViewportSize({ width: 1280, height: 480 }); // fullPage grows it to the content
      await page.screenshot({ path: screenshotPath, fullPage: true });
      await serving;
    }

    // After cooldown_time it takes calls again: partial (its latest calls failed) until one succeeds.
    streamVaried('gpt-4o-eastus', 3);
    await expect.poll(() => stateOf('eastus').getAttribute('data-state'), { timeout: cooldownSeconds * 1_000 + 5_000 }).not.toBe('cooling');
    expect(await page.locator('[data-events] [data-event-type="cooldownEnded"]').first().textContent()).toContain('eastus');
    for (let i = 0; i < 40 && (await stateOf('eastus').getAttribute('data-state')) !== 'healthy'; i += 1) await streamCall(proxy.url);
    await expect.poll(() => stateOf('eastus').getAttribute('data-state')).toBe('healthy');
    expect(await stateOf('eastus').textContent()).toBe('Healthy');
  });

  it('lists event types it does not know with their fields, and keeps drawing', async () => {
    await openWithKey();
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');
    // An event type a later rxllm may add, pushed where the router publishes its events.
    const events = (proxy.router as unknown as { core: { events: { next(event: unknown): void } } }).core.events;
    events.next({ type: 'budgetWarning', call: 7, group: 'gpt-4o', deployment: 'westeu', afterMs: 250, at: Date.now() });
    const item = page.locator('[data-events] [data-event-type="budgetWarning"]');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('afterMs=250');
    await streamCall(proxy.url);
    await expect
      .poll(() => page.locator('[data-sparkline="latency"]').evaluateAll((figures) => figures.map((f) => Number(f.getAttribute('data-points'))).reduce((a, b) => a + b)))
      .toBe(1);
  });
});
