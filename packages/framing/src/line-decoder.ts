import type { DecoderEvents } from './decoder.js';
import { excerptOf, FramingError, FramingErrorCode } from './framing-error.js';
import { LineFramer } from './line-framer.js';
import { decodeUtf8 } from './utf8.js';

/** Options of LineDecoder. */
export interface LineDecoderOptions extends DecoderEvents<string> {
  /** Longest accepted line in bytes, without its `\n` or `\r\n` terminator; longer is fatal FRAME_TOO_LARGE. */
  maxLineBytes: number;
}

/**
 * Push decoder for `\n`-terminated UTF-8 text lines (`\r\n` tolerated). Emits every line, empty ones
 * included, without the terminator. Invalid UTF-8 in a line is a non-fatal INVALID_UTF8 error.
 */
export class LineDecoder extends LineFramer<string> {
  constructor(opts: LineDecoderOptions) {
    super(opts.maxLineBytes, opts);
  }

  protected handleLine(line: Buffer): void {
    const text = decodeUtf8(line);
    if (text === undefined) {
      this.events.onError(
        new FramingError(FramingErrorCode.INVALID_UTF8, 'Line is not valid UTF-8', {
          fatal: false,
          excerpt: excerptOf(line),
        }),
      );
      return;
    }
    this.events.onMessage(text);
  }
}
