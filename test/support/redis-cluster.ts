import { launchRedis, makeServerDir, redisCli, removeServerDir, stopRedis } from './redis-server.js';

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
