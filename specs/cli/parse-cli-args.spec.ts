import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../src/cli/parse-cli-args.js';

describe('parseCliArgs', () => {
  it('defaults to the bundled config on 127.0.0.1:4000', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'serve', config: undefined, port: 4000, host: '127.0.0.1', debug: false });
  });

  it('reads --config, --port and --host, long and short', () => {
    expect(parseCliArgs(['--config', 'c.yaml', '--port', '8080', '--host', '0.0.0.0'])).toEqual({
      kind: 'serve',
      config: 'c.yaml',
      port: 8080,
      host: '0.0.0.0',
      debug: false,
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

  it("takes LiteLLM's --num_workers 1, and says plainly that more workers are not there yet", () => {
    expect(parseCliArgs(['--num_workers', '1'])).toMatchObject({ kind: 'serve' });
    expect(() => parseCliArgs(['--num_workers', '4'])).toThrow(/--num_workers: rxllm runs one process for now \(got "4"\)/);
  });

  it('rejects unknown flags, positionals, missing values and bad ports', () => {
    for (const argv of [['--bogus'], ['config.yaml'], ['--config'], ['--port', 'http'], ['--port', '70000'], ['--port', '-1'], ['--port', '1.5'], ['--host', '']]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});
