/**
 * A small classic configuration under Debian's apache2 and under the workbench, side by side:
 * the same httpd.conf lines for both (the workbench reads them as the project's own
 * httpd.conf, beside a dispatcher.any that no request reaches: no `SetHandler
 * dispatcher-handler`, so Apache's own handlers answer in both), over a docroot of given files.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Engine } from '../../src/main/engine/engine'
import { loadModules, sideBySide, startApache, type RunningPair } from './harness'
import { writeDocroot } from './project'

/**
 * The lines every small configuration starts with: `modules` (Debian's .so names), Debian's
 * mime.types, `ServerTokens Prod` (so Server is compared too) and the docroot, granted.
 */
export function serverLines(modules: string[], docroot: string): string[] {
  return [
    ...loadModules(modules),
    'TypesConfig /etc/mime.types',
    'ServerTokens Prod',
    `DocumentRoot "${docroot}"`,
    `<Directory "${docroot}">`,
    '  Require all granted',
    '</Directory>'
  ]
}

/**
 * The workbench on the same httpd.conf `lines` (in `dir`, made here), beside a dispatcher.any
 * whose farm no request reaches without `SetHandler dispatcher-handler`.
 */
export async function startWorkbench(
  dir: string,
  lines: string[],
  env?: Record<string, string>
): Promise<{ engine: Engine; port: number }> {
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'httpd.conf'), lines.join('\n'))
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } /filter { /0 { /type "allow" /url "*" } } } }\n'
  )
  const engine = new Engine({
    config: path.join(dir, 'dispatcher.any'),
    host: '127.0.0.1',
    port: 0,
    watch: false,
    ringSize: 0,
    env
  })
  return { engine, port: Number(new URL(await engine.start()).port) }
}

/**
 * `lines(docroot)`: the httpd.conf lines, given the docroot's absolute path; `docrootName`: the
 * docroot folder's own name (`docroot` unless given).
 */
export function classicSideBySide(
  files: Record<string, string>,
  lines: (docroot: string) => string[],
  docrootName = 'docroot'
): RunningPair {
  return sideBySide('dw-classic-', async (dir, onStop) => {
    const conf = lines(writeDocroot(path.join(dir, docrootName), files))
    const runDir = path.join(dir, 'apache')
    fs.mkdirSync(runDir)
    const apache = await startApache({ serverRoot: runDir, runDir, lines: conf })
    onStop(() => apache.stop())
    const started = await startWorkbench(path.join(dir, 'workbench'), conf)
    onStop(() => started.engine.stop())
    return { apachePort: apache.port, enginePort: started.port }
  })
}

/**
 * The keep-alive tests' server on docroot `d`: vhost `first` (localhost, listed first, so the one
 * httpd answers a refused head from) and vhost `a` (www.a.com), each with an X-Vhost header
 * naming it and the `extra` directives.
 */
export function firstAndNamedVhost(d: string, extra: string[]): string[] {
  const vhost = (id: string, name: string): string[] => [
    '<VirtualHost *:*>',
    `  ServerName ${name}`,
    `  DocumentRoot "${d}"`,
    `  Header always set X-Vhost "${id}"`,
    ...extra.map((line) => `  ${line}`),
    '</VirtualHost>'
  ]
  return [
    ...serverLines(['mime', 'headers', 'alias', 'dir'], d),
    'KeepAliveTimeout 1',
    ...vhost('first', 'localhost'),
    ...vhost('a', 'www.a.com')
  ]
}
