import { describe, expect, it } from 'vitest';
import * as loadgen from '../src/index.js';

describe('public API', () => {
  it('exports exactly the documented functions, classes and defaults', () => {
    expect(Object.keys(loadgen).sort()).toEqual(
      [
        'FANOUT_DEFAULTS',
        'IDLE_CONNECTIONS_DEFAULTS',
        'LatencyHistogram',
        'WINDOWED_LOAD_DEFAULTS',
        'connectOptions',
        'connectSocket',
        'describeTarget',
        'lengthPrefixedReplies',
        'lineReplies',
        'openIdleConnections',
        'runFanout',
        'runWindowedLoad',
      ].sort(),
    );
  });

  it('connectOptions keeps only the address of a target', () => {
    const parsed = JSON.parse('{"host":"127.0.0.1","port":1,"kind":"frames"}') as loadgen.LoadTarget;
    expect(loadgen.connectOptions(parsed)).toEqual({ host: '127.0.0.1', port: 1 });
    expect(loadgen.connectOptions({ path: '/tmp/x.sock' })).toEqual({ path: '/tmp/x.sock' });
    expect(loadgen.describeTarget({ path: '/tmp/x.sock' })).toBe('/tmp/x.sock');
  });
});
