import { asBuffer, type PushDecoder, reentryError } from './decoder.js';

/**
 * The lifecycle rules every push decoder shares, written once: input after close() (or a fatal
 * error, or end()) is ignored; push()/end() from inside a callback throw, since messages would
 * come out of order; a callback that throws closes the decoder, since the rest of the chunk is
 * unaccounted for and framing can no longer be trusted. Subclasses only scan bytes.
 */
export abstract class PushDecoderBase implements PushDecoder {
  /** Set by close(): scanning loops check it after every callback, so close() inside one stops them. */
  protected stopped = false;
  /** Inside push(): a callback must not push() or end() (it may close()). */
  private busy = false;

  abstract readonly buffered: number;

  /** Decodes one non-empty chunk, calling the callbacks as messages complete. */
  protected abstract scan(chunk: Buffer): void;

  /** At end of input: reports a partial message, if any, and closes. */
  protected abstract finish(): void;

  /** Drops every byte held (called by close()). */
  protected abstract dropHeld(): void;

  push(chunk: Uint8Array): void {
    if (this.stopped || chunk.length === 0) return;
    if (this.busy) throw reentryError('push');
    this.busy = true;
    try {
      this.scan(asBuffer(chunk));
    } catch (err) {
      this.close();
      throw err;
    } finally {
      this.busy = false;
    }
  }

  end(): void {
    if (this.stopped) return;
    if (this.busy) throw reentryError('end');
    this.finish();
  }

  close(): void {
    this.stopped = true;
    this.dropHeld();
  }
}
