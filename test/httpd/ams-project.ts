/**
 * A real project's classic AMS `dispatcher/src` (a server root: `conf/httpd.conf`,
 * `conf.modules.d/`, `conf.d/`, `conf.dispatcher.d/`; a corpus copy) under Debian's apache2 and
 * under the workbench, side by side. Both servers get the SAME adapted copy. apache2 starts from
 * that copy's own `conf/httpd.conf` (the harness only puts its Listen/PidFile/mpm lines before
 * it), the workbench from the copy's folder (its AMS layout: conf/httpd.conf is the root file).
 *
 * What is adapted, and only because Debian's apache2 cannot run the RHEL file as it is:
 * - `/etc/httpd` (RHEL's ServerRoot, also written in absolute `Include`s) → the copy's folder:
 *   there is no /etc/httpd here and apache2 refuses a ServerRoot that does not exist.
 * - `conf.modules.d/*.conf`: each RHEL `LoadModule x_module modules/mod_x.so` becomes harness.ts
 *   `loadModules(['x'])` (Debian's path). Left out, as comments: `mpm_prefork` and `mpm_worker`
 *   (the harness loads mpm_event and httpd takes one MPM), `systemd` and `dispatcher` (Debian
 *   has neither), any module Debian does not ship (AMS 2.6's `security2`), `log_config`, `logio`,
 *   `version`, `unixd` (compiled into Debian's apache2: a LoadModule of them is refused),
 *   `authz_core` (the harness loads it already) and `mime_magic` (its
 *   `MIMEMagicFile conf/magic` is a RHEL file the corpus does not hold; without it apache2
 *   does not start). `conf.modules.d/00-ssl.conf` is added with Debian's mod_ssl: on AMS the
 *   mod_ssl package installs that file; the archetype's vhosts say `SSLProxyEngine on`.
 * - `Listen 80` / `Listen 81` commented out (apache2 listens on one free loopback port; the
 *   harness writes that Listen line), `<VirtualHost *:80>` → `<VirtualHost *:*>` so the vhosts
 *   answer on that port (the workbench's stand for the first Listen's, 80 when none is left).
 *   The health check's `<VirtualHost *:81>` is left as it is: neither server picks it.
 * - `User apache` / `Group apache` commented out (Debian has no `apache` user; the harness says
 *   `User www-data` when run as root).
 * - `ErrorLog "logs/error_log"` → the harness's run folder (so a failed start can be reported);
 *   a `logs/` folder is created for the CustomLog lines.
 * - `disp_apache2.c` → `disp_apache2_not_loaded.c`: apache2 has no Dispatcher module, and the
 *   workbench treats mod_dispatcher as loaded whatever the LoadModule lines say, so its blocks
 *   are switched off on both sides (as project.ts does for AEMaaCS).
 * - Archetype templates only (`velocity`): what Maven's Velocity filtering does when the
 *   archetype generates a project: `${appId}` etc. replaced in `*.conf *.vhost *.rules *.vars
 *   *.any`, `##` line comments removed, `__appId__` in file names renamed.
 *
 * The variables AMS's /etc/sysconfig/httpd would set are the workbench's AMS defaults
 * (loaders/environment.ts amsEnvironment) with the test's overrides, given to both: apache2 in
 * its process environment, the workbench as its `env`. The docroots are under one temporary
 * folder: `author/`, `html/` (publish) and `lc/`, the names amsEnvironment derives from `docroot`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Engine } from '../../src/main/engine/engine'
import { amsEnvironment } from '../../src/main/engine/config/loaders/environment'
import { loadModules, sideBySide, startApache, type RunningPair } from './harness'
import { editableCopy, writeDocroot } from './project'

const MODULES_DIR = '/usr/lib/apache2/modules'

/** RHEL LoadModule lines left out, and why (see the header). */
const NOT_LOADED: Record<string, string> = {
  mpm_prefork: 'the harness loads mpm_event; httpd takes one MPM',
  mpm_worker: 'the harness loads mpm_event; httpd takes one MPM',
  systemd: 'not on Debian',
  dispatcher: 'not on Debian (no Dispatcher module)',
  log_config: "compiled into Debian's apache2",
  logio: "compiled into Debian's apache2",
  version: "compiled into Debian's apache2",
  unixd: "compiled into Debian's apache2",
  authz_core: 'the harness loads it',
  mime_magic: 'conf/magic (a RHEL file) is not in the corpus'
}

