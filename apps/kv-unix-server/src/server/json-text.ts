/**
 * A JSON value held as its JSON text. The store keeps every value this way (its byte limit counts this
 * text, the data file journals it, and a stored value cannot change through a reference a handler
 * kept), and a read hands the text out as it is: the reply encoder (`encodeReply`, reply.ts) writes a `JsonText` member of a
 * reply's `data` verbatim instead of parsing and re-serialising it. That is what a read of any value
 * costs, not a shortcut for one reply: measured (apps/kv-unix-server/README.md, Performance), a 9-byte
 * value costs about the same either way, while JSON.parse + JSON.stringify of a 70 KB value took
 * 3-4 ms against 25-90 us spliced, and of a 1 MiB string 11-16 ms against 2-3 ms.
 */
export class JsonText {
  constructor(readonly text: string) {}

  /** JSON.stringify leaves the member out; encodeReply appends its text. */
  toJSON(): undefined {
    return undefined;
  }
}
