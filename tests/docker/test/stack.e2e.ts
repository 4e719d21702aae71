/**
 * The images and the compose stack, end to end: build every image, `compose up`, wait until every
 * service is healthy, drive each one with a real client, then stop and remove everything.
 * Needs a Docker engine and the node:22-bookworm-slim image (or its stand-in); run with
 * `pnpm test:docker` at the repository root.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  composeCommand,
  freePort,
  must,
  NODE_IMAGE,
  type Result,
  SERVICES,
  sh,
  UNIX_SERVICE,
  waitFor,
} from './docker.ts';

const PROJECT = `sockworks-e2e-${randomBytes(4).toString('hex')}`;
const ALL = [...SERVICES, UNIX_SERVICE];
const [COMPOSE = 'docker-compose', ...COMPOSE_ARGS] = composeCommand();
/** The compose file's stop_grace_period; "well inside" is half of it. */
const GRACE_MS = 15_000;
const KV_SOCKET = '/run/sockworks/python_server.sock';
const HTTP_SOCKET = '/run/sockworks/local_server.sock';

const ports = { chat: 0, chatWeb: 0, tcp: 0, ws: 0, http: 0 };
let env: NodeJS.ProcessEnv = {};

/** Runs compose on this run's project, with the unix profile so the Unix-socket variant is included. */
function compose(args: string[], timeoutMs = 120_000): Promise<Result> {
  return sh(COMPOSE, [...COMPOSE_ARGS, '-p', PROJECT, '--profile', 'unix', ...args], { env, timeoutMs });
}
async function mustCompose(args: string[], timeoutMs = 120_000): Promise<string> {
  const res = await compose(args, timeoutMs);
  if (res.code !== 0) {
    throw new Error(
      `compose ${args.join(' ')} exited ${res.code}\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`,
    );
  }
  return res.stdout;
}

/** The container id of a service (empty while it has none). */
async function containerOf(service: string): Promise<string> {
  return (await mustCompose(['ps', '-q', service])).trim();
}

async function inspect(id: string, format: string): Promise<string> {
  return (await must('docker', ['inspect', '-f', format, id])).trim();
}

/** One line per service: its container's state and health, for timeout messages. */
async function describeStates(): Promise<string> {
  const lines: string[] = [];
  for (const service of ALL) {
    const id = await containerOf(service).catch(() => '');
    const state = id
      ? await inspect(id, '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}')
      : 'no container';
    lines.push(`${service}: ${state}`);
  }
  const logs = await compose(['logs', '--tail', '20']).catch(() => undefined);
  return `${lines.join('\n')}\n--- last log lines\n${logs?.stdout ?? ''}`;
}

async function waitHealthy(services: readonly string[], timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${services.join(', ')} to be healthy`,
    async () => {
      for (const service of services) {
        const id = await containerOf(service);
        if (!id || (await inspect(id, '{{.State.Health.Status}}')) !== 'healthy') return false;
      }
      return true;
    },
    { timeoutMs, describe: describeStates },
  );
}

/**
 * Runs `script` with node in a throwaway container of the base image, as uid 1000 and without a
 * network, with this run's `sockets` volume mounted: the way another container reaches the sockets.
 */
function fromAnotherContainer(script: string): Promise<string> {
  return must(
    'docker',
    [
      'run',
      '--rm',
      '--user',
      '1000',
      '--network',
      'none',
      '-v',
      `${PROJECT}_sockets:/run/sockworks`,
      NODE_IMAGE,
      'node',
      '-e',
      script,
    ],
    { timeoutMs: 60_000 },
  );
}

/** A kv request from another container over the shared volume; resolves with the parsed reply. */
async function kv(request: object): Promise<{ success: boolean; data?: Record<string, unknown> }> {
  const script = `
    const s = require('net').connect(${JSON.stringify(KV_SOCKET)});
    let buf = '';
    s.setTimeout(10000, () => { console.error('kv: no reply'); process.exit(1); });
    s.on('connect', () => s.end(${JSON.stringify(`${JSON.stringify(request)}\n`)}));
    s.on('data', (d) => { buf += d; });
    s.on('end', () => { process.stdout.write(buf); });`;
  const out = await fromAnotherContainer(script);
  return JSON.parse(out.split('\n')[0] ?? '');
}

beforeAll(async () => {
  ports.chat = await freePort();
  ports.chatWeb = await freePort();
  ports.tcp = await freePort();
  ports.ws = await freePort();
  ports.http = await freePort();
  env = {
    ...process.env,
    CHAT_PUBLISH_PORT: String(ports.chat),
    CHAT_WEB_PUBLISH_PORT: String(ports.chatWeb),
    TCP_PUBLISH_PORT: String(ports.tcp),
    WS_PUBLISH_PORT: String(ports.ws),
    HTTP_PUBLISH_PORT: String(ports.http),
    KV_DATA_FILE: '/var/lib/sockworks/kv.log',
  };
  await must('docker', ['image', 'inspect', NODE_IMAGE], { timeoutMs: 30_000 }).catch((err: Error) => {
    throw new Error(
      `${NODE_IMAGE} is missing (on machines without Docker Hub: stand-in-image.sh node)\n${err.message}`,
    );
  });
  let started = Date.now();
  await mustCompose(['build'], 1_500_000);
  console.log(`${COMPOSE} ${COMPOSE_ARGS.join(' ')} build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  await mustCompose(['up', '-d'], 300_000);
  await waitHealthy(ALL);
  console.log(`up until all ${ALL.length} healthy: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  // Whatever happened above: remove the containers, networks and volumes this run created.
  const down = await compose(['down', '-v', '--remove-orphans', '--timeout', '20'], 180_000);
  const left = await must('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`]);
  const volumes = await must('docker', [
    'volume',
    'ls',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
  ]);
  if (down.code !== 0 || left.trim() || volumes.trim()) {
    throw new Error(
      `compose down left things behind (exit ${down.code}): containers [${left.trim()}] volumes [${volumes.trim()}]\n${down.stderr}`,
    );
  }
});

