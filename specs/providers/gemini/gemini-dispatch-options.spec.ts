import { describe, expect, it } from 'vitest';
import { geminiDispatchOptions } from '../../../src/providers/gemini/gemini-dispatch-options.js';
import { testDeployment } from '../../support/test-deployment.js';

const body = { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }], stream: true };
const deployment = (apiBase: string) => testDeployment({ provider: 'gemini', apiBase, model: 'gemini-2.0-flash', apiKey: 'AIza-key' });

describe('geminiDispatchOptions', () => {
  it('POSTs to :generateContent, or :streamGenerateContent?alt=sse when streaming, under the api_base path', () => {
    const base = deployment('https://gateway.example/google/');
    expect(geminiDispatchOptions({ deployment: base, body, stream: false })).toMatchObject({
      origin: 'https://gateway.example',
      path: '/google/v1beta/models/gemini-2.0-flash:generateContent',
      method: 'POST',
    });
    expect(geminiDispatchOptions({ deployment: base, body, stream: true }).path).toBe(
      '/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    );
  });

  it('sends the key in x-goog-api-key, never in the URL', () => {
    const options = geminiDispatchOptions({ deployment: deployment('https://generativelanguage.googleapis.com'), body, stream: true });
    expect(options.headers).toEqual({ 'content-type': 'application/json', accept: 'text/event-stream', 'x-goog-api-key': 'AIza-key' });
    expect(options.path).not.toContain('key');
  });

  it('sends the translated body, not the OpenAI one', () => {
    const sent = JSON.parse(String(geminiDispatchOptions({ deployment: deployment('http://127.0.0.1:1'), body, stream: true }).body)) as unknown;
    expect(sent).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });
});
