const METHODS = 'GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH|PRI';
/** A complete request line: `METHOD target HTTP/x.y` (HTTP/2's preface is `PRI * HTTP/2.0`). */
const COMPLETE_LINE = new RegExp(`^(?:${METHODS}) [^\\s]+ HTTP/\\d(?:\\.\\d)?\\r?$`);
/** A request line cut short (an excerpt ends before its newline): every part seen so far fits. */
const PARTIAL_LINE = new RegExp(
  `^(?:${METHODS}) (?:[^\\s]+(?: (?:H(?:T(?:T(?:P(?:/(?:\\d(?:\\.\\d?)?)?)?)?)?)?)?)?)?$`,
);

/**
 * True when text starts like an HTTP/1.x request line ("GET / HTTP/1.1", "POST /x HTTP/1.0", ...),
 * as found in a FramingError excerpt when a browser or curl talks to a non-HTTP server. Text without
 * a newline is taken as a possibly cut excerpt and may stop anywhere after "METHOD ".
 */
export function looksLikeHttpRequest(text: string): boolean {
  const newline = text.indexOf('\n');
  if (newline === -1) return PARTIAL_LINE.test(text) || COMPLETE_LINE.test(text);
  return COMPLETE_LINE.test(text.slice(0, newline));
}
