import type { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestCycle } from '../src/request-cycle.js';

/** A stand-in socket that records what is written, and whether writes were corked together. */
function recorder() {
  const writes: string[] = [];
  let corked = 0;
  let maxCorked = 0;
  const socket = {
    write(chunk: Buffer) {
      writes.push(chunk.toString());
      if (corked > 0) maxCorked++;
      return true;
    },
    cork() {
      corked++;
    },
    uncork() {
      corked--;
    },
  };
  return { socket: socket as unknown as Socket, writes, corkedWrites: () => maxCorked };
}

describe('RequestCycle', () => {
  it('sends any sequence of batch sizes as the request list round-robin, whatever the byte cap (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 30 }),
        (requests, window, maxBytes, sizes) => {
          const cycle = new RequestCycle(
            requests.map((r) => Buffer.from(r)),
            window,
            maxBytes,
          );
          const { socket, writes } = recorder();
          let at = 0;
          let sent = 0;
          for (const n of sizes) {
            at = cycle.write(socket, at, n);
            sent += n;
          }
          const expected = Array.from({ length: sent }, (_, i) => requests[i % requests.length]).join('');
          expect(writes.join('')).toBe(expected);
        },
      ),
    );
  });

  it('a window of requests is one write when the cap allows, corked writes when it does not', () => {
    const big = new RequestCycle([Buffer.from('ab'), Buffer.from('c')], 8);
    const one = recorder();
    let at = big.write(one.socket, 0, 1);
    at = big.write(one.socket, at, 8);
    expect(one.writes).toEqual(['ab', 'cabcabcabcab']);
    expect(one.corkedWrites()).toBe(0);

    const capped = new RequestCycle([Buffer.from('ab'), Buffer.from('c')], 8, 3);
    const many = recorder();
    capped.write(many.socket, 0, 5);
    expect(many.writes.join('')).toBe('abcabcab');
    expect(many.corkedWrites()).toBe(3);
  });

  it('refuses an empty request list or empty requests', () => {
    expect(() => new RequestCycle([], 1)).toThrow(RangeError);
    expect(() => new RequestCycle([Buffer.alloc(0)], 1)).toThrow(RangeError);
  });
});
