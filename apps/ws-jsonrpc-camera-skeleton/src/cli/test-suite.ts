import { performance } from 'node:perf_hooks';
import { JsonRpcErrorCode, ProtocolError } from '@sockworks/error-codes';
import { WsRpcClient } from '../client/client.js';
import { pyRepr } from './py-repr.js';

/** Options of {@link runTestSuite}. */
export interface TestSuiteOptions {
  /** Server URL. */
  url: string;
  /** Ping test only. @default false */
  simple?: boolean;
  /** Ping latency above this fails the latency check. @default 50 */
  thresholdMs?: number;
  /** Timeout of each request. @default 5000 */
  timeoutMs?: number;
  /** Bearer token for servers started with an auth token. */
  authToken?: string;
  /** Receives each output line. */
  print: (line: string) => void;
}

type Check = () => Promise<boolean>;

/** Runs the spec's client tests against a server, printing one ✅/❌ line per check; true when all passed. */
export async function runTestSuite(options: TestSuiteOptions): Promise<boolean> {
  const { print } = options;
  const thresholdMs = options.thresholdMs ?? 50;
  const client = new WsRpcClient({
    url: options.url,
    timeoutMs: options.timeoutMs ?? 5000,
    reconnect: false,
    authToken: options.authToken,
  });
  try {
    await client.connect();
  } catch (error) {
    print(`❌ Could not connect to ${options.url}: ${describe(error)}`);
    return false;
  }

  const ping: Check = async () => {
    let latency: number;
    try {
      const start = performance.now();
      const result = await client.call('ping');
      latency = performance.now() - start;
      if (result !== 'pong') {
        print(`❌ Ping test failed! Expected 'pong', got: ${pyRepr(result)}`);
        return false;
      }
      print(`✅ Ping test passed! Response: ${pyRepr(result)} in ${latency.toFixed(2)} ms`);
    } catch (error) {
      print(`❌ Ping test failed! ${describe(error)}`);
      return false;
    }
    if (latency <= thresholdMs) {
      print(`✅ Response time (${latency.toFixed(2)} ms) is within ${thresholdMs}ms threshold`);
      return true;
    }
    print(`❌ Response time (${latency.toFixed(2)} ms) exceeds ${thresholdMs}ms threshold`);
    return false;
  };

  const invalidMethod: Check = async () => {
    try {
      const result = await client.call('invalid_method');
      print(`❌ Invalid method test failed! Expected an error, got result: ${pyRepr(result)}`);
      return false;
    } catch (error) {
      if (ProtocolError.is(error) && error.code === JsonRpcErrorCode.METHOD_NOT_FOUND) {
        print(`✅ Invalid method test passed! Got expected error: ${pyRepr(wire(error))}`);
        return true;
      }
      print(
        `❌ Invalid method test failed! Expected error ${JsonRpcErrorCode.METHOD_NOT_FOUND}, got: ${describe(error)}`,
      );
      return false;
    }
  };

  const malformedJson: Check = async () => {
    try {
      const reply = await client.requestRaw('{"jsonrpc": "2.0", "method": "ping", "id": 1');
      const error = (reply as { error?: { code?: unknown } } | null)?.error;
      if (error?.code === JsonRpcErrorCode.PARSE_ERROR) {
        print(`✅ Malformed JSON test passed! Got expected parse error: ${pyRepr(error)}`);
        return true;
      }
      print(`❌ Malformed JSON test failed! Expected a parse error, got: ${pyRepr(reply)}`);
      return false;
    } catch (error) {
      print(`❌ Malformed JSON test failed! ${describe(error)}`);
      return false;
    }
  };

  const checks = options.simple ? [ping] : [ping, invalidMethod, malformedJson];
  let passed = true;
  for (const check of checks) passed = (await check()) && passed;
  await client.close();
  print('');
  print(passed ? '🎉 All tests passed!' : '❌ Some tests failed.');
  return passed;
}

function wire(error: ProtocolError): Record<string, unknown> {
  return error.data === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, data: error.data };
}

function describe(error: unknown): string {
  if (ProtocolError.is(error)) return `${String(error.code)}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