describe('the compose stack', () => {
  it('runs no container as root', async () => {
    for (const service of ALL) {
      const id = await containerOf(service);
      expect(await inspect(id, '{{.Config.User}}'), service).toBe('node');
      expect((await must('docker', ['exec', id, 'id', '-u'])).trim(), service).toBe('1000');
      // Every process in the container (docker-init as PID 1, then node), with the host's view of uids.
      const top = await must('docker', ['top', id, '-eo', 'pid,uid,args']);
      const uids = top
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[1]);
      expect(uids.length, `${service}: ${top}`).toBeGreaterThanOrEqual(2);
      for (const uid of uids) expect(uid, `${service}: ${top}`).toBe('1000');
    }
  });

  it('chat-rpc-server answers a raw TCP client on the published port', async () => {
    const input = '{"method":"join_chat","params":{"username":"e2e"}}\n{"method":"get_users","params":{}}\n';
    const out = await must('socat', ['-t', '2', '-', `TCP:127.0.0.1:${ports.chat}`], {
      input,
      timeoutMs: 30_000,
    });
    const replies = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const users = replies.find((r) => Array.isArray(r.users) && r.count !== undefined);
    expect(replies[0]?.status, out).toBe('success');
    expect(users?.users, out).toEqual(['e2e']);
  });

  it('chat-rpc-server serves its web client and REST API on the published web port', async () => {
    const page = await fetch(`http://127.0.0.1:${ports.chatWeb}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script src="/app.js"');
    const script = await fetch(`http://127.0.0.1:${ports.chatWeb}/app.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(1000);
    const api = await fetch(`http://127.0.0.1:${ports.chatWeb}/api/users`);
    expect(api.status).toBe(401);
  });

  it('binary-tcp-server runs the tcp-client demo against the published port', async () => {
    // The image's own client, on the host's network: a host-side client of the published port.
    const out = await must(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'host',
        'sockworks/binary-tcp-server',
        'node',
        'dist/cli/tcp-client.js',
        'demo',
        '--host',
        '127.0.0.1',
        '--port',
        String(ports.tcp),
      ],
      { timeoutMs: 60_000 },
    );
    expect(out).toMatch(/pong/);
  });

  it('ws-jsonrpc-camera-skeleton answers a ws client and /healthz', async () => {
    const health = await must('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `http://127.0.0.1:${ports.ws}/healthz`,
    ]);
    expect(health).toBe('200');
    const socket = new WebSocket(`ws://127.0.0.1:${ports.ws}/ws`);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('timed out waiting for the ws reply to ping')),
          10_000,
        );
        socket.on('error', reject);
        socket.on('open', () => socket.send('{"jsonrpc":"2.0","method":"ping","id":1}'));
        socket.on('message', (data) => {
          clearTimeout(timer);
          resolve(String(data));
        });
      });
      expect(JSON.parse(reply)).toEqual({ jsonrpc: '2.0', id: 1, result: 'pong' });
    } finally {
      socket.close();
    }
  });

  it('http-local-server answers curl on the published port', async () => {
    const out = await must('curl', ['-sS', '-i', `http://127.0.0.1:${ports.http}/`]);
    expect(out).toMatch(/^HTTP\/1\.1 200/);
  });

  it('the kv socket is reachable from another container as uid 1000', async () => {
    expect((await kv({ command: 'ping', data: {} })).success).toBe(true);
    const stored = await kv({ command: 'store', data: { key: 'e2e', value: 'kept' } });
    expect(stored.success).toBe(true);
  });

  it('the HTTP Unix socket is reachable from another container as uid 1000', async () => {
    const script = `
      require('http').get({ socketPath: ${JSON.stringify(HTTP_SOCKET)}, path: '/', timeout: 10000 }, (r) => {
        console.log(r.statusCode); r.resume();
      }).on('error', (e) => { console.error(e.message); process.exit(1); });`;
    expect((await fromAnotherContainer(script)).trim()).toBe('200');
  });

  it('the kv data file on its volume survives a restart and a new container', async () => {
    const before = await containerOf('kv-unix-server');
    await mustCompose(['restart', 'kv-unix-server']);
    await waitHealthy(['kv-unix-server']);
    expect((await kv({ command: 'retrieve', data: { key: 'e2e' } })).data).toMatchObject({ value: 'kept' });

    // restart keeps the container's own filesystem; a new container proves the volume keeps the data.
    await mustCompose(['up', '-d', '--no-deps', '--force-recreate', 'kv-unix-server']);
    expect(await containerOf('kv-unix-server')).not.toBe(before);
    await waitHealthy(['kv-unix-server']);
    expect((await kv({ command: 'retrieve', data: { key: 'e2e' } })).data).toMatchObject({ value: 'kept' });
  });

  it('compose stop finishes well inside the grace period, every container exiting 0', async () => {
    const ids = await Promise.all(ALL.map(containerOf));
    const started = Date.now();
    await mustCompose(['stop']);
    const elapsed = Date.now() - started;
    console.log(`compose stop: ${(elapsed / 1000).toFixed(1)} s`);
    expect(elapsed).toBeLessThan(GRACE_MS / 2);
    for (const [i, id] of ids.entries()) {
      expect(await inspect(id, '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}'), ALL[i]).toBe(
        'exited 0 false',
      );
    }
  });
});
