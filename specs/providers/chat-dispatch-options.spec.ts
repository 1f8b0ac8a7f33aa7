import { describe, expect, it } from 'vitest';
import { chatDispatchOptions } from '../../src/providers/chat-dispatch-options.js';
import { testDeployment } from '../support/test-deployment.js';

const body = { model: 'gpt-x', messages: [{ role: 'user', content: 'Hi' }] };

describe('chatDispatchOptions', () => {
  it('POSTs JSON to {apiBase}/chat/completions, keeping the base path and dropping trailing slashes', () => {
    const deployment = testDeployment({ apiBase: 'http://127.0.0.1:8080/proxy/v1///', model: 'gpt-x', apiKey: 'sk-1' });
    const options = chatDispatchOptions({ deployment, body, stream: false });
    expect(options).toMatchObject({ origin: 'http://127.0.0.1:8080', path: '/proxy/v1/chat/completions', method: 'POST' });
    expect(JSON.parse(options.body as string)).toEqual(body);
    expect(options.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer sk-1' });
  });

  it('asks for an event stream when streaming, and sends no authorization without a key', () => {
    const deployment = testDeployment({ apiBase: 'http://127.0.0.1:8080/v1', model: 'gpt-x', apiKey: '' });
    expect(chatDispatchOptions({ deployment, body, stream: true }).headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
  });

  it('sends text completions to /completions and embeddings to /embeddings under the same base', () => {
    const deployment = testDeployment({ apiBase: 'http://127.0.0.1:8080/v1', model: 'gpt-x' });
    expect(chatDispatchOptions({ deployment, body, stream: false, kind: 'text_completion' }).path).toBe('/v1/completions');
    expect(chatDispatchOptions({ deployment, body, stream: false, kind: 'embedding' }).path).toBe('/v1/embeddings');
  });

  it("puts the endpoint before the base's query, never inside it", () => {
    const deployment = testDeployment({ apiBase: 'http://127.0.0.1:8080/v1?tenant=a', model: 'gpt-x' });
    expect(chatDispatchOptions({ deployment, body, stream: false }).path).toBe('/v1/chat/completions?tenant=a');
  });

  it('gives each deployment its own target, parsed once', () => {
    const a = testDeployment({ apiBase: 'http://127.0.0.1:1/a', model: 'x' });
    const b = testDeployment({ apiBase: 'http://127.0.0.1:2/b', model: 'x' });
    expect(chatDispatchOptions({ deployment: a, body, stream: false })).toMatchObject({ origin: 'http://127.0.0.1:1', path: '/a/chat/completions' });
    expect(chatDispatchOptions({ deployment: b, body, stream: false })).toMatchObject({ origin: 'http://127.0.0.1:2', path: '/b/chat/completions' });
    expect(chatDispatchOptions({ deployment: a, body, stream: false })).toMatchObject({ origin: 'http://127.0.0.1:1', path: '/a/chat/completions' });
  });

  it('throws for an api_base that is not a URL, and for a body that is not JSON-able', () => {
    const broken = testDeployment({ apiBase: 'not a url', model: 'x' });
    expect(() => chatDispatchOptions({ deployment: broken, body, stream: false })).toThrow(TypeError);
    const deployment = testDeployment({ apiBase: 'http://127.0.0.1:1/v1', model: 'x' });
    expect(() => chatDispatchOptions({ deployment, body: { big: 1n }, stream: false })).toThrow(TypeError);
  });
});
