export { type DecoderEvents, forwardEvents, type PushDecoder } from './decoder.js';
export {
  encodeLengthPrefixed,
  encodeLengthPrefixedJson,
  encodeNdjson,
} from './encoders.js';
export { EXCERPT_MAX_CHARS, FramingError, FramingErrorCode } from './framing-error.js';
export { looksLikeHttpRequest } from './http-sniff.js';
export { DEFAULT_MAX_DEPTH, exceedsJsonDepth } from './json-depth.js';
export { findNonFiniteNumber, hasNonFiniteNumber } from './json-finite.js';
export { JsonStreamDecoder, type JsonStreamDecoderOptions } from './json-stream-decoder.js';
export {
  LengthPrefixedDecoder,
  type LengthPrefixedDecoderOptions,
  MAX_LENGTH_PREFIX,
} from './length-prefixed-decoder.js';
export { LineDecoder, type LineDecoderOptions } from './line-decoder.js';
export { NdjsonDecoder, type NdjsonDecoderOptions } from './ndjson-decoder.js';
export { parseJsonPayload } from './parse-json.js';
export {
  PARTIAL_MESSAGE_DEFAULTS,
  PartialMessageGuard,
  type PartialMessageGuardOptions,
  type PartialMessageHolder,
} from './partial-message-guard.js';
export {
  JsonStreamDecodeStream,
  LengthPrefixedDecodeStream,
  LengthPrefixedEncodeStream,
  NdjsonDecodeStream,
  NdjsonEncodeStream,
} from './streams.js';
