import type { RedisCluster, RedisLink } from '@sockworks/redis';
import type { ScriptCaller } from './scripts.js';

/** One SCAN-able keyspace: the Redis server, or one master of a cluster. */
export interface ScanShard {
  scan(cursor: string, match: string, count: number): Promise<{ cursor: string; keys: string[] }>;
}

/**
 * The few commands the kv store sends, the same for one Redis and for a Redis Cluster (where node-redis
 * routes each command by its first key). Keeping them this narrow lets one store serve both.
 */
export interface RedisKeyspace extends ScriptCaller {
  readonly cluster: boolean;
  get(key: string): Promise<string | null>;
  hmGet(key: string, fields: string[]): Promise<(string | null)[]>;
  /** What SCAN walks: the server, or every master in a stable order (by address). */
  shards(): Promise<ScanShard[]>;
  /** Closes the connection(s): gracefully, forced after `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>;
}

type ScanClient = Pick<RedisLink['client'], 'scan'>;

function shardOf(client: ScanClient): ScanShard {
  return {
    async scan(cursor, match, count) {
      const reply = await client.scan(cursor, { MATCH: match, COUNT: count });
      return { cursor: String(reply.cursor), keys: reply.keys.map(String) };
    },
  };
}

/** The keyspace of one Redis server behind a {@link RedisLink}. */
export function linkKeyspace(link: RedisLink): RedisKeyspace {
  const { client } = link;
  const shard = shardOf(client);
  return {
    cluster: false,
    evalSha: (sha, options) => client.evalSha(sha, options),
    eval: (script, options) => client.eval(script, options),
    get: async (key) => {
      const value = await client.get(key);
      return value === null ? null : String(value);
    },
    hmGet: async (key, fields) =>
      (await client.hmGet(key, fields)).map((v) => (v === null ? null : String(v))),
    shards: async () => [shard],
    close: (deadlineMs) => link.close(deadlineMs),
  };
}

/** The keyspace of a Redis Cluster; SCAN visits every master. */
export function clusterKeyspace(cluster: RedisCluster): RedisKeyspace {
  return {
    cluster: true,
    evalSha: (sha, options) => cluster.evalSha(sha, options),
    eval: (script, options) => cluster.eval(script, options),
    get: async (key) => {
      const value = await cluster.get(key);
      return value === null ? null : String(value);
    },
    hmGet: async (key, fields) =>
      (await cluster.hmGet(key, fields)).map((v) => (v === null ? null : String(v))),
    async shards() {
      const masters = [...cluster.masters].sort((a, b) =>
        `${a.host}:${a.port}`.localeCompare(`${b.host}:${b.port}`),
      );
      return Promise.all(masters.map(async (master) => shardOf(await cluster.nodeClient(master))));
    },
    async close(deadlineMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          cluster.destroy();
          resolve();
        }, deadlineMs);
      });
      try {
        await Promise.race([cluster.close().catch(() => cluster.destroy()), forced]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
