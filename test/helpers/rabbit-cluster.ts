// A throwaway three-node RabbitMQ cluster on this machine, for test/serial/cluster.test.ts (docs/scaling.md
// "The broker cluster"). Each node has its own RABBITMQ_NODENAME, config file (`listeners.tcp.default`: the
// system file pins 5672), distribution port, mnesia and log folders, pid file and an empty plugins file, all in
// a folder owned by user `rabbitmq`; the nodes run as that user, so they share the default node's Erlang
// cookie and `rabbitmqctl -n NODE` reaches them. The default node (rabbit@localhost, 5672) is never touched.
import { execFile, spawn } from 'node:child_process'
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface ClusterNode { name: string, port: number, url: string }

export interface RabbitCluster {
  nodes: ClusterNode[]
  /** rabbitmqctl against one node, as user rabbitmq. */
  ctl: (node: ClusterNode, ...args: string[]) => Promise<string>
  /** Stops the node's RabbitMQ application (its listener closes; the Erlang VM stays for start()). */
  stop: (node: ClusterNode) => Promise<void>
  start: (node: ClusterNode) => Promise<void>
  /** Stops every node's VM and removes the folder. */
  destroy: () => Promise<void>
}

async function freePort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

const asRabbit = (cmd: string, args: string[], env: Record<string, string> = {}): [string, string[]] =>
  ['runuser', ['-u', 'rabbitmq', '--', 'env', 'HOME=/var/lib/rabbitmq', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args]]

export async function startRabbitCluster (size = 3): Promise<RabbitCluster> {
  const tag = randomBytes(3).toString('hex')
  const base = mkdtempSync(join(tmpdir(), 'cg-rabbit-'))
  const own = (p: string): void => { chownSync(p, 106, 109) }
  const nodes: ClusterNode[] = []
  const started: ClusterNode[] = []
  const ctl = async (node: ClusterNode, ...args: string[]): Promise<string> => {
    const [cmd, argv] = asRabbit('rabbitmqctl', ['-n', node.name, ...args])
    return (await run(cmd, argv, { timeout: 60_000 })).stdout
  }
  /** await_startup fails at once while the node has not registered with epmd yet: asked again until it answers. */
  const awaitStartup = async (node: ClusterNode, ms = 90_000): Promise<void> => {
    const deadline = Date.now() + ms
    for (;;) {
      try {
        await ctl(node, 'await_startup', '--timeout', '30')
        return
      } catch (err) {
        if (Date.now() > deadline) throw err
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    }
  }
  const destroy = async (): Promise<void> => {
    await Promise.all(started.map(async n => { await ctl(n, 'stop').catch(() => {}) }))
    rmSync(base, { recursive: true, force: true })
  }
  try {
    own(base)
    for (let i = 0; i < size; i++) {
      const dir = join(base, `n${i}`)
      for (const d of [dir, join(dir, 'mnesia'), join(dir, 'log')]) { mkdirSync(d, { recursive: true }); own(d) }
      const port = await freePort()
      const distPort = await freePort()
      const name = `cg${tag}n${i}@localhost`
      writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = ${port}\nloopback_users.guest = true\n`)
      writeFileSync(join(dir, 'enabled_plugins'), '[].\n')
      writeFileSync(join(dir, 'rabbitmq-env.conf'), '')
      for (const f of ['rabbitmq.conf', 'enabled_plugins', 'rabbitmq-env.conf']) own(join(dir, f))
      const env = {
        RABBITMQ_NODENAME: name,
        RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
        RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
        RABBITMQ_DIST_PORT: String(distPort),
        RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
        RABBITMQ_LOG_BASE: join(dir, 'log'),
        RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
        ERL_EPMD_ADDRESS: '127.0.0.1'
      }
      const [cmd, argv] = asRabbit('rabbitmq-server', [], env)
      const child = spawn(cmd, argv, { detached: true, stdio: 'ignore' })
      child.unref()
      const node = { name, port, url: `amqp://guest:guest@127.0.0.1:${port}` }
      nodes.push(node)
      started.push(node)
    }
    // The nodes boot in parallel; each is waited for, then joins the first.
    const booted = await Promise.allSettled(nodes.map(async n => { await awaitStartup(n) }))
    const failed = booted.find(b => b.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
    // One at a time: two nodes joining the same node at once can race on the cluster membership.
    for (const n of nodes.slice(1)) {
      await ctl(n, 'stop_app')
      await ctl(n, 'join_cluster', nodes[0].name)
      await ctl(n, 'start_app')
    }
  } catch (err) {
    await destroy()
    throw err
  }
  return {
    nodes,
    ctl,
    async stop (node) { await ctl(node, 'stop_app') },
    async start (node) { await ctl(node, 'start_app'); await awaitStartup(node, 60_000) },
    destroy
  }
}
