// fatal: invalid sequences throw instead of becoming U+FFFD; ignoreBOM: a BOM stays in the text
// (JSON.parse then rejects it, as Python's json.loads does) instead of being silently dropped.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes complete UTF-8 input; returns undefined when it is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
