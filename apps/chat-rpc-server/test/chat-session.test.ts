import { describe, expect, it } from 'vitest';
import { RawClient, startServer, waitFor } from './helpers.js';

const sys = (message: string) => ({ type: 'system', message, username: 'SYSTEM' });

describe("the spec's flows over raw sockets", () => {
  it('Complete Chat Session: three clients, each receiving exactly what the spec says', async () => {
    const { port } = await startServer();
    const [alice, bob, charlie] = await Promise.all([
      RawClient.connect(port),
      RawClient.connect(port),
      RawClient.connect(port),
    ]);
    await bob.join('Bob');
    await charlie.join('Charlie');
    expect(await bob.next()).toEqual(sys('Charlie has joined the chat!'));

    // 1. Alice joins: reply (with the user list) and welcome to her, "has joined" to the others.
    expect(await alice.request({ method: 'join_chat', params: { username: 'Alice' } })).toEqual({
      status: 'success',
      message: 'Joined chat as Alice',
      users: ['Bob', 'Charlie', 'Alice'],
    });
    expect(await alice.next()).toEqual(sys('Welcome to the chat, Alice!'));
    expect(await bob.next()).toEqual(sys('Alice has joined the chat!'));
    expect(await charlie.next()).toEqual(sys('Alice has joined the chat!'));

    // 2. Alice sends a message: confirmation to her, the chat message to the others only.
    expect(await alice.request({ method: 'send_message', params: { message: 'Hello everyone!' } })).toEqual({
      status: 'success',
      message: 'Message sent successfully',
    });
    const chat = { type: 'chat', message: 'Hello everyone!', username: 'Alice' };
    expect(await bob.next()).toEqual(chat);
    expect(await charlie.next()).toEqual(chat);

    // 3. User list.
    expect(await alice.request({ method: 'get_users', params: {} })).toEqual({
      status: 'success',
      users: ['Bob', 'Charlie', 'Alice'],
      count: 3,
    });

    // 4. Alice leaves.
    expect(await alice.request({ method: 'leave_chat', params: {} })).toEqual({
      status: 'success',
      message: 'Left chat successfully',
    });
    expect(await bob.next()).toEqual(sys('Alice has left the chat!'));
    expect(await charlie.next()).toEqual(sys('Alice has left the chat!'));

    // Nobody got anything extra (Alice never sees her own message).
    expect(await bob.request({ method: 'get_users' })).toMatchObject({ users: ['Bob', 'Charlie'] });
    expect([alice.unread(), bob.unread(), charlie.unread()]).toEqual([[], [], []]);
    expect(alice.messages.some((m) => m.type === 'chat')).toBe(false);
  });

  it('Python snippet: requests with no delimiter, back to back in one write, answered in order', async () => {
    const { port } = await startServer();
    const other = await RawClient.connect(port);
    await other.join('Other');
    const sock = await RawClient.connect(port);
    // json.dumps(...) output: spaces after separators, no newline.
    const dumps = (v: unknown) => JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "');
    sock.write(dumps({ method: 'join_chat', params: { username: 'TestUser' } }));
    expect(await sock.next()).toEqual({
      status: 'success',
      message: 'Joined chat as TestUser',
      users: ['Other', 'TestUser'],
    });
    expect(await sock.next()).toEqual(sys('Welcome to the chat, TestUser!'));
    // send_message, get_users and leave_chat in a single write, no delimiters.
    sock.write(
      dumps({ method: 'send_message', params: { message: 'Hello from API test!' } }) +
        dumps({ method: 'get_users', params: {} }) +
        dumps({ method: 'leave_chat', params: {} }),
    );
    expect(await sock.next()).toEqual({ status: 'success', message: 'Message sent successfully' });
    expect(await sock.next()).toEqual({ status: 'success', users: ['Other', 'TestUser'], count: 2 });
    expect(await sock.next()).toEqual({ status: 'success', message: 'Left chat successfully' });
    expect(await other.next()).toMatchObject({ message: 'TestUser has joined the chat!' });
    expect(await other.next()).toEqual({
      type: 'chat',
      message: 'Hello from API test!',
      username: 'TestUser',
    });
    expect(await other.next()).toEqual(sys('TestUser has left the chat!'));
    // Every server message is one compact JSON value per line.
    for (const line of sock.lines) expect(line).toBe(JSON.stringify(JSON.parse(line)));
  });

  it('decodes a request split at every byte, including inside UTF-8 characters', async () => {
    const { port } = await startServer();
    const listener = await RawClient.connect(port);
    await listener.join('Listener');
    const c = await RawClient.connect(port);
    c.socket.setNoDelay(true); // one-byte writes leave one by one (the codec test splits deterministically)
    await c.join('Zoë');
    expect(await listener.next()).toMatchObject({ message: 'Zoë has joined the chat!' });
    const bytes = Buffer.from(
      '{"method":"send_message","params":{"message":"héllo 🌍"}}\r\n{"method":"get_users"}',
      'utf8',
    );
    for (let i = 0; i < bytes.length; i++) {
      c.write(bytes.subarray(i, i + 1));
      await new Promise((r) => setImmediate(r));
    }
    expect(await c.next()).toMatchObject({ status: 'success', message: 'Message sent successfully' });
    expect(await c.next()).toMatchObject({ users: ['Listener', 'Zoë'] });
    expect(await listener.next()).toEqual({ type: 'chat', message: 'héllo 🌍', username: 'Zoë' });
  });

  it('10 concurrent clients join, each message reaches the 9 others', async () => {
    const { port, server } = await startServer();
    const clients = await Promise.all(Array.from({ length: 10 }, () => RawClient.connect(port)));
    await Promise.all(clients.map((c, i) => c.join(`User${i}`)));
    expect(server.sessions).toHaveLength(10);
    await Promise.all(
      clients.map(async (c, i) => {
        expect(
          await c.call({ method: 'send_message', params: { message: `Hello from User${i}!` } }),
        ).toMatchObject({
          status: 'success',
        });
      }),
    );
    await waitFor(
      () => clients.every((c) => c.messages.filter((m) => m.type === 'chat').length === 9),
      'every chat message delivered',
    );
    for (const [i, c] of clients.entries()) {
      const chats = c.messages.filter((m) => m.type === 'chat');
      const senders = chats.map((m) => m.username).sort();
      expect(senders).toEqual(
        clients
          .map((_, j) => `User${j}`)
          .filter((n) => n !== `User${i}`)
          .sort(),
      );
      for (const m of chats) expect(m.message).toBe(`Hello from ${String(m.username)}!`);
    }
    for (const c of clients) c.socket.end();
    await waitFor(() => server.sessions.length === 0, 'all sessions gone');
  });
});

