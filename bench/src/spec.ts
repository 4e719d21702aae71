import type { Target } from './target.ts';

/** What a generator process is asked to do (serialised as JSON between processes). */
export type GeneratorSpec =
  | {
      kind: 'frames';
      target: Target;
      connections: number;
      window: number;
      durationMs: number;
      messages: string[];
    }
  | {
      kind: 'lines';
      target: Target;
      connections: number;
      window: number;
      durationMs: number;
      messages: string[];
    }
  | {
      kind: 'ws';
      url: string;
      connections: number;
      window: number;
      durationMs: number;
      message: string;
      /** paced: one request per connection every intervalMs (window 1) */
      intervalMs?: number;
      /** load applied before counting and timing start (JIT warm-up of both sides), default 0 */
      warmupMs?: number;
    }
  | { kind: 'http-close'; target: Target; concurrency: number; durationMs: number }
  | {
      kind: 'chat-fanout';
      host: string;
      port: number;
      receivers: number;
      /** spread the receivers over this many rooms, one sender each (0 or absent: everyone in general) */
      rooms?: number;
      messages: number;
      intervalMs: number;
      /** wait until the join notices have stopped arriving for this long before sending (0 or absent: no wait) */
      settleMs?: number;
    }
  | { kind: 'idle'; target: Target; count: number; hello?: string };
