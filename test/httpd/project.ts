/**
 * A real project's AEMaaCS `dispatcher/src` (a corpus copy) under Debian's apache2 and under
 * the workbench, side by side. apache2 has no Dispatcher module, so both run the configuration
 * as the SDK would without it: the `<IfModule disp_apache2.c>` blocks are off and the docroot's
 * files are served by Apache's own handler, and the vhosts take any port (apache2 listens on a
 * free one, not 80). The variables are the ones the SDK's launcher passes, with AEM on the test
 * backend, which answers with the request it got.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Engine } from '../../src/main/engine/engine'
import { resourcesDir } from '../../src/main/engine/resources'
import { startBackend } from './backend'
import { loadModules, sideBySide, startApache, type RunningPair } from './harness'
import { freePort } from '../integration/support/ports'

export const CORPUS = process.env.DW_CORPUS_DIR ?? path.resolve(__dirname, '../../../shared/corpus')

export interface ProjectSetup {
  /** The project's `dispatcher/src` folder. */
  src: string
  /** Docroot files the requests reach (relative path → content). */
  files: Record<string, string>
  /** Environment variables the project expects from Cloud Manager; `{backend}` is the backend's origin. */
  env?: Record<string, string>
}

/** Starts both servers before the file's tests and stops them after; read the ports inside a test. */
export function projectSideBySide(setup: ProjectSetup): RunningPair {
  return sideBySide('dw-project-', async (dir, onStop) => {
    const docroot = writeDocroot(path.join(dir, 'docroot'), setup.files)
    const src = configCopy(setup.src, path.join(dir, 'src'))
    const backend = await startBackend(await freePort())
    onStop(() => backend.close())
    const origin = `http://127.0.0.1:${backend.port}`
    const projectEnv = Object.fromEntries(
      Object.entries(setup.env ?? {}).map(([k, v]) => [k, v.replaceAll('{backend}', origin)])
    )
    const runDir = path.join(dir, 'apache')
    fs.mkdirSync(runDir)
    // The SDK image's httpd.conf: modules, types, then the workbench's stand-in for the rest.
    const base = fs.readFileSync(path.join(resourcesDir(), 'base-httpd.conf'), 'utf8')
    const apache = await startApache({
      serverRoot: src,
      runDir,
      // The workbench types .js as httpd 2.4's own mime.types does; Debian's /etc/mime.types says text/javascript.
      lines: [...loadModules(), 'TypesConfig /etc/mime.types', 'AddType application/javascript .js', base],
      defines: ['ENVIRONMENT_DEV'],
      env: {
        DOCROOT: docroot,
        AEM_HOST: '127.0.0.1',
        AEM_PORT: String(backend.port),
        AEM_IP: '127.0.0.1',
        DISP_LOG_LEVEL: 'warn',
        REWRITE_LOG_LEVEL: 'warn',
        EXPIRATION_TIME: '300',
        FORWARDED_HOST_SETTING: 'Off',
        POD_NAME: 'dispatcher-workbench',
        ENVIRONMENT_TYPE: 'dev',
        ...projectEnv
      }
    })
    onStop(() => apache.stop())
    const engine = new Engine({
      config: src,
      host: '127.0.0.1',
      port: 0,
      watch: false,
      ringSize: 0,
      docroot,
      aem: { host: '127.0.0.1', port: backend.port },
      env: projectEnv
    })
    onStop(() => engine.stop())
    return { apachePort: apache.port, enginePort: Number(new URL(await engine.start()).port) }
  })
}

export function writeDocroot(docroot: string, files: Record<string, string>): string {
  const aMinuteAgo = new Date(Date.now() - 60_000)
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(docroot, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
    fs.utimesSync(file, aMinuteAgo, aMinuteAgo)
  }
  const chmod = (d: string): void => {
    fs.chmodSync(d, 0o755)
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) chmod(path.join(d, e.name))
  }
  chmod(docroot)
  return docroot
}

/**
 * Copies the folder `from` to `to`, readable by apache2's user (folders 755, files 644), and
 * gives every file's text to `edit` (which may also rename it: return `{ text, name }`).
 */
export function editableCopy(
  from: string,
  to: string,
  edit: (text: string, file: string) => string | { text: string; name: string }
): void {
  fs.cpSync(from, to, { recursive: true })
  const walk = (d: string): void => {
    fs.chmodSync(d, 0o755)
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      let full = path.join(d, e.name)
      if (e.isDirectory()) {
        walk(full)
        continue
      }
      fs.chmodSync(full, 0o644)
      const text = fs.readFileSync(full, 'utf8')
      const out = edit(text, full)
      const edited = typeof out === 'string' ? out : out.text
      if (typeof out !== 'string' && out.name !== e.name) {
        const renamed = path.join(d, out.name)
        fs.renameSync(full, renamed)
        full = renamed
      }
      if (edited !== text) fs.writeFileSync(full, edited)
    }
  }
  walk(to)
}

/** A writable copy of `from` without the Dispatcher module's blocks (apache2 has no such module). */
function configCopy(from: string, src: string): string {
  // apache2 listens on a free port, not 80: its vhosts take any port, as the workbench's do.
  editableCopy(from, src, (text) =>
    text.replaceAll('disp_apache2.c', 'disp_apache2_not_loaded.c').replaceAll('<VirtualHost *:80>', '<VirtualHost *:*>')
  )
  // What the SDK supplies beside the project's files: the variables and the image's own
  // conf.d files (the workbench's stand-ins), and a logs folder for the catch-all vhost's CustomLog.
  for (const rel of ['conf.d/variables/default.vars', 'conf.d/remoteip.conf']) {
    const to = path.join(src, rel)
    if (!fs.existsSync(to)) fs.copyFileSync(path.join(resourcesDir(), 'sdk-base', rel), to)
  }
  fs.mkdirSync(path.join(src, 'logs'), { recursive: true })
  return src
}
