// A real OpenSSH sftp-only server per test (docs/testing.md: real services, no mocks): its own port on
// 127.0.0.1, its own host key, a chroot with the folders the test asks for, and one key-only user.
//
// Needs root (sshd privilege separation, chroot, a system user) and /usr/sbin/sshd, which
// scripts/test-services.mjs installs. Pitfalls handled here: /run/sshd must exist; the user's
// password field must not be locked ('!') with UsePAM off; the chroot and every folder above it
// must be root-owned and not group/other-writable, so it lives under /var/lib, not /tmp; keys in
// /tmp fail sshd's ownership checks, hence StrictModes no.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'

/** What the helper needs of a tap test: somewhere to register the clean-up. */
export interface TeardownHost {
  teardown: (fn: () => unknown) => void
}

export interface SftpServerOptions {
  /**
   * Folders to create inside the chroot, relative to it, owned by the sftp user.
   * @default ['out', 'out/processing', 'out/done', 'out/rejected', 'in']
   */
  dirs?: string[]
  /**
   * System user the client logs in as (created once, shared by every server).
   * @default 'cgsftp'
   */
  username?: string
}

export interface SftpServer {
  host: string
  port: number
  username: string
  /** The client's ed25519 private key, OpenSSH PEM format (ssh2 reads it as is). */
  privateKey: string
  privateKeyPath: string
  /** The server's host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64, no padding>`. */
  hostKeyFingerprint: string
  /** Absolute path of the chroot on disk: `/` of the sftp session. */
  root: string
  /** Writes a file inside the chroot, owned by the sftp user (so the client may move or delete it). */
  putFile: (relPath: string, data: string | Buffer) => string
  /** sshd's own log (stderr, -e) since the first start. */
  log: () => string
  running: () => boolean
  /** Stops the listener and ends every open session, as a server going down would. */
  stop: () => Promise<void>
  /** Starts it again on the same port with the same host key and chroot. */
  start: () => Promise<void>
}

/**
 * The agreement's `channels.sftp` block for this server and its default folders (DEFAULT_DIRS):
 * what the SFTP channel tests and bench/sftp.ts start from, with their own settings on top.
 */
export function sftpChannelOf (server: SftpServer, settings: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: `file:${server.privateKeyPath}`,
    hostKey: server.hostKeyFingerprint,
    inbox: '/out',
    pattern: '*.edi',
    processing: '/out/processing',
    done: '/out/done',
    rejected: '/out/rejected',
    ackDir: '/in',
    ...settings
  }
}

const SSHD = '/usr/sbin/sshd'
const CHROOT_BASE = '/var/lib/carrier-gateway-test'
const DEFAULT_DIRS = ['out', 'out/processing', 'out/done', 'out/rejected', 'in']

/**
 * Why a real sshd cannot be started here, or undefined when it can: startSftpServer fails with it
 * (a missing sshd is a failure, not a skip: `npm test` installs it), bench/sftp.ts reports it.
 */
export function sshdUnavailable (): string | undefined {
  if (process.getuid?.() !== 0) return 'startSftpServer needs root (sshd privilege separation, chroot, useradd)'
  if (!existsSync(SSHD)) return `${SSHD} is missing: run scripts/test-services.mjs (installs openssh-server)`
  return undefined
}

/** A well-formed fingerprint that matches no key: for host-key pinning failure tests. */
export function wrongHostKeyFingerprint (): string {
  return `SHA256:${randomBytes(32).toString('base64').replace(/=+$/, '')}`
}

function run (cmd: string, args: string[]): { ok: boolean, out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() }
}

