import { checkPositiveInt, type DecoderEvents } from './decoder.js';
import { EXCERPT_MAX_CHARS, excerptOf, FramingError, FramingErrorCode } from './framing-error.js';
import { HeldBytes } from './held-bytes.js';
import { DEFAULT_MAX_DEPTH } from './json-depth.js';
import * as jsonGrammar from './json-grammar.js';
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

/** Scanner states: between values, inside a value, inside a run of non-JSON text, skipping to `\n` after an error. */
const Mode = { Between: 0, Value: 1, Garbage: 2, Skip: 3 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

// The grammar's tables and constants copied into this module once: the scan loop reads them per
// byte, and a transpiled import can be a getter call on every read (tsx, vitest).
const TRANSITIONS = jsonGrammar.TRANSITIONS;
const ESCAPES = jsonGrammar.ESCAPES;
const HEX = jsonGrammar.HEX;
const FIRST_ACTION = jsonGrammar.FIRST_ACTION;
const A_STRING_KEY = jsonGrammar.A_STRING_KEY;
const A_STRING_VALUE = jsonGrammar.A_STRING_VALUE;
const A_OPEN_OBJECT = jsonGrammar.A_OPEN_OBJECT;
const A_OPEN_ARRAY = jsonGrammar.A_OPEN_ARRAY;
const A_CLOSE_OBJECT = jsonGrammar.A_CLOSE_OBJECT;
const A_CLOSE_ARRAY = jsonGrammar.A_CLOSE_ARRAY;
const A_COMMA = jsonGrammar.A_COMMA;
const ESCAPE_LETTER = jsonGrammar.ESCAPE_LETTER;
const G_VALUE = jsonGrammar.G.Value;
const G_ARRAY_FIRST = jsonGrammar.G.ArrayFirst;
const G_KEY_FIRST = jsonGrammar.G.KeyFirst;
const G_KEY = jsonGrammar.G.Key;
const G_COLON = jsonGrammar.G.Colon;
const G_AFTER = jsonGrammar.G.After;

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
 * A byte scanner follows the JSON grammar (json-grammar.ts: strings, escapes, numbers, literals,
 * bracket nesting) to find where each value ends, then the value is parsed once. Errors (details in
 * the README):
 * - a byte that cannot continue the value (`{"a":1,}`, `{bad`, `[1 2`, a raw newline in a string):
 *   non-fatal INVALID_JSON at that byte; if the byte is `{` or `[` a new value starts at it, if it is
 *   `\n` decoding resumes after it, otherwise the rest of the line is skipped (through its `\n`);
 * - a value the grammar accepts but JSON.parse rejects (a raw control character in a string):
 *   non-fatal INVALID_JSON, decoding resumes after the value;
 * - text at top level that does not start an object or array (`hello`, `GET / HTTP/1.1`, scalars):
 *   one non-fatal INVALID_JSON per run, a run ending before the next `\n` (consumed) or `{`/`[`;
 * - invalid UTF-8 inside a value: non-fatal INVALID_UTF8; nesting over `maxDepth`: non-fatal TOO_DEEP;
 * - a value, run or skipped line longer than `maxValueBytes`: fatal FRAME_TOO_LARGE.
 */
export class JsonStreamDecoder extends PushDecoderBase {
  private readonly events: DecoderEvents<unknown>;
  private readonly maxValueBytes: number;
  private readonly maxDepth: number;
  private mode: Mode = Mode.Between;
  private depth = 0;
  /** Grammar state outside strings (a `G` value), kept across pushes. */
  private grammar: number = G_VALUE;
  private inString = false;
  /** Inside a string: 0, ESCAPE_LETTER after a backslash, or the hex digits of `\uXXXX` still due (1-4). */
  private escape = 0;
  private tooDeep = false;
  /** Open bracket kinds, one per nesting level, so `{]` is caught at the `]`. */
  private stack: Uint8Array = NO_STACK;
  /** Bytes of the current value held from earlier pushes. */
  private readonly held = new HeldBytes();
  /** Length of the current garbage run (or skipped line) and a garbage run's first bytes, for the excerpt. */
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
    // A skipped line was reported when its error was found.
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
      } else if (this.mode === Mode.Skip) {
        i = this.scanSkip(buf, i);
      } else {
        const b = buf[i]!;
        if (isJsonSpace(b)) {
          i++;
        } else if (b === 0x7b || b === 0x5b) {
          this.mode = Mode.Value;
          this.depth = 0;
          this.grammar = G_VALUE;
          this.inString = false;
          this.escape = 0;
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
    let grammar = this.grammar;
    let inString = this.inString;
    let esc = this.escape;
    let i = start;
    while (i < stop) {
      if (inString) {
        if (esc !== 0) {
          const b = buf[i]!;
          if (esc === ESCAPE_LETTER) {
            const kind = ESCAPES[b]!;
            if (kind === 0) return this.syntaxError(buf, start, i, 'Invalid escape in JSON string');
            esc = kind === 2 ? 4 : 0;
          } else {
            if (HEX[b] === 0) return this.syntaxError(buf, start, i, 'Invalid \\u escape in JSON string');
            esc--;
          }
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
        if (b === 0x22) inString = false;
        else if (b === 0x5c) esc = ESCAPE_LETTER;
        // JSON strings cannot hold a raw newline: a client that sent `{"a":"x` on one line is back
        // in sync on the next.
        else return this.syntaxError(buf, start, j, 'JSON string not terminated before end of line');
        i = j + 1;
        continue;
      }
      const b = buf[i]!;
      const next = TRANSITIONS[(grammar << 8) | b]!;
      if (next < FIRST_ACTION) {
        grammar = next;
        i++;
        continue;
      }
      switch (next) {
        case A_STRING_KEY:
          inString = true;
          grammar = G_COLON;
          break;
        case A_STRING_VALUE:
          inString = true;
          grammar = G_AFTER;
          break;
        case A_OPEN_OBJECT:
          this.open(OBJECT);
          grammar = G_KEY_FIRST;
          break;
        case A_OPEN_ARRAY:
          this.open(ARRAY);
          grammar = G_ARRAY_FIRST;
          break;
        case A_COMMA:
          grammar = this.stack[this.depth - 1] === OBJECT ? G_KEY : G_VALUE;
          break;
        case A_CLOSE_OBJECT:
        case A_CLOSE_ARRAY:
          if (this.stack[this.depth - 1] !== (next === A_CLOSE_OBJECT ? OBJECT : ARRAY))
            return this.syntaxError(buf, start, i, 'Mismatched brackets in JSON value');
          grammar = G_AFTER;
          if (--this.depth === 0) {
            this.completeValue(buf, start, i + 1);
            return i + 1;
          }
          break;
        default:
          return this.syntaxError(buf, start, i, 'Unexpected character in JSON value');
      }
      i++;
    }
    this.grammar = grammar;
    this.inString = inString;
    this.escape = esc;
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

  /**
   * Reports the byte at `at`, which cannot continue the value, and resynchronises: a `{` or `[`
   * starts the next value, a `\n` is consumed, any other byte skips the rest of its line (after an
   * error nothing says whether a later `{` is inside a string, so only a newline or the offending
   * byte itself is a safe restart). The excerpt is the value up to that byte, included unless it is
   * one of those three. Returns where to go on.
   */
  private syntaxError(buf: Buffer, start: number, at: number, message: string): number {
    const b = buf[at]!;
    const restart = b === 0x7b || b === 0x5b || b === 0x0a;
    const excerpt = this.held.excerpt(buf.subarray(start, restart ? at : at + 1));
    this.held.clear();
    this.mode = restart ? Mode.Between : Mode.Skip;
    this.garbageBytes = 0;
    this.events.onError(new FramingError(FramingErrorCode.INVALID_JSON, message, { fatal: false, excerpt }));
    return b === 0x7b || b === 0x5b ? at : at + 1;
  }

  /** Skips the rest of a line after a syntax error, through its `\n`; returns where to go on. */
  private scanSkip(buf: Buffer, start: number): number {
    const allowance = this.maxValueBytes - this.garbageBytes;
    const newline = buf.indexOf(0x0a, start);
    const end = newline === -1 ? buf.length : newline;
    if (end - start > allowance) return this.tooLarge(undefined, 'Line after a JSON syntax error');
    if (newline === -1) {
      this.garbageBytes += end - start;
      return end;
    }
    this.mode = Mode.Between;
    return newline + 1;
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

  private tooLarge(excerpt: string | undefined, what: string): number {
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
