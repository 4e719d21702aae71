import { checkPositiveInt, type DecoderEvents } from './decoder.js';
import { EXCERPT_MAX_CHARS, excerptOf, FramingError, FramingErrorCode } from './framing-error.js';
import { HeldBytes } from './held-bytes.js';
import { DEFAULT_MAX_DEPTH } from './json-depth.js';
import { parseJsonUnit } from './parse-json.js';
import { PushDecoderBase } from './push-decoder-base.js';
import { StringStops } from './string-stops.js';

/** Options of JsonStreamDecoder. */
export interface JsonStreamDecoderOptions extends DecoderEvents<unknown> {
  /** Longest accepted top-level value (or run of non-JSON text) in bytes; longer is fatal FRAME_TOO_LARGE. */
  maxValueBytes: number;
  /**
   * Deepest accepted nesting of objects/arrays; deeper is a non-fatal TOO_DEEP error.
   * @default 64
   */
  maxDepth?: number;
}

/** Scanner states: between values, inside a value, inside a run of non-JSON text. */
const Mode = { Between: 0, Value: 1, Garbage: 2 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

const OBJECT = 0;
const ARRAY = 1;
const EXCERPT_MAX_BYTES = EXCERPT_MAX_CHARS * 4;

function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Shared by every decoder until its first value: idle connections allocate no nesting stack. */
const NO_STACK = new Uint8Array(0);

/**
 * Push decoder for concatenated top-level JSON objects/arrays with optional whitespace between them
 * (what a Python `raw_decode` loop reads): `{"a":1}{"b":2}` and `{"a":1}\n{"b":2}` are two values.
 * A byte scanner tracks strings, escapes and bracket nesting to find where each value ends, then the
 * value is parsed once. Errors (details in the README):
 * - a balanced value that JSON.parse rejects, mismatched brackets (`{]`), or a raw newline inside a
 *   string: non-fatal INVALID_JSON, decoding resumes after the offending byte;
 * - text at top level that does not start an object or array (`hello`, `GET / HTTP/1.1`, scalars):
 *   one non-fatal INVALID_JSON per run, a run ending before the next `\n` (consumed) or `{`/`[`;
 * - invalid UTF-8 inside a value: non-fatal INVALID_UTF8; nesting over `maxDepth`: non-fatal TOO_DEEP;
 * - a value or run longer than `maxValueBytes`: fatal FRAME_TOO_LARGE.
 */
export class JsonStreamDecoder extends PushDecoderBase {
  private readonly events: DecoderEvents<unknown>;
  private readonly maxValueBytes: number;
  private readonly maxDepth: number;
  private mode: Mode = Mode.Between;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private tooDeep = false;
  /** Open bracket kinds, one per nesting level, so `{]` is caught at the `]`. */
  private stack: Uint8Array = NO_STACK;
  /** Bytes of the current value held from earlier pushes. */
  private readonly held = new HeldBytes();
  /** Length of the current garbage run and its first bytes, kept for the excerpt. */
  private garbageBytes = 0;
  private readonly garbageHead = new HeldBytes();
  private readonly stringStops = new StringStops();

  constructor(opts: JsonStreamDecoderOptions) {
    super();
    this.maxValueBytes = checkPositiveInt('maxValueBytes', opts.maxValueBytes);
    this.maxDepth = checkPositiveInt('maxDepth', opts.maxDepth ?? DEFAULT_MAX_DEPTH);
    this.events = opts;
  }

  get buffered(): number {
    return this.held.length + this.garbageHead.length;
  }

  protected finish(): void {
    if (this.mode === Mode.Value) {
      const excerpt = this.held.excerpt();
      this.close();
      this.events.onError(
        new FramingError(FramingErrorCode.TRUNCATED, 'Input ended in the middle of a JSON value', {
          fatal: true,
          excerpt,
        }),
      );
      return;
    }
    const garbage = this.mode === Mode.Garbage ? this.garbageError() : undefined;
    this.close();
    if (garbage !== undefined) this.events.onError(garbage);
  }

  protected dropHeld(): void {
    this.held.clear();
    this.garbageHead.clear();
  }

  protected scan(buf: Buffer): void {
    const n = buf.length;
    this.stringStops.reset(buf);
    let i = 0;
    while (i < n && !this.stopped) {
      if (this.mode === Mode.Value) {
        i = this.scanValue(buf, i);
      } else if (this.mode === Mode.Garbage) {
        i = this.scanGarbage(buf, i);
      } else {
        const b = buf[i]!;
        if (isJsonSpace(b)) {
          i++;
        } else if (b === 0x7b || b === 0x5b) {
          this.mode = Mode.Value;
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          this.tooDeep = false;
        } else {
          this.mode = Mode.Garbage;
          this.garbageBytes = 0;
        }
      }
    }
    this.stringStops.release();
  }

  /** Scans value bytes from `start` (the value's first byte in this chunk); returns where to go on. */
  private scanValue(buf: Buffer, start: number): number {
    const n = buf.length;
    const stop = Math.min(n, start + (this.maxValueBytes - this.held.length));
    let inString = this.inString;
    let escaped = this.escaped;
    let i = start;
    while (i < stop) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // Jump to the next byte that matters inside a string with the native indexOf.
        const j = this.stringStops.next(i);
        if (j >= stop) {
          i = stop;
          break;
        }
        const b = buf[j];
        i = j + 1;
        if (b === 0x22) inString = false;
        else if (b === 0x5c) escaped = true;
        else {
          // JSON strings cannot hold a raw newline: treat it as the end of a broken value, so a
          // client that sent `{"a":"x` on one line is back in sync on the next.
          this.inString = false;
          return this.invalidValue(buf, start, j, j + 1, 'JSON string not terminated before end of line');
        }
        continue;
      }
      const b = buf[i]!;
      i++;
      if (b === 0x22) {
        inString = true;
      } else if (b === 0x7b || b === 0x5b) {
        this.open(b === 0x7b ? OBJECT : ARRAY);
      } else if (b === 0x7d || b === 0x5d) {
        if (this.stack[this.depth - 1] !== (b === 0x7d ? OBJECT : ARRAY)) {
          this.inString = false;
          return this.invalidValue(buf, start, i, i, 'Mismatched brackets in JSON value');
        }
        if (--this.depth === 0) {
          this.inString = false;
          this.escaped = false;
          this.completeValue(buf, start, i);
          return i;
        }
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    if (stop < n)
      return this.tooLarge(this.held.excerpt(buf.subarray(start, stop), this.maxValueBytes), 'JSON value');
    this.held.keep(buf.subarray(start, n));
    return n;
  }

  private open(kind: number): void {
    if (this.depth === this.stack.length) {
      const bigger = new Uint8Array(Math.max(64, this.stack.length * 2));
      bigger.set(this.stack);
      this.stack = bigger;
    }
    this.stack[this.depth++] = kind;
    if (this.depth > this.maxDepth) this.tooDeep = true;
  }

  /** Gathers the value's bytes: a view of the chunk when nothing was held, else one copy. */
  private takeValue(buf: Buffer, start: number, end: number): Buffer {
    return this.held.length === 0 ? buf.subarray(start, end) : this.held.take(buf.subarray(start, end));
  }

  private completeValue(buf: Buffer, start: number, end: number): void {
    const bytes = this.takeValue(buf, start, end);
    this.mode = Mode.Between;
    if (this.tooDeep) {
      this.events.onError(
        new FramingError(FramingErrorCode.TOO_DEEP, `JSON value nests deeper than ${this.maxDepth} levels`, {
          fatal: false,
          excerpt: excerptOf(bytes),
        }),
      );
      return;
    }
    // The scanner already checked the depth, so the parser need not scan again.
    const value = parseJsonUnit(bytes, Number.POSITIVE_INFINITY, 'JSON value');
    if (value instanceof FramingError) this.events.onError(value);
    else this.events.onMessage(value);
  }

  private invalidValue(buf: Buffer, start: number, end: number, resume: number, message: string): number {
    const bytes = this.takeValue(buf, start, end);
    this.mode = Mode.Between;
    this.events.onError(
      new FramingError(FramingErrorCode.INVALID_JSON, message, { fatal: false, excerpt: excerptOf(bytes) }),
    );
    return resume;
  }

  /** Skips a run of non-JSON text up to `\n` (consumed) or `{`/`[` (kept); returns where to go on. */
  private scanGarbage(buf: Buffer, start: number): number {
    const n = buf.length;
    const allowance = this.maxValueBytes - this.garbageBytes;
    // One byte past the allowance may still be the terminator of a run of exactly the maximum.
    const end = Math.min(n, start + allowance + 1);
    let i = start;
    while (i < end) {
      const b = buf[i]!;
      if (b === 0x0a || b === 0x7b || b === 0x5b) break;
      i++;
    }
    const runEnd = Math.min(i, start + allowance);
    const room = EXCERPT_MAX_BYTES - this.garbageHead.length;
    if (room > 0) this.garbageHead.keep(buf.subarray(start, Math.min(runEnd, start + room)));
    if (i < end) {
      this.garbageBytes += i - start;
      const error = this.garbageError();
      this.mode = Mode.Between;
      this.events.onError(error);
      return buf[i] === 0x0a ? i + 1 : i;
    }
    if (end === start + allowance + 1)
      return this.tooLarge(this.garbageHead.excerpt(undefined, this.maxValueBytes), 'Non-JSON text');
    this.garbageBytes += n - start;
    return n;
  }

  private garbageError(): FramingError {
    const excerpt = this.garbageHead.excerpt();
    this.garbageHead.clear();
    this.garbageBytes = 0;
    return new FramingError(FramingErrorCode.INVALID_JSON, 'Input is not a JSON object or array', {
      fatal: false,
      excerpt,
    });
  }

  private tooLarge(excerpt: string, what: string): number {
    this.close();
    this.events.onError(
      new FramingError(FramingErrorCode.FRAME_TOO_LARGE, `${what} longer than ${this.maxValueBytes} bytes`, {
        fatal: true,
        excerpt,
      }),
    );
    return Number.MAX_SAFE_INTEGER;
  }
}
