// examples/litellm-timeouts.yaml (the configs LiteLLM's timeout documentation shows) loads unchanged
// and serves: Azure, Gemini and Bedrock deployments, each against a local fake speaking that
// provider's wire format, with their clocks and the fallback between groups.
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startProxy, type RunningProxy } from '../../src/index.js';
import { startFakeBedrock, type FakeBedrock } from '../support/fake-bedrock.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { fixture } from '../support/fixtures.js';

const configPath = fileURLToPath(new URL('../../examples/litellm-timeouts.yaml', import.meta.url));
const geminiAnswer = fixture(new URL('../providers/gemini/fixtures/completion.json', import.meta.url));

let openaiLike: FakeUpstream;
let bedrock: FakeBedrock;
let proxy: RunningProxy;
let client: OpenAI;

beforeAll(async () => {
  openaiLike = await startFakeUpstream();
  bedrock = await startFakeBedrock({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' } });
  const base = `http://127.0.0.1:${openaiLike.port}`;
  const env = {
    AZURE_API_BASE: base,
    AZURE_API_KEY: 'az-example-key',
    AZURE_API_VERSION: '2024-10-21',
    GEMINI_API_KEY: 'AIza-example-key',
    GEMINI_API_BASE: base,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
    AWS_BEDROCK_RUNTIME_ENDPOINT: bedrock.apiBase,
  };
  proxy = await startProxy({ config: configPath, env, port: 0, log: () => undefined });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await openaiLike.close();
  await bedrock.close();
});

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];

describe('examples/litellm-timeouts.yaml', () => {
  it('loads with each deployment on its provider and its clocks in milliseconds', async () => {
    const { settings } = await loadConfig(configPath, {
      AZURE_API_BASE: 'https://r.openai.azure.com',
      AZURE_API_KEY: 'k',
      AZURE_API_VERSION: '2024-10-21',
      GEMINI_API_KEY: 'g',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 's',
    });
    expect(settings.deployments.map(({ provider, model, timeoutMs, streamTimeoutMs }) => ({ provider, model, timeoutMs, streamTimeoutMs }))).toEqual([
      { provider: 'azure', model: 'chatgpt-v-2', timeoutMs: 300_000, streamTimeoutMs: 30_000 },
      { provider: 'gemini', model: 'gemini-1.5-flash', timeoutMs: undefined, streamTimeoutMs: 10_000 },
      { provider: 'bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', timeoutMs: undefined, streamTimeoutMs: 5_000 },
    ]);
    expect(settings.timeoutMs).toBe(30_000);
  });

  it('serves the Azure deployment at its own URL with its key header', async () => {
    openaiLike.behave('chatgpt-v-2', { kind: 'answer', content: 'from azure' });
    const completion = await client.chat.completions.create({ model: 'gpt-3.5-turbo', messages });
    expect(completion.choices[0]?.message.content).toBe('from azure');
    const seen = openaiLike.requests.at(-1);
    expect(seen?.path).toBe('/openai/deployments/chatgpt-v-2/chat/completions?api-version=2024-10-21');
    expect(seen?.headers['api-key']).toBe('az-example-key');
  });

  it('falls back from Azure to Gemini when Azure fails', async () => {
    openaiLike.behave('chatgpt-v-2', { kind: 'error', status: 503 });
    openaiLike.behave('gemini-1.5-flash', { kind: 'raw', contentType: 'application/json; charset=UTF-8', pieces: [geminiAnswer] });
    const response = await client.chat.completions.create({ model: 'gpt-3.5-turbo', messages }).withResponse();
    expect(response.response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(response.data.choices[0]?.message.content).toBeTruthy();
    expect(openaiLike.requests.at(-1)?.path).toBe('/v1beta/models/gemini-1.5-flash:generateContent');
  });

  it('serves the Bedrock deployment, signed with SigV4 (the fake re-signs and compares)', async () => {
    bedrock.behave('anthropic.claude-3-5-haiku-20241022-v1:0', { kind: 'answer', text: 'from bedrock' });
    const completion = await client.chat.completions.create({ model: 'claude-bedrock', messages });
    expect(completion.choices[0]?.message.content).toBe('from bedrock');
  });
});
