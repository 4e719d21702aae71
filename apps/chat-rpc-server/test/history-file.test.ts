import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceErrorCode } from '@sockworks/error-codes';
import { silentLogger } from '@sockworks/logging';
import { tempDir } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import {
  decodeHistoryLine,
  encodeHistoryLine,
  HISTORY_FILE_HEADER,
  HistoryFile,
} from '../src/server/chat/engine/history-file.js';
import { MemoryEngine } from '../src/server/chat/engine/memory-engine.js';
import type { StoredMessage } from '../src/server/chat/engine/types.js';

const messages: StoredMessage[] = [
  { type: 'chat', room: 'general', id: '1000-0', username: 'Alice', message: 'one', timestamp: 1000 },
  { type: 'chat', room: 'Dév', id: '1000-1', username: 'Bob', message: 'two "quoted"\n🌍', timestamp: 1000 },
  { type: 'chat', room: 'general', id: '1001-0', username: 'Alice', message: 'three', timestamp: 1001 },
];

function fileWith(content: Buffer | string): string {
  const file = join(tempDir('chat-hf-'), 'history.log');
  writeFileSync(file, content);
  return file;
}

function open(file: string) {
  const opened = HistoryFile.open(file, silentLogger());
  opened.file.close();
  return opened.loaded.messages;
}

const whole = Buffer.concat([Buffer.from(HISTORY_FILE_HEADER), ...messages.map(encodeHistoryLine)]);

describe('the history file format', () => {
  it('encodes a message as one checksummed JSON line and decodes it back', () => {
    for (const m of messages) {
      const line = encodeHistoryLine(m);
      expect(line.at(-1)).toBe(0x0a);
      expect(line.subarray(0, -1).includes(0x0a)).toBe(false);
      expect(decodeHistoryLine(line.subarray(0, -1))).toEqual(m);
    }
    expect(open(fileWith(whole))).toEqual(messages);
  });

  it('a file cut at any byte of its last record loads the records before it and is cut back to them', () => {
    const lastStart = whole.length - encodeHistoryLine(messages[2] as StoredMessage).length;
    for (let cut = lastStart + 1; cut < whole.length; cut++) {
      const file = fileWith(whole.subarray(0, cut));
      expect(open(file)).toEqual(messages.slice(0, 2));
      expect(readFileSync(file).length).toBe(lastStart);
    }
  });

  it('any changed byte of a middle record refuses the file with DATA_FILE_CORRUPT and leaves it untouched', () => {
    const start =
      Buffer.from(HISTORY_FILE_HEADER).length + encodeHistoryLine(messages[0] as StoredMessage).length;
    const end = start + encodeHistoryLine(messages[1] as StoredMessage).length;
    for (let at = start; at < end; at++) {
      const damaged = Buffer.from(whole);
      damaged[at] = (damaged[at] as number) ^ 0x01;
      const file = fileWith(damaged);
      let error: unknown;
      try {
        open(file);
      } catch (err) {
        error = err;
      }
      expect(error, `byte ${at}`).toMatchObject({ code: ServiceErrorCode.DATA_FILE_CORRUPT });
      expect((error as Error).message).toMatch(/damaged at line 3 .*1 valid records after it/);
      expect(readFileSync(file)).toEqual(damaged);
    }
  });

  it('records out of id order are damage too; a missing or half-written header is a new file; another file is refused', () => {
    const swapped = Buffer.concat([
      Buffer.from(HISTORY_FILE_HEADER),
      encodeHistoryLine(messages[1] as StoredMessage),
      encodeHistoryLine(messages[0] as StoredMessage),
      encodeHistoryLine(messages[2] as StoredMessage),
    ]);
    expect(() => open(fileWith(swapped))).toThrow(/damaged at line 3/);
    for (const partial of ['', HISTORY_FILE_HEADER.slice(0, 10)]) {
      const file = fileWith(partial);
      expect(open(file)).toEqual([]);
      expect(readFileSync(file, 'utf8')).toBe(HISTORY_FILE_HEADER);
    }
    expect(() => open(fileWith('{"some":"json"}\n'))).toThrow(/not a chat history file/);
  });
});

describe('MemoryEngine with a history file', () => {
  it('loads the rooms and messages, keeps ids increasing, and applies a smaller --history-size on load', () => {
    const file = fileWith(whole);
    const engine = new MemoryEngine({
      perRoom: 1,
      maxBytes: 1e9,
      maxRooms: 10,
      maxHeldSessions: 10,
      historyFile: file,
    });
    engine.start();
    expect(engine.history('general', { limit: 10 }).messages).toEqual([messages[2]]);
    expect(engine.history('dév', { limit: 10 }).messages).toEqual([messages[1]]);
    expect(engine.listRooms().map((r) => r.name)).toEqual(['general', 'Dév']);
    const next = engine.post(
      { key: 'general', name: 'general' },
      { username: 'C', message: 'four', from: 'k:c' },
    );
    expect(next.id > '1001-0' || next.id.split('-')[0] !== '1001').toBe(true);
    engine.close();
    const reopened = new MemoryEngine({
      perRoom: 10,
      maxBytes: 1e9,
      maxRooms: 10,
      maxHeldSessions: 10,
      historyFile: file,
    });
    reopened.start();
    expect(reopened.history('general', { limit: 10 }).messages.map((m) => m.message)).toEqual([
      'one',
      'three',
      'four',
    ]);
    reopened.close();
  });
});