export interface AmsSetup {
  /** The project's AMS `dispatcher/src` folder (a server root). */
  src: string
  /** Docroot files, relative to the docroot folder: `html/…` (publish), `author/…`. */
  files: Record<string, string>
  /** What /etc/sysconfig/httpd would set, over the workbench's AMS defaults. */
  env?: Record<string, string>
  /** Archetype template values (`appId`, `country`, `language`): the copy is Velocity-filtered first. */
  velocity?: Record<string, string>
}

/** Starts both servers before the file's tests and stops them after; read the ports inside a test. */
export function amsSideBySide(setup: AmsSetup): RunningPair {
  return sideBySide('dw-ams-', async (dir, onStop) => {
    const docroot = path.join(dir, 'docroot')
    for (const d of ['author', 'html', 'lc']) fs.mkdirSync(path.join(docroot, d), { recursive: true })
    writeDocroot(docroot, setup.files)
    const runDir = path.join(dir, 'apache')
    fs.mkdirSync(runDir)
    const src = amsCopy(setup.src, path.join(dir, 'src'), runDir, setup.velocity)
    const env = amsEnvironment({ env: setup.env, docroot })
    const apache = await startApache({ serverRoot: src, runDir, lines: ['Include conf/httpd.conf'], env })
    onStop(() => apache.stop())
    const engine = new Engine({ config: src, host: '127.0.0.1', port: 0, watch: false, ringSize: 0, docroot, env })
    onStop(() => engine.stop())
    return { apachePort: apache.port, enginePort: Number(new URL(await engine.start()).port) }
  })
}

const FILTERED = /\.(conf|vhost|rules|vars|any)$/

/** The adapted, writable copy of `from` (see the header for every change). */
export function amsCopy(from: string, to: string, runDir: string, velocity?: Record<string, string>): string {
  editableCopy(from, to, (text, file) => {
    const name = path.basename(file)
    let edited = text
    if (velocity && FILTERED.test(file)) edited = velocityFilter(edited, velocity)
    edited = adapt(edited, to, runDir, path.basename(path.dirname(file)) === 'conf.modules.d')
    return velocity && name.includes('__appId__')
      ? { text: edited, name: name.replaceAll('__appId__', velocity.appId) }
      : edited
  })
  fs.writeFileSync(
    path.join(to, 'conf.modules.d', '00-ssl.conf'),
    `# What the mod_ssl package installs on AMS (ams-project.ts).\n${loadModules(['ssl'])[0]}\n`
  )
  fs.mkdirSync(path.join(to, 'logs'), { recursive: true })
  return to
}

/** Maven's Velocity filtering of the archetype's files: `${name}` for the values, `##` comments removed. */
function velocityFilter(text: string, values: Record<string, string>): string {
  let out = text.replace(/##.*$/gm, '')
  for (const [k, v] of Object.entries(values)) out = out.replaceAll(`\${${k}}`, v)
  return out
}

function adapt(text: string, serverRoot: string, runDir: string, moduleFile: boolean): string {
  let out = text
    .replaceAll('disp_apache2.c', 'disp_apache2_not_loaded.c')
    .replaceAll('<VirtualHost *:80>', '<VirtualHost *:*>')
    .replaceAll('/etc/httpd', serverRoot)
    .replace(/^(\s*)(Listen\s+\d+\s*)$/gm, '$1# (ams-project.ts: the harness listens on a free port) $2')
    .replace(/^(\s*)((User|Group)\s+apache\s*)$/gm, '$1# (ams-project.ts: no such user on Debian) $2')
    .replace(/^(\s*)ErrorLog\s+"logs\/error_log"/gm, `$1ErrorLog "${runDir}/error.log"`)
  if (moduleFile)
    out = out.replace(/^(\s*)LoadModule\s+(\w+)_module\s+modules\/mod_(\w+)\.so\s*$/gm, (line, indent: string, id) => {
      const name = String(id)
      const why = NOT_LOADED[name] ?? (fs.existsSync(`${MODULES_DIR}/mod_${name}.so`) ? undefined : 'not on Debian')
      return why ? `${indent}# (ams-project.ts: ${why}) ${line.trim()}` : `${indent}${loadModules([name])[0]}`
    })
  return out
}
