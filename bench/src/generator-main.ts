// Entry point of a load-generator process. The harness runs load in a separate process so the
// generator's CPU is not the server's. Input: one JSON argument; output: progress lines on stderr
// ("P <count>", "CONNECTED <n>") and one JSON result line on stdout.
import { encodeLengthPrefixed } from '@sockworks/framing';
import { type LoadProgress, lengthPrefixedReplies, lineReplies, runWindowedLoad } from '@sockworks/loadgen';
import { runChatFanout } from 'chat-rpc-server';
import { runHttpCloseLoad } from './generators/http.ts';
import { holdIdleConnections } from './generators/idle.ts';
import { runWsLoad } from './generators/ws.ts';
import type { GeneratorSpec } from './spec.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as GeneratorSpec;
const onProgress = (n: number) => process.stderr.write(`P ${n}\n`);
// The windowed load's progress, as often as the other generators report theirs.
const windowedProgress = {
  progressIntervalMs: 250,
  onProgress: (p: LoadProgress) => onProgress(p.completed),
};

async function main(): Promise<unknown> {
  switch (spec.kind) {
    case 'frames': {
      // One list for every connection: they share its pre-built request cycle.
      const frames = spec.messages.map((m) => encodeLengthPrefixed(m));
      return runWindowedLoad({
        ...spec,
        ...windowedProgress,
        requests: () => frames,
        replies: lengthPrefixedReplies,
      });
    }
    case 'lines':
      return runWindowedLoad({
        ...spec,
        ...windowedProgress,
        requests: (c) => spec.messages.map((m) => Buffer.from(`${m.replaceAll('{c}', String(c))}\n`)),
        replies: lineReplies,
      });
    case 'ws':
      return runWsLoad({ ...spec, onProgress });
    case 'http-close':
      return runHttpCloseLoad({ ...spec, onProgress });
    case 'chat-fanout': {
      const { host, port, receivers, messages, intervalMs } = spec;
      return runChatFanout({ target: { host, port }, receivers, messages, intervalMs, onProgress });
    }
    case 'idle': {
      let release: () => void = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      process.stdin.once('data', () => release());
      process.stdin.once('end', () => release());
      return holdIdleConnections({
        ...spec,
        onConnected: (n) => process.stderr.write(`CONNECTED ${n}\n`),
        release: released,
      });
    }
  }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`generator failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
