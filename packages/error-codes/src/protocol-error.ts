import type { ErrorCode } from './codes.js';
import { JsonRpcErrorCode, KvErrorCode, TcpErrorCode } from './codes.js';

const kProtocolError = Symbol.for('sockworks.error.ProtocolError');

/** An error with a stable wire code; compare `code`, never `message`. */
export class ProtocolError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name: string = 'ProtocolError';
  readonly code: C;
  readonly data: unknown;

  constructor(code: C, message: string, options?: { data?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options?.data;
    Object.defineProperty(this, kProtocolError, { value: true });
  }

  /** True for a `ProtocolError` from any copy of this package (the brand survives duplicate installs). */
  static is(value: unknown): value is ProtocolError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[kProtocolError] === true
    );
  }

  /** Plain JSON form: `{ code, message, data? }`. */
  toJSON(): { code: C; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** The kv protocol's error object: `{ code, message }`. */
export interface KvWireError {
  code: string;
  message: string;
}

/** Turns any thrown value into the kv protocol's error object; unknown errors become INTERNAL_ERROR. */
export function toKvError(err: unknown): KvWireError {
  if (ProtocolError.is(err) && typeof err.code === 'string') return { code: err.code, message: err.message };
  return { code: KvErrorCode.INTERNAL_ERROR, message: 'Internal server error' };
}

/** A JSON-RPC 2.0 error object. */
export interface JsonRpcWireError {
  code: number;
  message: string;
  data?: unknown;
}

/** Turns any thrown value into a JSON-RPC 2.0 error object; unknown errors become -32603 without leaking. */
export function toJsonRpcError(err: unknown): JsonRpcWireError {
  if (ProtocolError.is(err) && typeof err.code === 'number') {
    return err.data === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, data: err.data };
  }
  return { code: JsonRpcErrorCode.INTERNAL_ERROR, message: 'Internal error' };
}

/** The binary TCP server's error frame: `{ type: "error", code, message }`. */
export interface TcpWireError {
  type: 'error';
  code: string;
  message: string;
  timestamp: string;
}

/** Turns any thrown value into a binary TCP error frame body. */
export function toTcpError(err: unknown, now: Date = new Date()): TcpWireError {
  const base =
    ProtocolError.is(err) && typeof err.code === 'string'
      ? { code: err.code, message: err.message }
      : { code: TcpErrorCode.INTERNAL_ERROR, message: 'Internal server error' };
  return { type: 'error', ...base, timestamp: now.toISOString() };
}

/** The chat server's business error reply: `{ status: "error", code, message }`. */
export interface ChatWireError {
  status: 'error';
  code: string;
  message: string;
}

/** Turns any thrown value into a chat business error reply. */
export function toChatError(err: unknown): ChatWireError {
  if (ProtocolError.is(err) && typeof err.code === 'string') {
    return { status: 'error', code: err.code, message: err.message };
  }
  // The chat protocol has no code of its own for this: it shares the registry's INTERNAL_ERROR.
  return { status: 'error', code: KvErrorCode.INTERNAL_ERROR, message: 'Internal server error' };
}
