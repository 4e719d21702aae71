import type { JsonRpcId, JsonRpcRequest } from './types.js';

/** True for a value allowed as a request id: string, finite number, or null. */
export function isValidId(id: unknown): id is JsonRpcId {
  return typeof id === 'string' || id === null || (typeof id === 'number' && Number.isFinite(id));
}

/**
 * True for a well-formed Request object: `jsonrpc` exactly "2.0", a string `method`, `params` an array or
 * object when present, `id` a string, number or null when present. Other members are ignored.
 */
export function isValidRequest(value: unknown): value is JsonRpcRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const req = value as Record<string, unknown>;
  if (req.jsonrpc !== '2.0' || typeof req.method !== 'string') return false;
  const params = req.params;
  if (params !== undefined && (typeof params !== 'object' || params === null)) return false;
  const id = req.id;
  return id === undefined || isValidId(id);
}

/** The id to answer an invalid request with: its own id when that is a valid id, otherwise null. */
export function recoverId(value: unknown): JsonRpcId {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as Record<string, unknown>).id;
  return isValidId(id) ? id : null;
}
