import { describe, expect, it } from 'vitest';
import { configExampleProblems, defineCli, readCodeBlock } from '../src/cli/index.js';

const cli = defineCli({
  name: 'demo',
  description: 'x',
  configFile: {},
  options: {
    port: { type: 'port', flag: '--port', default: 1, description: 'p' },
    idle: { type: 'duration', flag: '--idle-timeout', default: '1s', description: 'i' },
  },
});

const readme = (block: string) =>
  `# demo\n\n### Configuration file\n\nText.\n\n${block}\n\n## Next\n\n\`\`\`yaml\nport: 1\n\`\`\`\n`;

describe('readCodeBlock', () => {
  it('returns the first fenced block after the heading, with its language', () => {
    expect(readCodeBlock(readme('```yaml\nport: 2\n```'), '### Configuration file')).toEqual({
      lang: 'yaml',
      text: 'port: 2\n',
    });
  });

  it('throws when the heading or a block under it is missing', () => {
    expect(() => readCodeBlock(readme(''), '### Config')).toThrow('no heading "### Config"');
    // The block under the next heading does not count.
    expect(() => readCodeBlock(readme(''), '### Configuration file')).toThrow('no code block after');
  });
});

describe('configExampleProblems', () => {
  it('[] for an example --config accepts, YAML or JSON', () => {
    expect(
      configExampleProblems(
        readme('```yaml\nport: 2\nidle-timeout: 30s\n```'),
        '### Configuration file',
        cli,
      ),
    ).toEqual([]);
    expect(configExampleProblems(readme('```json\n{"port": 2}\n```'), '### Configuration file', cli)).toEqual(
      [],
    );
  });

  it('the error line for an unknown key, a bad value or bad syntax', () => {
    expect(configExampleProblems(readme('```yaml\nprot: 2\n```'), '### Configuration file', cli)).toEqual([
      'README example: unknown key "prot" (did you mean "port"?); keys are the long flag names without "--"',
    ]);
    expect(configExampleProblems(readme('```yaml\nport: "2"\n```'), '### Configuration file', cli)).toEqual([
      'README example: port: expected a number, got the string "2"',
    ]);
    expect(configExampleProblems(readme('```yaml\nport: [\n```'), '### Configuration file', cli)[0]).toMatch(
      /^config file README example \(yaml\): invalid YAML: /,
    );
  });

  it('a block in another language, an empty example or a CLI without --config is a problem too', () => {
    expect(configExampleProblems(readme('```toml\nport = 2\n```'), '### Configuration file', cli)).toEqual([
      'the example after "### Configuration file" is toml, not yaml or json',
    ]);
    expect(configExampleProblems(readme('```yaml\n# nothing\n```'), '### Configuration file', cli)).toEqual([
      'the example sets nothing',
    ]);
    const plain = defineCli({ name: 'plain', description: 'x', options: {} });
    expect(configExampleProblems(readme('```yaml\nport: 2\n```'), '### Configuration file', plain)).toEqual([
      'plain has no --config',
    ]);
  });
});
