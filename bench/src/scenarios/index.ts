import { idleBinaryTcp, tcpEcho8k, tcpEcho16b } from './binary-tcp.ts';
import { chatFanout, chatRoomFanout, idleChat } from './chat.ts';
import type { Scenario } from './common.ts';
import { httpGet } from './http.ts';
import { idleKv, kv4x64, kv50x1 } from './kv.ts';
import { kvRedis50x1 } from './kv-redis.ts';
import {
  chatMetricsOverhead,
  httpMetricsOverhead,
  kvMetricsOverhead,
  tcpMetricsOverhead,
  wsMetricsOverhead,
} from './metrics-overhead.ts';
import { wsRpcPeers } from './peers.ts';
import { idleWs, wsPing } from './ws.ts';

export type { RunSettings, Scenario, ScenarioResult } from './common.ts';

/** Every scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [
  tcpEcho16b,
  tcpEcho8k,
  kv50x1,
  kv4x64,
  kvRedis50x1,
  wsPing,
  wsRpcPeers,
  httpGet,
  chatFanout,
  chatRoomFanout,
  idleBinaryTcp,
  idleChat,
  idleKv,
  idleWs,
  tcpMetricsOverhead,
  kvMetricsOverhead,
  chatMetricsOverhead,
  wsMetricsOverhead,
  httpMetricsOverhead,
];
