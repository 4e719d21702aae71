import { type DecoderEvents, NdjsonDecoder } from '@sockworks/framing';

/** Limits of the request decoder. */
export interface RequestCodecLimits {
  /** Longest request line in bytes (without its newline); longer is fatal FRAME_TOO_LARGE. */
  maxLineBytes: number;
  /** Deepest JSON nesting; deeper is a non-fatal TOO_DEEP. */
  maxDepth: number;
}

/** The push decoder for request lines: newline-delimited JSON, `\r\n` tolerated, blank lines skipped. */
export function createRequestDecoder(opts: RequestCodecLimits & DecoderEvents<unknown>): NdjsonDecoder {
  return new NdjsonDecoder(opts);
}
