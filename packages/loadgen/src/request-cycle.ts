/**
 * A connection's requests, sent round-robin, laid out once in one buffer so that sending the next
 * `n` requests is a single `write()` of a view: no encoding and no copying per request. The list is
 * repeated enough times for a window's worth to be contiguous, within a byte cap. Immutable: the
 * connections sending the same list share one cycle, each with its own position in it.
 */
import type { Socket } from 'node:net';

/** Bytes a cycle may repeat its request list into (at least one copy of the list is always kept). */
export const MAX_CYCLE_BYTES = 1024 * 1024;

export class RequestCycle {
  readonly #bytes: Buffer;
  /** #offsets[i] is where request i of the cycle starts; #offsets[#length] is the end. */
  readonly #offsets: Float64Array;
  readonly #length: number;

  constructor(requests: readonly Uint8Array[], window: number, maxBytes = MAX_CYCLE_BYTES) {
    if (requests.length === 0) throw new RangeError('a load needs at least one request');
    const listBytes = requests.reduce((sum, r) => sum + r.length, 0);
    if (listBytes === 0) throw new RangeError('a load needs a request of at least one byte');
    const wanted = Math.ceil(window / requests.length) + 1;
    const copies = Math.max(1, Math.min(wanted, Math.floor(maxBytes / listBytes)));
    this.#length = copies * requests.length;
    this.#bytes = Buffer.allocUnsafe(copies * listBytes);
    this.#offsets = new Float64Array(this.#length + 1);
    let at = 0;
    for (let i = 0; i < this.#length; i++) {
      const request = requests[i % requests.length]!;
      this.#offsets[i] = at;
      this.#bytes.set(request, at);
      at += request.length;
    }
    this.#offsets[this.#length] = at;
  }

  /**
   * Writes `n` requests from position `at` (a previous return value, or 0): one view, or a few corked
   * into one `writev` where the cycle wraps. Returns the position after them.
   */
  write(socket: Socket, at: number, n: number): number {
    const offsets = this.#offsets;
    const length = this.#length;
    if (at + n <= length) {
      const end = at + n;
      socket.write(this.#bytes.subarray(offsets[at]!, offsets[end]!));
      return end === length ? 0 : end;
    }
    socket.cork();
    let left = n;
    while (left > 0) {
      const take = Math.min(left, length - at);
      socket.write(this.#bytes.subarray(offsets[at]!, offsets[at + take]!));
      left -= take;
      at += take;
      if (at === length) at = 0;
    }
    socket.uncork();
    return at;
  }
}
