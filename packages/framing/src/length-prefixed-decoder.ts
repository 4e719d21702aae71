import { checkPositiveInt, type DecoderEvents } from './decoder.js';
import { EXCERPT_MAX_CHARS, excerptOf, FramingError, FramingErrorCode } from './framing-error.js';
import { HeldBytes } from './held-bytes.js';
import { PushDecoderBase } from './push-decoder-base.js';

/** Largest length a 4-byte unsigned header can announce. */
export const MAX_LENGTH_PREFIX = 0xffff_ffff;

/** Options of LengthPrefixedDecoder. */
export interface LengthPrefixedDecoderOptions extends DecoderEvents<Buffer> {
  /** Largest accepted payload in bytes (header excluded); exactly this is accepted, more is fatal FRAME_TOO_LARGE. */
  maxFrameBytes: number;
}

/**
 * Push decoder for frames of a 4-byte big-endian unsigned length followed by that many payload bytes.
 * The length is checked against `maxFrameBytes` as soon as its 4th byte arrives, before any body byte
 * is held: too large is fatal FRAME_TOO_LARGE, zero is fatal EMPTY_FRAME. Payloads are emitted as
 * Buffers; a frame that lies inside one pushed chunk is a view of that chunk (no copy), so copy it if
 * you keep it and reuse your chunks. Body bytes held across pushes are copied and grow only as they
 * arrive, so an announced length never allocates memory the peer has not sent.
 */
export class LengthPrefixedDecoder extends PushDecoderBase {
  private readonly events: DecoderEvents<Buffer>;
  private readonly maxFrameBytes: number;
  /** Header bytes received so far (0-3 between pushes) and their value. */
  private headerFill = 0;
  private headerValue = 0;
  /** Length of the frame whose body is being collected; 0 while reading a header. */
  private frameLength = 0;
  private readonly held = new HeldBytes();

  constructor(opts: LengthPrefixedDecoderOptions) {
    super();
    this.maxFrameBytes = checkPositiveInt('maxFrameBytes', opts.maxFrameBytes);
    if (this.maxFrameBytes > MAX_LENGTH_PREFIX) {
      throw new RangeError(`maxFrameBytes must be at most ${MAX_LENGTH_PREFIX}, got ${this.maxFrameBytes}`);
    }
    this.events = opts;
  }

  get buffered(): number {
    return this.headerFill + this.held.length;
  }

  protected finish(): void {
    const partial = this.headerFill > 0 || this.frameLength > 0;
    const excerpt = this.held.length > 0 ? this.held.excerpt() : undefined;
    this.close();
    if (partial) {
      this.events.onError(
        new FramingError(FramingErrorCode.TRUNCATED, 'Input ended in the middle of a frame', {
          fatal: true,
          excerpt,
        }),
      );
    }
  }

  protected dropHeld(): void {
    this.held.clear();
    this.headerFill = 0;
    this.frameLength = 0;
  }

  protected scan(buf: Buffer): void {
    const n = buf.length;
    const max = this.maxFrameBytes;
    let i = 0;
    while (i < n && !this.stopped) {
      if (this.frameLength === 0) {
        let length: number;
        if (this.headerFill === 0 && n - i >= 4) {
          length = buf.readUInt32BE(i);
          i += 4;
        } else {
          // Header split across pushes: accumulate with arithmetic that stays unsigned.
          let value = this.headerValue;
          let fill = this.headerFill;
          while (fill < 4 && i < n) {
            value = value * 256 + buf[i++]!;
            fill++;
          }
          if (fill < 4) {
            this.headerValue = value;
            this.headerFill = fill;
            return;
          }
          this.headerValue = 0;
          this.headerFill = 0;
          length = value;
        }
        if (length > max || length === 0) {
          this.badHeader(length, buf, i);
          return;
        }
        if (n - i >= length) {
          this.events.onMessage(buf.subarray(i, i + length));
          i += length;
          continue;
        }
        this.frameLength = length;
        this.held.keep(buf.subarray(i));
        return;
      }
      const need = this.frameLength - this.held.length;
      if (n - i < need) {
        this.held.keep(buf.subarray(i));
        return;
      }
      const payload = this.held.take(buf.subarray(i, i + need));
      i += need;
      this.frameLength = 0;
      this.events.onMessage(payload);
    }
  }

  /** Reports an unacceptable length right after its header; the body is never read. */
  private badHeader(length: number, buf: Buffer, afterHeader: number): void {
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(length, 0);
    // The header and what follows it as text: "GET / HTTP/1.1" announces 1195725856 bytes.
    const excerpt = excerptOf(
      Buffer.concat([header, buf.subarray(afterHeader, afterHeader + EXCERPT_MAX_CHARS * 4)]),
    );
    this.close();
    const error =
      length === 0
        ? new FramingError(FramingErrorCode.EMPTY_FRAME, 'Zero-length frame', { fatal: true, excerpt })
        : new FramingError(
            FramingErrorCode.FRAME_TOO_LARGE,
            `Frame of ${length} bytes exceeds the maximum of ${this.maxFrameBytes}`,
            { fatal: true, excerpt },
          );
    this.events.onError(error);
  }
}
