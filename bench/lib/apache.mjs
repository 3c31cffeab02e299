// Apache httpd as a peer: Debian's apache2 binary with a generated configuration (its own
// ServerRoot, PidFile, ErrorLog and runtime dir in a temp folder), in the foreground, mpm_event,
// one child process with 64 threads, no access log, bound to 127.0.0.1 on a free port.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pinned, SERVER_CPU } from './cpu.mjs'
import { freePort } from './ports.mjs'
import { spawnServer } from './processes.mjs'
import { makeTempDir, removeTempDir } from './temp.mjs'

const BINARY = '/usr/sbin/apache2'
const MODULES = '/usr/lib/apache2/modules'

export function apacheVersion() {
  const out = String(execFileSync(BINARY, ['-v']))
  return /Apache\/([\d.]+)/.exec(out)?.[1] ?? '?'
}

function modeDirectives(options) {
  if (options.mode === 'proxy') {
    const upstream = options.upstream.replace(/\/$/, '')
    // mod_proxy_http keeps backend connections open and reuses them by default; `keepalive=On`
    // would only turn on TCP keep-alive probes. The `proxy-nokeepalive` variable disables
    // reuse whatever its value (mod_proxy_http only tests that it is set), so it must stay unset.
    return [
      `LoadModule proxy_module ${MODULES}/mod_proxy.so`,
      `LoadModule proxy_http_module ${MODULES}/mod_proxy_http.so`,
      'ProxyRequests Off',
      `ProxyPass / ${upstream}/`
    ]
  }
  if (options.mode === 'static') {
    return [
      `LoadModule mime_module ${MODULES}/mod_mime.so`,
      'TypesConfig /etc/mime.types',
      'EnableSendfile On',
      `DocumentRoot "${options.docroot}"`,
      `<Directory "${options.docroot}">`,
      '  Require all granted',
      '</Directory>'
    ]
  }
  throw new Error(`startApache: unknown mode ${options.mode}`)
}

function config(dir, port, options) {
  const asRoot = process.getuid?.() === 0
  return [
    `ServerRoot "${dir}"`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    `PidFile "${dir}/httpd.pid"`,
    `ErrorLog "${dir}/error.log"`,
    'LogLevel warn',
    `DefaultRuntimeDir "${dir}"`,
    `Mutex file:${dir} default`,
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    `LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so`,
    `LoadModule authz_core_module ${MODULES}/mod_authz_core.so`,
    'StartServers 1',
    'ServerLimit 1',
    'ThreadLimit 64',
    'ThreadsPerChild 64',
    'MaxRequestWorkers 64',
    'MinSpareThreads 1',
    'MaxSpareThreads 64',
    'MaxConnectionsPerChild 0',
    'KeepAlive On',
    // httpd's default, which the AEMaaCS SDK image keeps: a client connection closes after 100
    // kept-alive answers and wrk opens another. The workbench does the same (http/keep-alive.ts),
    // so both pay the same reconnects. (nginx, a reference only, keeps its connections.)
    'MaxKeepAliveRequests 100',
    'KeepAliveTimeout 60',
    'Timeout 30',
    '<Directory />',
    '  AllowOverride None',
    '</Directory>',
    ...modeDirectives(options),
    ''
  ].join('\n')
}

/**
 * Starts Apache in `proxy` mode (`{ mode: 'proxy', upstream: 'http://127.0.0.1:PORT' }`) or
 * `static` mode (`{ mode: 'static', docroot }`). Resolves with `{ url, port, stop() }`.
 */
export async function startApache(options) {
  const dir = makeTempDir('apache')
  const port = await freePort()
  const confFile = path.join(dir, 'httpd.conf')
  fs.writeFileSync(confFile, config(dir, port, options))
  const url = `http://127.0.0.1:${port}`
  const [cmd, args] = pinned(SERVER_CPU, BINARY, ['-f', confFile, '-DFOREGROUND'])
  let server
  try {
    server = await spawnServer(cmd, args, { readyUrl: `${url}/`, timeoutMs: 15000, name: 'apache2' })
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''
    removeTempDir(dir)
    if (log.trim()) err.message += `\n--- Apache error.log ---\n${log.trim()}`
    throw err
  }
  return {
    url,
    port,
    errorLog: () => fs.readFileSync(path.join(dir, 'error.log'), 'utf8'),
    stop: async () => {
      await server.stop()
      removeTempDir(dir)
    }
  }
}
