// LiteLLM's `model_group_alias`: other names for model groups, resolved before routing.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { Router } from '../../src/router/router.js';
import { startTestProxy } from '../proxy/test-proxy.js';
import { deployment, messages } from './support.js';

const config = {
  model_list: [deployment('gpt-4o', 'real', { mock_response: 'from gpt-4o' })],
  model_group_alias: { 'gpt-4': 'gpt-4o', 'legacy-internal': { model: 'gpt-4o', hidden: true } },
};

describe('model_group_alias', () => {
  it('answers a call to an alias from its model group, hidden or not', async () => {
    const router = new Router(config);
    for (const model of ['gpt-4', 'legacy-internal', 'gpt-4o']) {
      const answer = await router.completion({ model, messages });
      expect(answer.choices[0]?.message.content, model).toBe('from gpt-4o');
    }
    await router.close();
  });

  it('lists the aliases that are not hidden on /v1/models, and retrieves any of them', async () => {
    const proxy = await startTestProxy(config);
    try {
      const list = (await (await fetch(`${proxy.url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(list.data.map((model) => model.id)).toEqual(['gpt-4o', 'gpt-4']);
      expect((await fetch(`${proxy.url}/v1/models/legacy-internal`)).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('names an alias that points nowhere, or that would hide a group', () => {
    const issuesOf = (aliases: Record<string, unknown>) => {
      try {
        new Router({ model_list: config.model_list, model_group_alias: aliases } as never);
        return [];
      } catch (error) {
        return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
    };
    expect(issuesOf({ 'gpt-4': 'gpt-5' })).toEqual(['model_group_alias.gpt-4: unknown model group "gpt-5"']);
    expect(issuesOf({ 'gpt-4o': 'gpt-4o' })).toEqual(['model_group_alias.gpt-4o: "gpt-4o" is a model group itself: an alias would hide it']);
    expect(issuesOf({ 'gpt-4': { model: 'gpt-4o', hiden: true } })).toEqual([
      'model_group_alias.gpt-4.hiden: unknown setting (did you mean "hidden"?)',
    ]);
  });
});