function must (cmd: string, args: string[]): string {
  const r = run(cmd, args)
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.out}`)
  return r.out
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Creates the user once. Test files run in parallel, so another may be creating it at the same
 * moment (useradd/usermod then fail on the passwd lock): retried until it is there and unlocked.
 */
async function ensureUser (username: string): Promise<{ uid: number, gid: number }> {
  for (let attempt = 0; ; attempt++) {
    if (!run('id', ['-u', username]).ok) {
      run('useradd', ['--system', '--no-create-home', '--home-dir', '/', '--shell', '/usr/sbin/nologin', username])
    }
    const shadow = readFileSync('/etc/shadow', 'utf8').split('\n').find(l => l.startsWith(`${username}:`))
    // UsePAM no: sshd refuses an account whose password field is locked ('!'); '*' is
    // "no password" without the lock.
    if (shadow !== undefined && shadow.split(':')[1] !== '*') run('usermod', ['-p', '*', username])
    const uid = run('id', ['-u', username])
    const gid = run('id', ['-g', username])
    const now = readFileSync('/etc/shadow', 'utf8').split('\n').find(l => l.startsWith(`${username}:`))
    if (uid.ok && gid.ok && now?.split(':')[1] === '*') return { uid: Number(uid.out), gid: Number(gid.out) }
    if (attempt >= 40) throw new Error(`could not create the sftp user ${username}`)
    await sleep(250)
  }
}

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Resolves true once something on host:port sends an SSH identification string. */
function answersSsh (host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean) => { socket.destroy(); resolve(ok) }
    socket.setTimeout(1000, () => done(false))
    socket.once('data', chunk => done(chunk.toString('latin1').startsWith('SSH-')))
    socket.once('error', () => done(false))
  })
}

/** Every process below pid (sshd forks a process, itself setsid'd, per connection). */
function descendants (pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(entry))
      children.set(ppid, list)
    } catch { /* gone meanwhile */ }
  }
  const out: number[] = []
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c) } }
  walk(pid)
  return out
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }

/** Starts a real OpenSSH sftp-only server for one test; it is stopped and removed at teardown. */
export async function startSftpServer (t: TeardownHost, opts: SftpServerOptions = {}): Promise<SftpServer> {
  const unavailable = sshdUnavailable()
  if (unavailable) throw new Error(unavailable)
  const username = opts.username ?? 'cgsftp'
  const host = '127.0.0.1'
  const { uid, gid } = await ensureUser(username)
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })

  mkdirSync(CHROOT_BASE, { recursive: true, mode: 0o755 })
  chmodSync(CHROOT_BASE, 0o755)
  const root = mkdtempSync(path.join(CHROOT_BASE, 'sftp-'))
  chmodSync(root, 0o755) // mkdtemp makes 0700: the user could not enter its own chroot
  // Readable by the user: sshd reads authorized_keys with the user's privileges.
  const dir = mkdtempSync('/tmp/cg-sshd-')
  chmodSync(dir, 0o755)

  let child: ChildProcess | undefined
  let logText = ''
  const cleanup = () => {
    rmSync(root, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    for (const rel of opts.dirs ?? DEFAULT_DIRS) {
      const parts = path.normalize(rel).split(path.sep).filter(Boolean)
      if (parts.includes('..')) throw new Error(`folder outside the chroot: ${rel}`)
      for (let i = 1; i <= parts.length; i++) {
        const p = path.join(root, ...parts.slice(0, i))
        mkdirSync(p, { recursive: true, mode: 0o755 })
        chownSync(p, uid, gid)
      }
    }

    const hostKey = path.join(dir, 'host_ed25519')
    const privateKeyPath = path.join(dir, 'client_ed25519')
    must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'carrier-gateway-test-host', '-f', hostKey])
    must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${username}@carrier-gateway-test`, '-f', privateKeyPath])
    const authorizedKeys = path.join(dir, 'authorized_keys')
    writeFileSync(authorizedKeys, readFileSync(`${privateKeyPath}.pub`), { mode: 0o644 })
    const hostKeyFingerprint = must('ssh-keygen', ['-lf', `${hostKey}.pub`]).split(/\s+/)[1]

    const port = await freePort()
    const config = path.join(dir, 'sshd_config')
    writeFileSync(config, [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${username}`,
      'UseDNS no',
      'LogLevel VERBOSE',
      'Subsystem sftp internal-sftp',
      `Match User ${username}`,
      `  ChrootDirectory ${root}`,
      '  ForceCommand internal-sftp',
      '  AllowTcpForwarding no',
      '  X11Forwarding no',
      ''
    ].join('\n'))

    const start = async (): Promise<void> => {
      if (child && child.exitCode === null && child.signalCode === null) return
      const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
      child = proc
      proc.stderr?.setEncoding('utf8')
      proc.stderr?.on('data', (s: string) => { logText = (logText + s).slice(-65536) })
      const deadline = Date.now() + 15000
      while (!(await answersSsh(host, port))) {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          throw new Error(`sshd exited (${proc.exitCode ?? proc.signalCode}) before listening on ${host}:${port}:\n${logText}`)
        }
        if (Date.now() > deadline) throw new Error(`sshd not answering on ${host}:${port} after 15 s:\n${logText}`)
        await sleep(50)
      }
    }

    const stop = async (): Promise<void> => {
      const proc = child
      if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return
      const pids = [proc.pid, ...descendants(proc.pid)]
      const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))
      for (const pid of pids) { try { process.kill(pid, 'SIGTERM') } catch { /* already gone */ } }
      const deadline = Date.now() + 5000
      while (pids.some(alive) && Date.now() < deadline) await sleep(25)
      for (const pid of pids.filter(alive)) { try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ } }
      await exited
    }

    t.teardown(async () => {
      await stop()
      cleanup()
    })
    await start()

    return {
      host,
      port,
      username,
      privateKey: readFileSync(privateKeyPath, 'utf8'),
      privateKeyPath,
      hostKeyFingerprint,
      root,
      putFile (relPath, data) {
        const target = path.join(root, relPath)
        if (!target.startsWith(root + path.sep)) throw new Error(`outside the chroot: ${relPath}`)
        writeFileSync(target, data, { mode: 0o644 })
        chownSync(target, uid, gid)
        return target
      },
      log: () => logText,
      running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
      stop,
      start
    }
  } catch (err) {
    if (child?.pid && child.exitCode === null) child.kill('SIGKILL')
    cleanup()
    throw err
  }
}
