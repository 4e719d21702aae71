import { checkPositiveInt, type DecoderEvents } from './decoder.js';
import { excerptOfPieces, FramingError, FramingErrorCode } from './framing-error.js';
import { HeldBytes } from './held-bytes.js';
import { PushDecoderBase } from './push-decoder-base.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits bytes into lines on `\n` (a `\r` before it is dropped) and hands each complete line, without
 * its terminator, to `handleLine`. The limit counts line bytes without the terminator and is checked as
 * bytes arrive, so an over-long line is refused before more than `maxLineBytes + 1` bytes are held.
 * Bytes of a partial line are copied, so callers may reuse their chunks; lines that lie inside one
 * chunk are passed as views of it.
 */
export abstract class LineFramer<T> extends PushDecoderBase {
  protected readonly events: DecoderEvents<T>;
  private readonly maxLineBytes: number;
  private readonly held = new HeldBytes();
  private lastHeldByte = -1;

  constructor(maxLineBytes: number, events: DecoderEvents<T>) {
    super();
    this.maxLineBytes = checkPositiveInt('maxLineBytes', maxLineBytes);
    this.events = events;
  }

  /** Receives one complete line (terminator removed). */
  protected abstract handleLine(line: Buffer): void;

  get buffered(): number {
    return this.held.length;
  }

  protected finish(): void {
    const excerpt = this.held.length > 0 && !this.isBlankPartial() ? this.held.excerpt() : undefined;
    this.close();
    if (excerpt !== undefined) {
      this.events.onError(
        new FramingError(FramingErrorCode.TRUNCATED, 'Input ended in the middle of a line', {
          fatal: true,
          excerpt,
        }),
      );
    }
  }

  protected dropHeld(): void {
    this.held.clear();
  }

  /** True when a partial line left at end of input may be ignored (see NdjsonDecoder). */
  protected isBlankPartial(): boolean {
    return false;
  }

  /** The held bytes of the partial line, for subclasses deciding what to do at end of input. */
  protected heldBytes(): Buffer {
    return this.held.peek();
  }

  protected scan(chunk: Buffer): void {
    const max = this.maxLineBytes;
    const n = chunk.length;
    let start = 0;
    while (!this.stopped) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      const fresh = nl - start;
      let line: Buffer;
      if (this.held.length === 0) {
        line = fresh > 0 && chunk[nl - 1] === CR ? chunk.subarray(start, nl - 1) : chunk.subarray(start, nl);
      } else {
        const endsWithCr = fresh > 0 ? chunk[nl - 1] === CR : this.lastHeldByte === CR;
        const length = this.held.length + fresh - (endsWithCr ? 1 : 0);
        if (length > max) {
          this.tooLarge(this.held.excerpt(chunk.subarray(start, nl), max));
          return;
        }
        // Cutting the join to `length` drops the `\r` of a `\r\n`.
        line = this.held.take(chunk.subarray(start, nl), length);
      }
      start = nl + 1;
      if (line.length > max) {
        this.tooLarge(excerptOfPieces([line], max));
        return;
      }
      this.handleLine(line);
    }
    if (this.stopped || start >= n) return;
    const total = this.held.length + (n - start);
    // One byte over is allowed while it is a `\r` that may belong to a `\r\n` terminator.
    if (total > max + 1 || (total === max + 1 && chunk[n - 1] !== CR)) {
      this.tooLarge(this.held.excerpt(chunk.subarray(start), max));
      return;
    }
    this.held.keep(chunk.subarray(start));
    this.lastHeldByte = chunk[n - 1]!;
  }

  private tooLarge(excerpt: string): void {
    this.close();
    this.events.onError(
      new FramingError(FramingErrorCode.FRAME_TOO_LARGE, `Line longer than ${this.maxLineBytes} bytes`, {
        fatal: true,
        excerpt,
      }),
    );
  }
}
