/**
 * A TCP proxy the test controls, placed between a client under test and a real service (broker,
 * sshd, database) to inject network faults for real (docs/operations.md "Testing the faults"):
 *
 * - `cut()`     destroys every open connection at once (a broker restart or a dropped link, as the
 *               client sees it); new connections are still accepted.
 * - `pause()`   stalls: open connections stop forwarding in both directions and new connections are
 *               accepted but held, so the client sees a silent peer (heartbeat timeouts) rather
 *               than an error. `resume()` lets the data flow again.
 * - `refuse()`  new connections are closed as soon as they arrive (service down); `accept()` ends it.
 * - `close()`   stops listening and destroys everything.
 *
 * It has no dependency on a test framework, so any helper or benchmark can use it.
 */
import net from 'node:net'

export interface TcpProxy {
  readonly host: string
  /** The loopback port to point the client at. */
  readonly port: number
  /** Destroys every open connection (both sides). */
  cut (): void
  /** Stalls open connections and holds new ones until resume(). */
  pause (): void
  resume (): void
  /** Closes new connections on arrival until accept(). */
  refuse (): void
  accept (): void
  /** Open client connections right now. */
  connections (): number
  /** Client connections accepted since the start (held and refused ones included). */
  accepted (): number
  close (): Promise<void>
}

interface Pair { client: net.Socket, upstream: net.Socket | null, held: boolean }

export async function startProxy (targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>()
  let paused = false
  let refusing = false
  let acceptedCount = 0

  const destroy = (p: Pair): void => {
    pairs.delete(p)
    p.client.destroy()
    p.upstream?.destroy()
  }

  const link = (p: Pair): void => {
    p.held = false
    const upstream = net.connect({ host: targetHost, port: targetPort })
    upstream.setNoDelay(true)
    p.upstream = upstream
    upstream.on('error', () => destroy(p))
    upstream.on('close', () => destroy(p))
    if (paused) stall(p)
    else flow(p)
  }

  // Unpiped and paused, nothing is forwarded either way (a piped stream could be resumed by a drain).
  const stall = (p: Pair): void => {
    p.client.unpipe()
    p.upstream?.unpipe()
    p.client.pause()
    p.upstream?.pause()
  }
  const flow = (p: Pair): void => {
    if (p.upstream === null) return
    p.client.pipe(p.upstream)
    p.upstream.pipe(p.client)
  }

  const server = net.createServer(client => {
    acceptedCount++
    if (refusing) { client.destroy(); return }
    client.setNoDelay(true)
    const p: Pair = { client, upstream: null, held: true }
    pairs.add(p)
    client.on('error', () => destroy(p))
    client.on('close', () => destroy(p))
    if (paused) client.pause()
    else link(p)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve() })
  })
  const port = (server.address() as net.AddressInfo).port

  return {
    host: '127.0.0.1',
    port,
    cut () {
      for (const p of [...pairs]) destroy(p)
    },
    pause () {
      paused = true
      for (const p of pairs) stall(p)
    },
    resume () {
      paused = false
      for (const p of [...pairs]) {
        if (p.held) link(p)
        else flow(p)
      }
    },
    refuse () { refusing = true },
    accept () { refusing = false },
    connections: () => pairs.size,
    accepted: () => acceptedCount,
    async close () {
      for (const p of [...pairs]) destroy(p)
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
