// Micro-benchmark of the reply encoder (`pnpm --filter kv-unix-server bench`): CPU time per reply line,
// UTF-8 encoded into a buffer as the socket write would do, for the stored value of a `retrieve`
// spliced in as JsonText (what the server does) against JSON.parse + JSON.stringify of it. It is the
// measurement behind keeping values as JSON text (src/server/json-text.ts). CPU time from
// process.cpuUsage, median of 5 runs, so time spent descheduled on a busy machine does not count.
import { JsonText } from '../src/server/json-text.js';
import { encodeReply, successReply } from '../src/server/reply.js';

const out = Buffer.allocUnsafe(4 << 20);
const stamp = new Date().toISOString();
const keys = Array.from({ length: 64 }, (_, k) => `c7k${k}`);
const values: Record<string, string> = {
  '9 B string': JSON.stringify('value-17'),
  '580 B object': JSON.stringify({
    name: 'x'.repeat(100),
    list: Array.from({ length: 60 }, (_, i) => i * 1.5),
    nested: { a: 'b'.repeat(200), t: true },
  }),
  '70 KB object': JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'], score: i / 7 })),
  ),
  '1 MiB string': JSON.stringify('y'.repeat(1 << 20)),
};

type Case = [name: string, bytes: number, reply: (i: number) => string];
const cases: Case[] = [
  [
    'store reply',
    100,
    (i) => {
      const key = keys[i & 63] as string;
      return encodeReply(
        successReply(undefined, stamp, { key, stored: true, message: `Value stored for key '${key}'` }),
      );
    },
  ],
];
for (const [label, json] of Object.entries(values)) {
  cases.push([
    `retrieve ${label}, spliced (JsonText)`,
    json.length,
    (i) => encodeReply(successReply(undefined, stamp, { key: keys[i & 63], value: new JsonText(json) })),
  ]);
  cases.push([
    `retrieve ${label}, JSON.parse + JSON.stringify`,
    json.length,
    (i) => encodeReply(successReply(undefined, stamp, { key: keys[i & 63], value: JSON.parse(json) })),
  ]);
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1] ?? 0;
const format = (ns: number): string =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e4
      ? `${(ns / 1e3).toFixed(0)} us`
      : `${(ns / 1e3).toFixed(2)} us`;

const results: number[][] = cases.map(() => []);
for (let run = 0; run < 5; run++) {
  cases.forEach(([, bytes, reply], c) => {
    const n = Math.max(20, Math.floor(200_000 / Math.max(1, bytes / 20)));
    for (let i = 0; i < Math.min(n, 5000); i++) out.write(reply(i), 0);
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) out.write(reply(i), 0);
    const used = process.cpuUsage(before);
    results[c]?.push(((used.user + used.system) * 1000) / n);
  });
}
for (const [c, [name]] of cases.entries()) {
  console.log(`${name.padEnd(50)} ${format(median(results[c] ?? []))}`);
}
