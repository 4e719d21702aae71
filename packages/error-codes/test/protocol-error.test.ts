import { describe, expect, it } from 'vitest';
import {
  JsonRpcErrorCode,
  KvErrorCode,
  ProtocolError,
  TcpErrorCode,
  toChatError,
  toJsonRpcError,
  toKvError,
  toTcpError,
} from '../src/index.js';

describe('ProtocolError', () => {
  it('carries code, message and data', () => {
    const err = new ProtocolError(KvErrorCode.KEY_NOT_FOUND, "Key 'x' not found", { data: { key: 'x' } });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('KEY_NOT_FOUND');
    expect(err.data).toEqual({ key: 'x' });
    expect(err.toJSON()).toEqual({ code: 'KEY_NOT_FOUND', message: "Key 'x' not found", data: { key: 'x' } });
  });

  it('is recognised by brand, not by prototype', () => {
    const err = new ProtocolError(KvErrorCode.MATH_ERROR, 'Division by zero');
    const foreign = Object.assign(new Error('x'), { [Symbol.for('sockworks.error.ProtocolError')]: true });
    expect(ProtocolError.is(err)).toBe(true);
    expect(ProtocolError.is(foreign)).toBe(true);
    expect(ProtocolError.is(new Error('x'))).toBe(false);
    expect(ProtocolError.is(null)).toBe(false);
    expect(ProtocolError.is('KEY_NOT_FOUND')).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new ProtocolError(KvErrorCode.PROCESSING_ERROR, 'x', { cause }).cause).toBe(cause);
  });
});

describe('wire shapes', () => {
  it('kv: known code passes through, anything else is INTERNAL_ERROR without the message', () => {
    expect(toKvError(new ProtocolError(KvErrorCode.INVALID_INPUT, 'Missing key'))).toEqual({
      code: 'INVALID_INPUT',
      message: 'Missing key',
    });
    expect(toKvError(new TypeError('secret detail'))).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
  });

  it('json-rpc: numeric codes pass through with data; others become -32603', () => {
    expect(
      toJsonRpcError(new ProtocolError(JsonRpcErrorCode.INVALID_PARAMS, 'Invalid params', { data: 1 })),
    ).toEqual({ code: -32602, message: 'Invalid params', data: 1 });
    expect(toJsonRpcError(new ProtocolError(KvErrorCode.INVALID_INPUT, 'x'))).toEqual({
      code: -32603,
      message: 'Internal error',
    });
    expect(toJsonRpcError(new Error('leak'))).toEqual({ code: -32603, message: 'Internal error' });
  });

  it('tcp: an error frame with type, code and ISO timestamp', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    expect(toTcpError(new ProtocolError(TcpErrorCode.INVALID_JSON, 'Invalid JSON'), now)).toEqual({
      type: 'error',
      code: 'INVALID_JSON',
      message: 'Invalid JSON',
      timestamp: '2026-01-02T03:04:05.000Z',
    });
    expect(toTcpError(42, now).code).toBe('INTERNAL_ERROR');
  });

  it('chat: status error with code', () => {
    expect(toChatError(new ProtocolError('NOT_JOINED', 'You must join the chat first'))).toEqual({
      status: 'error',
      code: 'NOT_JOINED',
      message: 'You must join the chat first',
    });
    expect(toChatError(undefined)).toEqual({
      status: 'error',
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
  });
});
