/**
 * Splits an interactive line into words, shell-style: whitespace separates, '...' and "..." group
 * (a backslash escapes the next character inside double quotes and outside quotes).
 * Throws on an unterminated quote.
 */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new UsageError(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** A command line the CLI cannot turn into a request (exit code 2 in one-shot mode). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
