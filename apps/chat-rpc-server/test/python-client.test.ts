import { spawnSync } from 'node:child_process';
import { runTracked } from '@sockworks/test-utils';
import { describe, expect, it } from 'vitest';
import { RawClient, startServer, waitFor } from './helpers.js';

// The spec's "Using Python Client (Raw Socket)" snippet, verbatim except for the port.
const SNIPPET = `
import json
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect(('127.0.0.1', PORT))

join_request = {"method": "join_chat", "params": {"username": "TestUser"}}
sock.sendall(json.dumps(join_request).encode('utf-8'))
response = sock.recv(1024).decode('utf-8')
print(f"Join response: {response}")

message_request = {"method": "send_message", "params": {"message": "Hello from API test!"}}
sock.sendall(json.dumps(message_request).encode('utf-8'))

users_request = {"method": "get_users", "params": {}}
sock.sendall(json.dumps(users_request).encode('utf-8'))
response = sock.recv(1024).decode('utf-8')
print(f"Users: {response}")

leave_request = {"method": "leave_chat", "params": {}}
sock.sendall(json.dumps(leave_request).encode('utf-8'))

sock.close()
`;

const hasPython = spawnSync('python3', ['--version']).status === 0;

// Like the curl, socat and nc tests: with SOCKWORKS_REQUIRE_TOOLS=1 (CI) a missing tool fails.
if (!hasPython && process.env.SOCKWORKS_REQUIRE_TOOLS === '1') {
  throw new Error(
    'python3 is required (SOCKWORKS_REQUIRE_TOOLS=1) but not installed: apt-get install -y python3',
  );
}

describe.skipIf(!hasPython)("the spec's Python snippet, run with python3", () => {
  it('joins, sends, lists users and leaves; the other user sees it all', async () => {
    const { port } = await startServer();
    const watcher = await RawClient.connect(port);
    await watcher.join('Watcher');
    const python = await runTracked('python3', ['-c', SNIPPET.replace('PORT', String(port))], {
      label: "python3 -c <the spec's snippet>",
    });
    expect(python.code, python.stderr).toBe(0);
    const stdout = python.stdout;
    expect(stdout).toContain('Join response: {"status":"success","message":"Joined chat as TestUser"');
    // Its second recv(1024) returns whatever has arrived: TCP is a stream, so that is the welcome
    // message when it came in a segment of its own, otherwise the send_message reply.
    expect(stdout).toMatch(
      /^Users: \{("status":"success"|"type":"system","message":"Welcome to the chat, TestUser!")/m,
    );
    await waitFor(() => watcher.messages.some((m) => m.message === 'TestUser has left the chat!'), 'leave');
    expect(watcher.unread()).toEqual([
      { type: 'system', message: 'TestUser has joined the chat!', username: 'SYSTEM' },
      { type: 'chat', message: 'Hello from API test!', username: 'TestUser' },
      { type: 'system', message: 'TestUser has left the chat!', username: 'SYSTEM' },
    ]);
  });
});
