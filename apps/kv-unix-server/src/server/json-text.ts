/**
 * A JSON value held as its JSON text. The store keeps every value this way (its byte limit counts this
 * text, the data file journals it, and a stored value cannot change through a reference a handler
 * kept), and a read hands the text out as it is: the reply encoder (`encodeReply`, reply.ts) writes a
 * `JsonText` member of a reply's `data` verbatim instead of parsing and re-serialising it. That is what
 * a read of any value costs, not a shortcut for one reply. Measured (bench/reply-encoding.ts, CPU per
 * `retrieve` reply on the 2-core dev VM): a 9-byte value costs the same either way (2.3 us), a 580-byte
 * object 1.9 us spliced against 13 us, a 70 KB object 30 us against 1.9 ms, a 1 MiB string 1.5 ms
 * against 7.3 ms.
 */
export class JsonText {
  constructor(readonly text: string) {}

  /** JSON.stringify leaves the member out; encodeReply appends its text. */
  toJSON(): undefined {
    return undefined;
  }
}
