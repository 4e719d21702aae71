import { describe, expect, it } from 'vitest';
import type { ChatOptions } from '../src/server/chat/chat-options.js';
import { ChatService } from '../src/server/chat/chat-service.js';
import { codePointLength, validateUsername } from '../src/server/chat/validation.js';
import { FakeHost } from './fake-host.js';

function setup(options: Partial<ChatOptions> = {}) {
  const host = new FakeHost();
  const chat = new ChatService(host, { joinTimeoutMs: 0, defaultProtocol: 1, ...options });
  return { host, chat };
}

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
};

/** Joins `name` from a new peer on `port` and returns the name the server gave it. */
function joinAs(t: FakeHost, name: string, port: number): string {
  const reply = t.call(t.connect(port), 'join_chat', { username: name }) as { message?: string };
  return String(reply.message).slice('Joined chat as '.length);
}

describe('duplicate-name suffix stays within the maximum length', () => {
  it('cuts the base name by code points to fit `_<port>` into 50', () => {
    const { host: t } = setup();
    joinAs(t, 'a'.repeat(50), 1111);
    const second = joinAs(t, 'a'.repeat(50), 2222);
    expect(second).toBe(`${'a'.repeat(45)}_2222`);
    expect(codePointLength(second)).toBe(50);
    // and `_<port>_<n>` when that is taken too
    const third = joinAs(t, 'a'.repeat(50), 2222);
    expect(third).toBe(`${'a'.repeat(43)}_2222_2`);
  });

  it('never splits a surrogate pair or a character from its combining marks', () => {
    const { host: t } = setup();
    const emoji = '😀'.repeat(50);
    joinAs(t, emoji, 1111);
    expect(joinAs(t, emoji, 2222)).toBe(`${'😀'.repeat(45)}_2222`);
    const accented = 'e\u0301'.repeat(25); // 50 code points, 25 characters
    joinAs(t, accented, 1111);
    const suffixed = joinAs(t, accented, 2222);
    expect(suffixed).toBe(`${'e\u0301'.repeat(22)}_2222`);
    expect(codePointLength(suffixed)).toBeLessThanOrEqual(50);
  });
});

describe('confusable names (UTS #39 skeletons) count as the same name', () => {
  it('suffixes a whole-script confusable of a joined name like an exact duplicate', () => {
    const { host: t, chat } = setup();
    joinAs(t, 'Alice', 1111);
    expect(joinAs(t, '\u0410lice', 2222)).toBe('\u0410lice_2222'); // Cyrillic capital A
    expect(joinAs(t, '\u0440aypal', 3333)).toBe('\u0440aypal'); // not a duplicate of anyone yet
    expect(joinAs(t, 'paypal', 4444)).toBe('paypal_4444');
    expect(chat.sessions).toHaveLength(4);
  });

  it('rejects a confusable of a joined name in reject mode, and of SYSTEM always', () => {
    const { host: t } = setup({ duplicateNames: 'reject' });
    joinAs(t, 'Alice', 1111);
    expect(t.call(t.connect(2222), 'join_chat', { username: '\u0410lice' })).toEqual({
      status: 'error',
      code: 'USERNAME_TAKEN',
      message: 'Username already taken',
    });
    expect(codeOf(() => validateUsername('SYSTE\u041c'))).toBe('INVALID_USERNAME'); // Cyrillic capital EM
  });
});

describe('combining marks in names', () => {
  it('rejects a name that starts with a combining mark', () => {
    expect(codeOf(() => validateUsername('\u0301abc'))).toBe('INVALID_USERNAME');
    expect(codeOf(() => validateUsername(' \u0301abc'))).toBe('INVALID_USERNAME');
  });

  it('allows at most 4 combining marks on one character', () => {
    expect(codeOf(() => validateUsername(`e${'\u0301'.repeat(49)}`))).toBe('INVALID_USERNAME');
    expect(codeOf(() => validateUsername(`ab${'\u0301'.repeat(5)}c`))).toBe('INVALID_USERNAME');
    expect(validateUsername(`ab${'\u0301'.repeat(4)}c`)).toBe(`ab${'\u0301'.repeat(4)}c`);
  });

  it('accepts real names and symbols that use marks', () => {
    for (const name of ['Nguyễn', 'Nguye\u0302\u0303n', 'नमस्ते', 'Zoë', '1\uFE0F\u20E3', 'Ελένη']) {
      expect(validateUsername(name)).toBe(name);
    }
  });
});
