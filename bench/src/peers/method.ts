// The method every peer server hosts, so the JSON-RPC libraries are compared on the same work.

/** Params of `set_exposure`: an object of five named fields. */
export interface Exposure {
  camera: string;
  exposureUs: number;
  gain: number;
  auto: boolean;
  mode: string;
}

/** The request the load generator sends (a JSON-RPC 2.0 text frame). */
export const SET_EXPOSURE_MESSAGE = JSON.stringify({
  jsonrpc: '2.0',
  method: 'set_exposure',
  params: { camera: 'front-door', exposureUs: 8000, gain: 2.5, auto: false, mode: 'day' },
  id: 1,
});

/** The handler: a result of the same size as its params. */
export function setExposure(p: Exposure): Exposure & { applied: boolean } {
  return {
    camera: p.camera,
    exposureUs: p.exposureUs,
    gain: p.gain,
    auto: p.auto,
    mode: p.mode,
    applied: true,
  };
}

const FIELDS = 5;

/**
 * For the peers, which have no params checking of their own: the checks `@sockworks/jsonrpc`'s
 * `namedParams` makes for this method (each field's type, nothing missing, nothing unknown).
 */
export function checkExposure(raw: unknown): Exposure {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('invalid params');
  const p = raw as Record<string, unknown>;
  if (
    typeof p.camera !== 'string' ||
    !Number.isSafeInteger(p.exposureUs) ||
    !Number.isFinite(p.gain) ||
    typeof p.auto !== 'boolean' ||
    typeof p.mode !== 'string' ||
    Object.keys(p).length !== FIELDS
  ) {
    throw new Error('invalid params');
  }
  return p as unknown as Exposure;
}
