import {
  connectRaw,
  framings,
  type RawSocketClient,
  scaled,
  tempSocketPath as testTempSocketPath,
  waitFor as testWaitFor,
} from '@sockworks/test-utils';
import type { BoundAddress } from '../src/index.js';

/** A fresh socket path in a temp directory removed after the test. */
export function tempSocketPath(): string {
  return testTempSocketPath('svc-');
}

/** Connects a raw client to a bound address; it keeps every byte and is destroyed after the test. */
export function connectTo(address: BoundAddress): Promise<RawSocketClient<Buffer>> {
  return connectRaw(
    address.kind === 'unix' ? { path: address.path } : { host: address.host, port: address.port },
    framings.bytes(),
  );
}

/** Everything the client received, once the connection has closed. */
export async function readAll(client: RawSocketClient<Buffer>): Promise<string> {
  await client.waitClosed();
  return client.text();
}

/** Everything the client received, once it contains `needle`. */
export function readUntil(client: RawSocketClient<Buffer>, needle: string): Promise<string> {
  return client.waitUntil(() => {
    const text = client.text();
    return text.includes(needle) ? text : undefined;
  }, JSON.stringify(needle));
}

/** Waits for `cond()` to hold, failing after the (scaled) `timeoutMs` with a message naming `what`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  await testWaitFor(cond, { what, timeoutMs: scaled(timeoutMs), intervalMs: 5 });
}
