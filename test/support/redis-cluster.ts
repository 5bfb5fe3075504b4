import { readFileSync } from 'node:fs';
import { launchRedis, makeServerDir, redisCli, removeServerDir, stopRedis } from './redis-server.js';

/**
 * Refuses cluster ports whose bus port (port + 10000) lies in the kernel's range of ports for
 * outgoing connections: a client socket may hold it, the node then exits after opening its own
 * port, and the suite fails now and then instead of always.
 */
export function checkBusPorts(ports: readonly number[]): void {
  let range = '32768 60999';
  try {
    range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    // Not Linux: the common default stands.
  }
  const [low, high] = range.trim().split(/\s+/).map(Number) as [number, number];
  const clash = ports.filter((port) => port + 10_000 >= low && port + 10_000 <= high);
  if (clash.length > 0) throw new Error(`Cluster ports ${clash.join(', ')} have bus ports in the outgoing range ${low}-${high}; choose ports below ${low - 10_000}.`);
}

/** A Redis Cluster of masters on loopback ports, started and stopped by a test. */
export interface LocalCluster {
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/**
 * Starts one redis-server per port with `cluster-enabled`, joins them with
 * `redis-cli --cluster create` (masters only), and waits until every node reports
 * `cluster_state:ok`. Everything is bounded in time; on failure the servers already started
 * are stopped before the error is thrown.
 */
export async function startCluster(ports: readonly number[] = [7101, 7102, 7103]): Promise<LocalCluster> {
  checkBusPorts(ports);
  const dir = await makeServerDir('cluster');
  const pids = new Map<number, number>();
  const stop = async (): Promise<void> => {
    await Promise.all([...pids].map(([port, pid]) => stopRedis(pid, port)));
    pids.clear();
    await removeServerDir(dir);
  };
  try {
    for (const port of ports) {
      pids.set(port, await launchRedis(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `${dir}/nodes-${port}.conf`]));
    }
    await redisCli(ports[0]!, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], 30_000);
    await waitForClusterOk(ports, 20_000);
    return { ports, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

async function waitForClusterOk(ports: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const infos = await Promise.all(ports.map((port) => redisCli(port, ['cluster', 'info'])));
    if (infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The cluster on ports ${ports.join(', ')} did not reach cluster_state:ok within ${timeoutMs} ms.`);
}

/** A Redis Cluster whose masters each have a replica, for failover tests. */
export interface ReplicatedCluster extends LocalCluster {
  /** The masters' ports right now (from CLUSTER NODES on a live node). */
  masters(): Promise<number[]>;
  /** The port of the replica of the master on `port` (from CLUSTER NODES), if any. */
  replicaOf(port: number): Promise<number | undefined>;
  /** SIGKILL to the node on `port`; resolves once its port is closed. */
  kill(port: number): Promise<void>;
  /** Starts the node on `port` again with its nodes file: it rejoins, as a replica if it was replaced, and never takes over. */
  restart(port: number): Promise<void>;
  /** Waits until the node on `port` is a master that every live node sees as one. */
  waitForMaster(port: number, timeoutMs: number): Promise<void>;
  /** Waits until every live node reports cluster_state:ok with all slots served. */
  waitForOk(timeoutMs: number): Promise<void>;
  /** Waits until every master has a replica whose link is up and in sync. */
  waitForReplicas(timeoutMs: number): Promise<void>;
}

/**
 * Starts `ports.length` nodes joined as `ports.length / 2` masters with one replica each, with
 * a short `cluster-node-timeout` (default 3 s), so a replica takes over a killed master within
 * seconds. Not 1 s: a loaded machine can stall a healthy node that long, and a failover follows.
 */
export async function startReplicatedCluster(ports: readonly number[], options: { nodeTimeoutMs?: number } = {}): Promise<ReplicatedCluster> {
  checkBusPorts(ports);
  const dir = await makeServerDir('cluster-replicated');
  const pids = new Map<number, number>();
  const live = new Set<number>();
  const args = (port: number): string[] => [
    '--cluster-enabled', 'yes',
    '--cluster-config-file', `${dir}/nodes-${port}.conf`,
    '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 3_000),
    // A replica may take over however long it was cut off: the test decides what is safe.
    '--cluster-replica-validity-factor', '0',
  ];
  const launch = async (port: number, extra: readonly string[] = []): Promise<void> => {
    pids.set(port, await launchRedis(port, dir, [...args(port), ...extra]));
    live.add(port);
  };
  const nodes = async (): Promise<Array<{ port: number; master: boolean; masterId: string; id: string; failed: boolean }>> => {
    const from = [...live][0]!;
    return (await redisCli(from, ['cluster', 'nodes']))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [id, address, flags, masterId] = line.split(' ');
        return { id: id!, port: Number(address!.split(':')[1]!.split('@')[0]), master: flags!.includes('master'), masterId: masterId!, failed: flags!.includes('fail') };
      });
  };
  const until = async (what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await done().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} did not happen within ${timeoutMs} ms.`);
  };
  const cluster: ReplicatedCluster = {
    ports,
    async stop() {
      await Promise.all([...pids].map(([port, pid]) => stopRedis(pid, port).catch(() => undefined)));
      pids.clear();
      await removeServerDir(dir);
    },
    masters: async () => (await nodes()).filter((node) => node.master && !node.failed).map((node) => node.port),
    async replicaOf(port) {
      const all = await nodes();
      const master = all.find((node) => node.port === port);
      return all.find((node) => !node.master && node.masterId === master?.id)?.port;
    },
    async kill(port) {
      const pid = pids.get(port);
      if (pid === undefined) return;
      live.delete(port);
      pids.delete(port);
      await stopRedis(pid, port, 'SIGKILL');
    },
    // Comes back empty: a second failover on a loaded machine must not make it a master before
    // it has synced, which would lose its slots' data (Redis's own loss, not a store's).
    restart: (port) => launch(port, ['--cluster-replica-no-failover', 'yes']),
    waitForMaster: (port, timeoutMs) =>
      until(`${port} becoming a master`, timeoutMs, async () => {
        const views = await Promise.all(
          [...live].map(async (from) => (await redisCli(from, ['cluster', 'nodes'])).split('\n').find((line) => line.includes(`:${port}@`)) ?? ''),
        );
        return views.every((line) => / master /.test(` ${line.split(' ')[2]?.replace(/,/g, ' ')} `));
      }),
    waitForOk: (timeoutMs) =>
      until('cluster_state:ok on every live node', timeoutMs, async () => {
        const infos = await Promise.all([...live].map((port) => redisCli(port, ['cluster', 'info'])));
        return infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'));
      }),
    waitForReplicas: (timeoutMs) =>
      until('a replica in sync for every master', timeoutMs, async () => {
        const masters = await cluster.masters();
        if (masters.length !== ports.length / 2) return false;
        for (const master of masters) {
          const info = await redisCli(master, ['info', 'replication']);
          if (!/^slave0:.*state=online/m.test(info)) return false;
          if (Number(await redisCli(master, ['wait', '1', '500'])) < 1) return false;
        }
        return true;
      }),
  };
  try {
    for (const port of ports) await launch(port);
    await redisCli(ports[0]!, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes'], 30_000);
    await cluster.waitForOk(30_000);
    await cluster.waitForReplicas(30_000);
    return cluster;
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    throw error;
  }
}
