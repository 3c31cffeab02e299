// nginx as a peer: Debian's binary with a generated configuration and prefix in a temp folder,
// `daemon off`, one worker, no access log, bound to 127.0.0.1 on a free port.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pinned, SERVER_CPU } from './cpu.mjs'
import { freePort } from './ports.mjs'
import { spawnServer } from './processes.mjs'
import { makeTempDir, removeTempDir } from './temp.mjs'

const BINARY = '/usr/sbin/nginx'

export function nginxVersion() {
  // `nginx -v` prints its version on stderr.
  const { stdout, stderr } = spawnSync(BINARY, ['-v'], { encoding: 'utf8' })
  return /nginx\/([\d.]+)/.exec(`${stdout}${stderr}`)?.[1] ?? '?'
}

function locationBlock(options) {
  if (options.mode === 'proxy') {
    // Without the HTTP/1.1 + empty Connection header pair nginx closes every upstream
    // connection after one request, and the `keepalive` pool stays empty.
    return [
      '    location / {',
      '      proxy_pass http://bench_upstream;',
      '      proxy_http_version 1.1;',
      '      proxy_set_header Connection "";',
      '    }'
    ]
  }
  if (options.mode === 'static') {
    return [`    root "${options.docroot}";`, '    location / { }']
  }
  throw new Error(`startNginx: unknown mode ${options.mode}`)
}

function config(dir, port, options) {
  const asRoot = process.getuid?.() === 0
  const upstream = options.mode === 'proxy' ? new URL(options.upstream) : undefined
  return [
    ...(asRoot ? ['user www-data;'] : []),
    'worker_processes 1;',
    `pid "${dir}/nginx.pid";`,
    `error_log "${dir}/error.log" warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  access_log off;',
    '  sendfile on;',
    // Unlimited requests per client connection, as wrk expects (Apache gets the same).
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 60s;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path "${dir}/${t}";`),
    ...(upstream
      ? [
          '  upstream bench_upstream {',
          `    server ${upstream.host};`,
          '    keepalive 64;',
          '    keepalive_requests 1000000;',
          '    keepalive_timeout 60s;',
          '  }'
        ]
      : []),
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    server_name _;',
    ...locationBlock(options),
    '  }',
    '}',
    ''
  ].join('\n')
}

/**
 * Starts nginx in `proxy` mode (`{ mode: 'proxy', upstream: 'http://127.0.0.1:PORT' }`, with an
 * upstream keep-alive pool) or `static` mode (`{ mode: 'static', docroot }`).
 * Resolves with `{ url, port, stop() }`.
 */
export async function startNginx(options) {
  const dir = makeTempDir('nginx')
  const port = await freePort()
  const confFile = path.join(dir, 'nginx.conf')
  fs.writeFileSync(confFile, config(dir, port, options))
  const url = `http://127.0.0.1:${port}`
  const [cmd, args] = pinned(SERVER_CPU, BINARY, [
    '-p',
    dir,
    '-c',
    confFile,
    '-e',
    path.join(dir, 'error.log'),
    '-g',
    'daemon off;'
  ])
  let server
  try {
    server = await spawnServer(cmd, args, { readyUrl: `${url}/`, timeoutMs: 15000, name: 'nginx' })
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''
    removeTempDir(dir)
    if (log.trim()) err.message += `\n--- nginx error.log ---\n${log.trim()}`
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