describe('duplicate names', () => {
  it('default: the second Alice becomes Alice_<port>, named in the reply', async () => {
    const { port } = await startServer();
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await a.join('Alice');
    const reply = await b.request({ method: 'join_chat', params: { username: 'alice' } });
    expect(reply).toEqual({
      status: 'success',
      message: `Joined chat as alice_${b.port}`,
      users: ['Alice', `alice_${b.port}`],
    });
    expect(await b.next()).toEqual(sys(`Welcome to the chat, alice_${b.port}!`));
    expect(await a.next()).toEqual(sys(`alice_${b.port} has joined the chat!`));
  });

  it('--duplicate-names reject: "Username already taken"', async () => {
    const { port } = await startServer({ duplicateNames: 'reject' });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await a.join('Alice');
    expect(await b.request({ method: 'join_chat', params: { username: 'ALICE' } })).toEqual({
      status: 'error',
      code: 'USERNAME_TAKEN',
      message: 'Username already taken',
    });
    expect(await b.join('Bob')).toMatchObject({ status: 'success' });
  });
});

describe('validation boundaries on the wire', () => {
  const join = async (port: number, username: string) => {
    const c = await RawClient.connect(port);
    return c.request({ method: 'join_chat', params: { username } });
  };

  it('usernames: 50 code points ok, 51 rejected (ASCII, emoji, combining marks)', async () => {
    const { port } = await startServer();
    expect(await join(port, 'a'.repeat(50))).toMatchObject({ status: 'success' });
    expect(await join(port, 'b'.repeat(51))).toMatchObject({ status: 'error', code: 'INVALID_USERNAME' });
    expect(await join(port, '😀'.repeat(50))).toMatchObject({ status: 'success' });
    expect(await join(port, '😀'.repeat(51))).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(await join(port, 'e\u0301'.repeat(25))).toMatchObject({ status: 'success' });
    expect(await join(port, `${'e\u0301'.repeat(25)}x`)).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(await join(port, 'Eve\u001b[2J')).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(await join(port, 'Eve\u202Egnp.exe')).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(await join(port, 'E\u200Bve')).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(await join(port, 'Eve\n')).toMatchObject({ code: 'INVALID_USERNAME' });
    expect(await join(port, '   ')).toMatchObject({ code: 'INVALID_USERNAME' });
  });

  it('lone surrogates sent as JSON escapes are rejected', async () => {
    const { port } = await startServer();
    const c = await RawClient.connect(port);
    c.write('{"method":"join_chat","params":{"username":"Eve\\ud800"}}');
    expect(await c.next()).toMatchObject({ code: 'INVALID_USERNAME' });
  });

  it('messages: 1000 code points ok, 1001 rejected, never truncated', async () => {
    const { port } = await startServer();
    const sender = await RawClient.connect(port);
    const receiver = await RawClient.connect(port);
    await sender.join('Sender');
    await receiver.join('Receiver');
    await sender.next(); // "Receiver has joined"
    const send = (message: string) => sender.request({ method: 'send_message', params: { message } });
    for (const ok of ['m'.repeat(1000), '🎉'.repeat(1000), 'a\u0301'.repeat(500)]) {
      expect(await send(ok)).toMatchObject({ status: 'success' });
      expect(await receiver.next()).toEqual({ type: 'chat', message: ok, username: 'Sender' });
    }
    for (const bad of ['m'.repeat(1001), '🎉'.repeat(1001), `${'a\u0301'.repeat(500)}b`, '', '  \n ']) {
      expect(await send(bad)).toMatchObject({ status: 'error', code: 'INVALID_MESSAGE' });
    }
    expect(receiver.unread()).toEqual([]);
  });
});
