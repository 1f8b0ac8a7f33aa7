import { describe, expect, it } from 'vitest';
import { maxConfigDepth, resolveEnvReferences } from '../../src/config/resolve-env-references.js';
import type { ConfigIssue } from '../../src/errors/config-error.js';

describe('resolveEnvReferences', () => {
  it('replaces every os.environ/NAME string, however deep, in objects and lists', () => {
    const issues: ConfigIssue[] = [];
    const resolved = resolveEnvReferences(
      { a: 'os.environ/A', list: ['x', 'os.environ/B', { deep: 'os.environ/A' }], n: 3, flag: true, none: null },
      { A: 'alpha', B: 'beta' },
      issues,
    );
    expect(resolved).toEqual({ a: 'alpha', list: ['x', 'beta', { deep: 'alpha' }], n: 3, flag: true, none: null });
    expect(issues).toEqual([]);
  });

  it('reports a variable that is not set at the path of the value, and leaves the value undefined', () => {
    const issues: ConfigIssue[] = [];
    const resolved = resolveEnvReferences(
      { model_list: [{ litellm_params: { model: 'm' } }, { litellm_params: { api_key: 'os.environ/MISSING_KEY' } }] },
      {},
      issues,
    );
    expect(issues).toEqual([{ path: 'model_list[1].litellm_params.api_key', message: 'environment variable MISSING_KEY is not set' }]);
    expect(resolved).toEqual({ model_list: [{ litellm_params: { model: 'm' } }, { litellm_params: { api_key: undefined } }] });
  });

  it('reports every missing variable, not only the first', () => {
    const issues: ConfigIssue[] = [];
    resolveEnvReferences(['os.environ/ONE', 'os.environ/TWO'], {}, issues);
    expect(issues.map(({ path }) => path)).toEqual(['[0]', '[1]']);
  });

  it('treats a variable set to the empty string as set', () => {
    const issues: ConfigIssue[] = [];
    expect(resolveEnvReferences({ key: 'os.environ/EMPTY' }, { EMPTY: '' }, issues)).toEqual({ key: '' });
    expect(issues).toEqual([]);
  });

  it('leaves strings that only mention os.environ/ elsewhere, and other values, as they are', () => {
    const issues: ConfigIssue[] = [];
    expect(resolveEnvReferences({ a: 'see os.environ/A', b: 'OS.ENVIRON/A', c: 12 }, { A: 'alpha' }, issues)).toEqual({
      a: 'see os.environ/A',
      b: 'OS.ENVIRON/A',
      c: 12,
    });
  });

  it('resolves a reference at the root, reporting it with an empty path', () => {
    const issues: ConfigIssue[] = [];
    expect(resolveEnvReferences('os.environ/A', { A: 'alpha' }, issues)).toBe('alpha');
    resolveEnvReferences('os.environ/B', {}, issues);
    expect(issues).toEqual([{ path: '', message: 'environment variable B is not set' }]);
  });

  // Found by specs/config/config-fuzz.spec.ts: a value 20 000 levels deep overflowed the stack (RangeError).
  it('reports a value nested more than maxConfigDepth levels deep instead of walking it', () => {
    let deep: unknown = 'os.environ/A';
    for (let level = 0; level < 20_000; level++) deep = { k: deep };
    const issues: ConfigIssue[] = [];
    resolveEnvReferences({ routing_strategy_args: deep }, { A: 'alpha' }, issues);
    expect(issues).toEqual([{ path: `routing_strategy_args${'.k'.repeat(maxConfigDepth - 1)}`, message: 'nested more than 64 levels deep' }]);
  });

  it('walks a config as deep as maxConfigDepth', () => {
    let deep: unknown = 'os.environ/A';
    for (let level = 0; level < maxConfigDepth; level++) deep = [deep];
    const issues: ConfigIssue[] = [];
    let resolved = resolveEnvReferences(deep, { A: 'alpha' }, issues);
    for (let level = 0; level < maxConfigDepth; level++) resolved = (resolved as unknown[])[0];
    expect(resolved).toBe('alpha');
    expect(issues).toEqual([]);
  });

  // Found by specs/config/config-fuzz.spec.ts: assigned, `__proto__` became the copy's prototype.
  it('keeps a key named __proto__ as an own key of the copy', () => {
    const resolved = resolveEnvReferences(JSON.parse('{"__proto__": {"model": "os.environ/A"}}'), { A: 'alpha' }, []) as Record<string, unknown>;
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.keys(resolved)).toEqual(['__proto__']);
    expect(resolved['model']).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value).toEqual({ model: 'alpha' });
  });

  it('copies the tree instead of changing it', () => {
    const config = { nested: { key: 'os.environ/A' }, list: ['os.environ/A'] };
    const resolved = resolveEnvReferences(config, { A: 'alpha' }, []);
    expect(config).toEqual({ nested: { key: 'os.environ/A' }, list: ['os.environ/A'] });
    expect(resolved).not.toBe(config);
  });
});
