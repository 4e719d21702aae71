import { excerptOfPieces } from './framing-error.js';

/**
 * Bytes of an incomplete unit held across pushes. Each piece is copied once when kept (so callers may
 * reuse their chunks) and the pieces are joined once when the unit completes: linear in the input.
 */
export class HeldBytes {
  private pieces: Buffer[] = [];
  /** Number of bytes held. */
  length = 0;

  /** Keeps a copy of `bytes`. */
  keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pieces.push(Buffer.from(bytes));
    this.length += bytes.length;
  }

  /**
   * Returns the held bytes followed by `tail` (a view, copied by the join), cut to `total` bytes
   * (default: all of them), and empties the holder.
   */
  take(tail?: Uint8Array, total?: number): Buffer {
    const pieces = this.pieces;
    let length = this.length;
    if (tail !== undefined && tail.length > 0) {
      pieces.push(Buffer.from(tail.buffer, tail.byteOffset, tail.length));
      length += tail.length;
    }
    this.clear();
    return Buffer.concat(pieces, total ?? length);
  }

  /** The held bytes joined, without emptying the holder. */
  peek(): Buffer {
    return this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.length);
  }

  /** Excerpt of the held bytes followed by `tail`, from their first `min(limit, 512)` bytes. */
  excerpt(tail?: Uint8Array, limit?: number): string {
    return excerptOfPieces(tail === undefined ? this.pieces : [...this.pieces, tail], limit);
  }

  /** Drops everything held. */
  clear(): void {
    this.pieces = [];
    this.length = 0;
  }
}
