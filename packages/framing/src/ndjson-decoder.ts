import { checkPositiveInt, type DecoderEvents } from './decoder.js';
import { FramingError } from './framing-error.js';
import { DEFAULT_MAX_DEPTH } from './json-depth.js';
import { LineFramer } from './line-framer.js';
import { parseJsonUnit } from './parse-json.js';

/** Options of NdjsonDecoder. */
export interface NdjsonDecoderOptions extends DecoderEvents<unknown> {
  /** Longest accepted line in bytes, without its `\n` or `\r\n` terminator; longer is fatal FRAME_TOO_LARGE. */
  maxLineBytes: number;
  /**
   * Deepest accepted nesting of objects/arrays; deeper is a non-fatal TOO_DEEP error.
   * @default 64
   */
  maxDepth?: number;
}

/** True when every byte is JSON whitespace (space, tab, CR); such lines are skipped. */
function isBlank(line: Uint8Array): boolean {
  for (let i = 0; i < line.length; i++) {
    const b = line[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}

/**
 * Push decoder for newline-delimited JSON: one JSON value per `\n`-terminated line (`\r\n` tolerated),
 * blank lines skipped. A bad line (INVALID_UTF8, INVALID_JSON, TOO_DEEP) is a non-fatal error and
 * decoding continues with the next line; an over-long line is fatal FRAME_TOO_LARGE.
 */
export class NdjsonDecoder extends LineFramer<unknown> {
  private readonly maxDepth: number;

  constructor(opts: NdjsonDecoderOptions) {
    super(opts.maxLineBytes, opts);
    this.maxDepth = checkPositiveInt('maxDepth', opts.maxDepth ?? DEFAULT_MAX_DEPTH);
  }

  protected handleLine(line: Buffer): void {
    if (isBlank(line)) return;
    const value = parseJsonUnit(line, this.maxDepth, 'Line');
    if (value instanceof FramingError) this.events.onError(value);
    else this.events.onMessage(value);
  }

  protected override isBlankPartial(): boolean {
    return isBlank(this.heldBytes());
  }
}
