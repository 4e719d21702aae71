import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as codes from '../src/codes.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Every `| \`CODE\` |` or `| -32700 |` cell in the README's code tables, by table heading. */
function documentedCodes(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let section = '';
  for (const line of readme.split('\n')) {
    const heading = /^###\s+`?(\w+)`?/.exec(line);
    if (heading?.[1]) {
      section = heading[1];
      out.set(section, new Set());
      continue;
    }
    const cell = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*`?(-?\d+|[A-Z0-9_]+)`?\s*\|/.exec(line);
    if (cell?.[1] && section) out.get(section)?.add(`${cell[1]}=${cell[2]}`);
  }
  return out;
}

const maps = {
  KvErrorCode: codes.KvErrorCode,
  JsonRpcErrorCode: codes.JsonRpcErrorCode,
  ChatErrorCode: codes.ChatErrorCode,
  TcpErrorCode: codes.TcpErrorCode,
  FramingErrorCode: codes.FramingErrorCode,
  ServiceErrorCode: codes.ServiceErrorCode,
  ClientErrorCode: codes.ClientErrorCode,
} as const;

describe('README documents every code', () => {
  const documented = documentedCodes();
  for (const [name, map] of Object.entries(maps)) {
    it(`${name}: every code documented, no documented code missing`, () => {
      const expected = new Set(Object.entries(map).map(([k, v]) => `${k}=${v}`));
      expect(documented.get(name)).toEqual(expected);
    });
  }

  it('every JSON-RPC standard code has its spec message', () => {
    for (const code of [-32700, -32600, -32601, -32602, -32603]) {
      expect(codes.JsonRpcErrorMessage[code]).toMatch(/^[A-Z]/);
    }
  });
});
