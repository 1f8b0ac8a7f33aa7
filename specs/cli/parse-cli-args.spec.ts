import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../src/cli/parse-cli-args.js';

describe('parseCliArgs', () => {
  it('defaults to the bundled config on 127.0.0.1:4000', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'serve', config: undefined, port: 4000, host: '127.0.0.1', debug: false, numWorkers: 1 });
  });

  it('reads --config, --port and --host, long and short', () => {
    expect(parseCliArgs(['--config', 'c.yaml', '--port', '8080', '--host', '0.0.0.0'])).toEqual({
      kind: 'serve',
      config: 'c.yaml',
      port: 8080,
      host: '0.0.0.0',
      debug: false,
      numWorkers: 1,
    });
    expect(parseCliArgs(['-c', 'c.yaml', '-p', '0'])).toMatchObject({ config: 'c.yaml', port: 0 });
    expect(parseCliArgs(['--port=9000'])).toMatchObject({ port: 9000 });
  });

  it('asks for help with --help or -h', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h', '--port', '1'])).toEqual({ kind: 'help' });
  });

  it('asks for the version with --version or -v', () => {
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseCliArgs(['-v'])).toEqual({ kind: 'version' });
  });

  it("turns on debug lines with --debug or LiteLLM's --detailed_debug", () => {
    expect(parseCliArgs(['--debug'])).toMatchObject({ kind: 'serve', debug: true });
    expect(parseCliArgs(['--detailed_debug'])).toMatchObject({ kind: 'serve', debug: true });
  });

  it("reads LiteLLM's --num_workers, or its NUM_WORKERS variable when the flag is not given", () => {
    expect(parseCliArgs(['--num_workers', '1'])).toMatchObject({ kind: 'serve', numWorkers: 1 });
    expect(parseCliArgs(['--num_workers', '4'])).toMatchObject({ kind: 'serve', numWorkers: 4 });
    expect(parseCliArgs(['--num_workers=2'])).toMatchObject({ numWorkers: 2 });
    expect(parseCliArgs([], { NUM_WORKERS: '3' })).toMatchObject({ numWorkers: 3 });
    expect(parseCliArgs(['--num_workers', '2'], { NUM_WORKERS: '8' })).toMatchObject({ numWorkers: 2 });
    expect(parseCliArgs([], { NUM_WORKERS: '' })).toMatchObject({ numWorkers: 1 });
  });

  it('rejects a worker count that is not a whole number from 1, naming the flag or the variable', () => {
    for (const text of ['0', 'abc', '-1', '1.5', '', ' 2', '2x', '99999999999999999999']) {
      expect(() => parseCliArgs([`--num_workers=${text}`]), text).toThrow(
        new UsageError(`--num_workers: expected a whole number of worker processes, 1 or more, got "${text}"`),
      );
    }
    expect(() => parseCliArgs([], { NUM_WORKERS: 'four' })).toThrow(
      new UsageError('NUM_WORKERS: expected a whole number of worker processes, 1 or more, got "four"'),
    );
    expect(() => parseCliArgs(['--num_workers'])).toThrow(UsageError);
  });

  it('rejects unknown flags, positionals, missing values and bad ports', () => {
    for (const argv of [['--bogus'], ['config.yaml'], ['--config'], ['--port', 'http'], ['--port', '70000'], ['--port', '-1'], ['--port', '1.5'], ['--host', '']]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});
