import { request as httpRequest, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startFakeUpstream } from '../support/fake-upstream.js';
import { cliSandbox, spawnCli, type CliProcess } from './spawn-cli.js';

// The rxllm CLI as users run it: a child process (tsx, from source), driven over HTTP and signals.

const { running, file } = cliSandbox('rxllm-cli-');

function start(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const cli = spawnCli(args, env);
  running.push(cli);
  return cli;
}

async function listening(cli: CliProcess): Promise<string> {
  const line = await cli.waitForLine(/msg="rxllm proxy listening"/);
  const url = /url=(\S+)/.exec(line)?.[1];
  if (url === undefined) throw new Error(`no url in ${line}`);
  return url;
}

const messages = [{ role: 'user', content: 'Hi' }];

function postChat(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('rxllm: command line', () => {
  it('a bad config file exits 1 with every problem as path: message, and no stack trace', async () => {
    const path = await file(
      'bad.yaml',
      `model_list:
  - model_name: a
    litellm_params:
      model: openai/a
      timeout: -1
      stream_timout: 1
litellm_settings:
  request_timout: 5
router_settings:
  timeout: soon
  stream_timout: 3
general_settings:
  master_key: os.environ/RXLLM_SPEC_UNSET_KEY
`,
    );
    const cli = start(['--config', path]);
    expect((await cli.exited).code).toBe(1);
    const lines = cli.stderr().split('\n');
    expect(lines[0]).toContain(path);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}model_list\[0\]\.litellm_params\.timeout: expected a positive number of seconds/),
        expect.stringMatching(/^ {2}router_settings\.timeout: expected a positive number of seconds/),
        '  model_list[0].litellm_params.stream_timout: unknown setting (did you mean "stream_timeout"?)',
        '  litellm_settings.request_timout: unknown setting (did you mean "request_timeout"?)',
        '  router_settings.stream_timout: unknown setting (did you mean "stream_timeout"?)',
        '  general_settings.master_key: environment variable RXLLM_SPEC_UNSET_KEY is not set',
      ]),
    );
    expect(cli.stderr()).not.toMatch(/^\s+at /m);
    expect(cli.stdout()).toBe('');
  });
});

describe('rxllm: serving', () => {
  it('serves the bundled config.yaml when no --config is given, and exits 0 on SIGINT', async () => {
    const cli = start(['--port', '0']);
    const url = await listening(cli);
    expect(cli.stdout()).toMatch(/config=\S*config\.yaml/);
    expect(await cli.waitForLine(/msg="model groups"/)).toContain('groups=gpt-4o,gpt-4o-mini');
    expect(await cli.waitForLine(/auth=/)).toContain('auth=off');
    const response = await postChat(url, { model: 'gpt-4o-mini', messages });
    expect(response.status).toBe(200);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it('logs where it listens, the config, the groups, auth and the ignored keys; then one line per request, keys kept out', async () => {
    const path = await file(
      'logged.yaml',
      `model_list:
  - model_name: fast
    litellm_params: { model: openai/fast, mock_response: hi }
litellm_settings:
  success_callback: [langfuse]
general_settings:
  master_key: os.environ/RXLLM_SPEC_MASTER_KEY
`,
    );
    const masterKey = 'sk-spec-master-123456';
    const cli = start(['--config', path, '--port', '0'], { ...process.env, RXLLM_SPEC_MASTER_KEY: masterKey });
    const url = await listening(cli);
    expect(cli.stdout()).toContain(`config=${path}`);
    expect(await cli.waitForLine(/auth=/)).toContain('auth=on');
    expect(await cli.waitForLine(/ignored config key/)).toContain('msg="ignored config key: not used by rxllm" key=litellm_settings.success_callback');
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
      body: JSON.stringify({ model: 'fast', messages }),
    });
    expect(response.status).toBe(200);
    const line = await cli.waitForLine(/msg=request/);
    expect(line).toMatch(/method=POST path=\/v1\/chat\/completions model=fast deployment=fast\/0 status=200 duration_ms=[\d.]+ /);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout()).not.toContain(masterKey);
    expect(cli.stderr()).not.toContain(masterKey);
  });

  it('on SIGTERM refuses new calls with 503, lets the in-flight call finish, then exits 0', async () => {
    const path = await file(
      'drain.yaml',
      `model_list:
  - model_name: slow            # answers after ~0.8 s: its stream_timeout fires, then the fallback answers
    litellm_params: { model: openai/slow, mock_timeout: true, stream_timeout: 0.8, num_retries: 0 }
  - model_name: fast
    litellm_params: { model: openai/fast, mock_response: drained fine }
router_settings:
  fallbacks: [{ slow: [fast] }]
`,
    );
    const cli = start(['--config', path, '--port', '0']);
    const url = await listening(cli);

    const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
    const inFlight = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    await new Promise<void>((resolve) => req.end(JSON.stringify({ model: 'slow', messages, stream: true }), resolve));
    // Let the request reach the server; the shutdown line below proves it was in flight.
    await new Promise((resolve) => setTimeout(resolve, 150));
    cli.child.kill('SIGTERM');
    expect(await cli.waitForLine(/msg="shutting down/)).toContain('in_flight=1');

    const refused = await postChat(url, { model: 'fast', messages });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
    expect((await fetch(`${url}/health/readiness`)).status).toBe(503);

    const response = await inFlight;
    expect(response.statusCode).toBe(200);
    let body = '';
    response.setEncoding('utf8');
    for await (const piece of response) body += piece as string;
    expect(body).toContain('drained');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);

    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toContain('msg=stopped');
  });

  it('calls an OpenAI-compatible upstream (the fake one on 127.0.0.1) with the key from the environment', async () => {
    const upstream = await startFakeUpstream();
    try {
      upstream.behave('upstream-model', { kind: 'answer', content: 'hello through the CLI' });
      const path = await file(
        'upstream.yaml',
        `model_list:
  - model_name: real
    litellm_params:
      model: openai/upstream-model
      api_base: ${upstream.apiBase}
      api_key: os.environ/RXLLM_SPEC_PROVIDER_KEY
`,
      );
      const providerKey = 'sk-spec-provider-key-77';
      const cli = start(['--config', path, '--port', '0'], { ...process.env, RXLLM_SPEC_PROVIDER_KEY: providerKey });
      const url = await listening(cli);
      const response = await postChat(url, { model: 'real', messages });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(
        'hello through the CLI',
      );
      expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${providerKey}`);
      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
      expect(cli.stdout()).not.toContain(providerKey);
    } finally {
      await upstream.close();
    }
  });
});
