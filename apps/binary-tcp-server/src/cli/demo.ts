/** `tcp-client demo`: sends every message type once and prints each reply. */
import { ProtocolError } from '@sockworks/error-codes';
import type { TcpClient } from '../client/client.js';

/** Something to print lines to (stdout by default). */
export interface Output {
  write(text: string): unknown;
}

/** Runs the demo on a connected client. */
export async function runDemo(client: TcpClient, out: Output): Promise<void> {
  const show = (label: string, value: unknown): void => {
    out.write(`${label}\n${JSON.stringify(value, null, 2)}\n\n`);
  };
  out.write(`Connected to ${client.host}:${client.port}\n\n`);
  const pong = await client.pingFrame();
  show('ping -> pong', pong);
  const rtt = await client.ping();
  out.write(`ping round trip: ${rtt.toFixed(3)} ms\n\n`);
  show('echo -> echo_response', await client.echo('Hello TCP Server!'));
  show('broadcast -> broadcast_sent', await client.broadcast('Hello from the demo client!'));
  show('get_stats -> server_stats', await client.getServerStats());
  show('message -> message_received', await client.sendMessage('Plain text from the demo client'));
  try {
    show('custom_type -> ?', await client.sendCustomMessage('custom_type', { data: 'value' }));
  } catch (err) {
    if (!ProtocolError.is(err)) throw err;
    show('custom_type -> error', { code: err.code, message: err.message });
  }
}
