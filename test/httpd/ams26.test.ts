/**
 * Adobe's AMS 2.6 baseline `/etc/httpd` (adobe__aem-dispatcher-docker's `ams/2.6/etc/httpd`, the
 * files its Docker image copies over RHEL's httpd) under Debian's apache2 and under the workbench,
 * side by side (ams-project.ts), three times: as the image enables it; in AMS's "unhealthy" state,
 * where the 000_unhealthy_* vhosts are enabled too and, listed first, take the default host
 * names; and with a customer's IP whitelist switched on the way ams_default.vars says to.
 *
 * What this set has that Venia's classic set (ams.test.ts) does not: the 000_unhealthy_author and
 * 000_unhealthy_publish vhosts (`RewriteRule ^/* /error.html [R=503]` with `ErrorDocument 503
 * /error.html`), aem_flush_author.vhost (the author docroot), ams_lc.vhost (LIVECYCLE_FORCE_SSL),
 * `ServerName "${…_DEFAULT_SCHEME}author"` (a scheme in ServerName, from `Define … 'https://'`),
 * ootb.vars' Defines winning over the same names in the process environment (the image runs with
 * AUTHOR_FORCE_SSL=0 in its env file, the Define says 1), `IncludeOptional` of a glob from a file
 * with no trailing newline, base_rewrite.rules' `..;` rule (`[R=404]`), mimetypes3d.conf's
 * `AddType` inside `<If "${3D_MIMETYPE_ENABLED} == 1">`, remoteip.conf (`RemoteIPHeader
 * X-Forwarded-For`, which rewrites the header base_rewrite.rules then tests), security.conf's
 * `ServerSignature Off`, `ServerTokens Prod`, `TraceEnable off` and `<Limit OPTIONS>`, the
 * whitelist include (`<If "${PUBLISH_WHITELIST_ENABLED} == 1">` in `<Directory />`, whose
 * `<RequireAny>` is merged after the docroot's `Require all granted`), and the catch-all's
 * breadcrumbs (`Header always add` and `Header add`).
 *
 * What the image adds at run time, and what is adapted, in a staged copy that both servers then
 * get through ams-project.ts (whose own adaptations, for Debian's apache2, are listed there):
 * - `conf/httpd.conf`: the set has none (the image's Dockerfile empties RHEL's /etc/httpd/conf and
 *   copies the set over it). Venia's `classic/dispatcher/src/conf/httpd.conf`, the AMS base
 *   httpd.conf (RHEL's, ending in `IncludeOptional conf.d/*.conf`), stands in for it.
 * - `conf.d/enabled_vhosts/` and `conf.dispatcher.d/enabled_farms/`: the image's setup.sh links
 *   aem_author, aem_flush_author, aem_publish and aem_flush (and aem_health, which this set does
 *   not hold: a dangling link, left out) and the 000_ams_catchall, 001_ams_author_flush,
 *   001_ams_publish_flush, 002_ams_author and 002_ams_publish farms. Written as copies, not links
 *   (as the corpus's Venia set holds them; a copied link would point back into the corpus).
 *   ams_lc.vhost and its 002_ams_lc farm are enabled too, as on an AMS Forms/LiveCycle
 *   dispatcher, so that vhost is compared; the second run adds the two 000_unhealthy_* vhosts, as
 *   AMS's health check does when AEM is down.
 * - `mpm_worker` (00-mpm.conf) is not loaded: ams-project.ts's list of RHEL modules left out.
 * - `/mnt/var/www/default` (the catch-all's and the unhealthy vhosts' DocumentRoot, which setup.sh
 *   creates empty) → a `default/` folder of the test's own: there is no /mnt/var/www here, and
 *   httpd stops its directory walk at a folder that does not exist (403) while the workbench takes
 *   every docroot as existing. The first run leaves it empty, as the image does; the second puts
 *   an error.html and an index.html in it, as AMS does.
 * - The image's environment (its `scripts/env.sh`, given to `docker run --env-file`): the host
 *   names, DISP_ID and the *_FORCE_SSL values; the docroots are the test's (ams-project.ts).
 * - Third run only, a customer's edits, not an adaptation: `Define PUBLISH_WHITELIST_ENABLED 1` in
 *   ams_default.vars (the file its comments say to edit) and a `001_customer_whitelist.rules`
 *   written as 000_base_whitelist.rules' commented examples suggest.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { amsSideBySide } from './ams-project'
import { CORPUS, editableCopy, writeDocroot } from './project'

const SET = path.join(CORPUS, 'adobe__aem-dispatcher-docker', 'ams', '2.6', 'etc', 'httpd')
const VENIA_HTTPD_CONF = path.join(
  CORPUS,
  'adobe__aem-cif-guides-venia',
  'classic',
  'dispatcher',
  'src',
  'conf',
  'httpd.conf'
)

/** What the image's setup.sh links (aem_health.vhost is not in the set), plus ams_lc. */
const IMAGE_VHOSTS = ['aem_author', 'aem_flush_author', 'aem_publish', 'aem_flush', 'ams_lc']
const UNHEALTHY_VHOSTS = ['000_unhealthy_author', '000_unhealthy_publish']
const IMAGE_FARMS = [
  '000_ams_catchall_farm',
  '001_ams_author_flush_farm',
  '001_ams_publish_flush_farm',
  '002_ams_author_farm',
  '002_ams_publish_farm',
  '002_ams_lc_farm'
]

/** scripts/env.sh: what `docker run --env-file` gives the image (its *_FORCE_SSL lose to ootb.vars' Defines). */
const ENV = {
  DISP_ID: 'docker',
  AUTHOR_DEFAULT_HOSTNAME: 'author.docker.local',
  PUBLISH_DEFAULT_HOSTNAME: 'publish.docker.local',
  LIVECYCLE_DEFAULT_HOSTNAME: 'aemforms-exampleco-dev.adobecqms.net',
  PUBLISH_FORCE_SSL: '0',
  AUTHOR_FORCE_SSL: '0',
  CRX_FILTER: 'deny',
  DISPATCHER_FLUSH_FROM_ANYWHERE: 'allow',
  ENV_TYPE: 'dev',
  RUNMODE: 'sites'
}

interface Staging {
  /** available_vhosts to enable (file names without `.vhost`). */
  vhosts: string[]
  /** What /mnt/var/www/default holds. */
  defaultFiles: Record<string, string>
  /** A customer's edits to the staged server root. */
  customize?: (root: string) => void
}

/**
 * The set as the image assembles it (see the header), in a temporary folder removed after the
 * file's tests: `<tmp>/httpd` (the server root ams-project.ts copies and adapts) and `<tmp>/default`.
 */
function staged({ vhosts, defaultFiles, customize }: Staging): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ams26-'))
  fs.chmodSync(tmp, 0o755)
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
  fs.mkdirSync(path.join(tmp, 'default'))
  const defaultDocroot = writeDocroot(path.join(tmp, 'default'), defaultFiles)
  const root = path.join(tmp, 'httpd')
  editableCopy(SET, root, (text) => text.replaceAll('/mnt/var/www/default', defaultDocroot))
  fs.mkdirSync(path.join(root, 'conf'))
  fs.copyFileSync(VENIA_HTTPD_CONF, path.join(root, 'conf', 'httpd.conf'))
  const enable = (folder: string, available: string, enabled: string, files: string[]): void => {
    fs.mkdirSync(path.join(root, folder, enabled))
    for (const f of files) fs.copyFileSync(path.join(root, folder, available, f), path.join(root, folder, enabled, f))
  }
  enable(
    'conf.d',
    'available_vhosts',
    'enabled_vhosts',
    vhosts.map((v) => `${v}.vhost`)
  )
  enable(
    'conf.dispatcher.d',
    'available_farms',
    'enabled_farms',
    IMAGE_FARMS.map((f) => `${f}.any`)
  )
  customize?.(root)
  return root
}

const PUBLISH = { host: 'publish.docker.local' }
const AUTHOR = { host: 'author.docker.local' }
const LC = { host: 'aemforms-exampleco-dev.adobecqms.net' }
const HTTPS = { 'x-forwarded-proto': 'https' }
const GZIP = { 'accept-encoding': 'gzip' }

const FILES: Record<string, string> = {
  'html/content/site/en.html':
    '<html>publish home, long enough to be worth compressing: '.padEnd(400, 'x') + '</html>\n',
  'html/content/site/a/b.html': '<html>a slash b</html>\n',
  'html/content/dam/site/logo.png': 'png '.repeat(100),
  'html/content/dam/site/chair.glb': 'glTF binary '.repeat(20),
  'html/content/dam/site/chair.gltf': '{"asset":{"version":"2.0"}}\n',
  'html/content/dam/site/part.stl': 'solid part\nendsolid part\n',
  'author/content/site/en.html': '<html>author copy of the home page: '.padEnd(400, 'y') + '</html>\n',
  'author/content/a/b.html': '<html>author a slash b</html>\n',
  'author/content/dam/site/asset.txt': 'a text asset\n',
  'lc/content/forms/form.html': '<html>a form: '.padEnd(300, 'f') + '</html>\n'
}

const REQUESTS: HttpdRequest[] = [
  // publish (PUBLISH_FORCE_SSL 0): breadcrumbs, Header merge/append, HSTS, DEFLATE in <Directory />
  ['GET', '/content/site/en.html', PUBLISH],
  ['GET', '/content/site/en.html', { ...PUBLISH, ...GZIP }],
  ['GET', '/content/site/en.html', { ...PUBLISH, ...GZIP, range: 'bytes=0-9' }],
  ['GET', '/content/dam/site/logo.png', { ...PUBLISH, ...GZIP }],
  ['GET', '/content/site/missing.html', PUBLISH],
  ['GET', '/content/dam/site/', PUBLISH],
  // mimetypes3d.conf: AddType inside <If "${3D_MIMETYPE_ENABLED} == 1">
  ['GET', '/content/dam/site/chair.glb', PUBLISH],
  ['GET', '/content/dam/site/chair.gltf', PUBLISH],
  ['GET', '/content/dam/site/part.stl', PUBLISH],
  // AllowEncodedSlashes On
  ['GET', '/content/site/a%2Fb.html', PUBLISH],
  // base_rewrite.rules: ..; → [R=404], xmlrpc, wordpress, wp-login [NC]
  ['GET', '/content/site/..;/en.html', PUBLISH],
  ['GET', '/xmlrpc.php', PUBLISH],
  ['GET', '/WP-Login.php', PUBLISH],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'user-agent': 'WordPress/6.4' }],
  // X-Forwarded-For as remoteip.conf leaves it, then base_rewrite.rules' anti-spoofing conditions
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': 'zz-not-an-ip' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': 'localhost' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '2001:db8::1' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': 'zz, 203.0.113.9' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '203.0.113.9, zz' }],
  // mod_remoteip (remoteip.conf:7, no proxy list: every peer trusted, private addresses refused)
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': ', 1.2.3.4' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '1.2.3.4 ,  ' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '10.1.2.3, 203.0.113.9' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '203.0.113.9,198.51.100.7' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '::ffff:1.2.3.4' }],
  // self-referential URLs take ServerName "https://author"'s scheme (and its default port)
  ['GET', '/content/dam/site', { ...AUTHOR, ...HTTPS }],
  // security.conf
  ['OPTIONS', '/content/site/en.html', PUBLISH],
  ['OPTIONS', '*', PUBLISH],
  ['OPTIONS', '*', AUTHOR],
  ['GET', '*', PUBLISH],
  ['TRACE', '/content/site/en.html', PUBLISH],
  // the vhosts' ServerNames ("https://publish" etc.: the scheme is not part of the name)
  ['GET', '/content/site/en.html', { host: 'publish' }],
  // author: AUTHOR_FORCE_SSL is 1 (ootb.vars' Define, over the env's 0), except for invalidate.cache
  ['GET', '/content/site/en.html?a=1', AUTHOR],
  ['GET', '/content/site/en.html', { host: 'author' }],
  ['GET', '/content/site/en.html', { ...AUTHOR, 'x-forwarded-proto': 'HTTPS' }],
  ['GET', '/content/site/..;/en.html', AUTHOR],
  ['GET', '/content/a%2Fb.html', AUTHOR],
  ['GET', '/content/a%20b.html?x=%41', AUTHOR],
  ['GET', '/dispatcher/invalidate.cache', AUTHOR],
  ['GET', '/content/site/en.html', { ...AUTHOR, ...HTTPS, ...GZIP }],
  ['GET', '/content/a%2Fb.html', { ...AUTHOR, ...HTTPS }],
  ['GET', '/content/dam/site/', { ...AUTHOR, ...HTTPS }],
  // flush vhosts: publish docroot (dispflush/flush), author docroot (authorflush/authordispflush)
  ['GET', '/content/site/en.html', { host: 'dispflush' }],
  ['GET', '/content/site/en.html', { host: 'flush', ...GZIP }],
  ['GET', '/content/site/en.html', { host: 'authorflush' }],
  ['GET', '/content/dam/site/asset.txt', { host: 'authordispflush' }],
  ['POST', '/dispatcher/invalidate.cache', { host: 'authorflush', 'cq-action': 'Activate', 'content-length': '0' }],
  // LiveCycle: LIVECYCLE_FORCE_SSL 1
  ['GET', '/content/forms/form.html', LC],
  ['GET', '/content/forms/form.html', { ...LC, ...HTTPS, ...GZIP }],
  ['GET', '/content/forms/form.html', { host: 'livecycle', ...HTTPS }],
  // the catch-all: [F] → ErrorDocument 403 /index.html, in the image's empty default folder
  ['GET', '/content/site/en.html', { host: 'unknown.example.org' }],
  ['GET', '/INDEX.HTML', { host: 'unknown.example.org' }],
  ['GET', '/index.html', { host: 'unknown.example.org', 'user-agent': 'Azure Traffic Manager Endpoint Monitor' }],
  // no usable Host: the first-listed vhost (aem_author) answers the 400
  ['GET', '/content/site/en.html', { host: '' }]
]

const UNHEALTHY_REQUESTS: HttpdRequest[] = [
  // the default host names now land on the unhealthy vhosts: [R=503] → ErrorDocument 503 /error.html
  ['GET', '/content/site/en.html', PUBLISH],
  ['GET', '/content/site/en.html', { ...PUBLISH, ...GZIP }],
  ['GET', '/content/dam/site/logo.png', { ...AUTHOR, ...GZIP }],
  ['HEAD', '/', AUTHOR],
  ['POST', '/content/site/en.html', { ...PUBLISH, 'content-length': '3', ':body': 'a=b' }],
  ['TRACE', '/content/site/en.html', PUBLISH],
  ['GET', '/error.html', { host: 'unhealthypublish', ...GZIP }],
  ['GET', '/error.html', { host: 'unhealthyauthor' }],
  ['GET', '/ERROR.html', { host: 'unhealthypublish' }],
  ['GET', '/error.html/extra', { host: 'unhealthypublish' }],
  // the real vhosts are still reachable by their ServerNames
  ['GET', '/content/site/en.html', { host: 'publish' }],
  ['GET', '/content/site/en.html', { host: 'author', ...HTTPS }],
  // the catch-all with an index.html, and the first-listed vhost is now 000_unhealthy_author
  ['GET', '/content/site/en.html', { host: 'unknown.example.org', ...GZIP }],
  ['GET', '/index.html', { host: 'unknown.example.org' }],
  ['GET', '/content/site/en.html', { host: '' }]
]

/** 000_base_whitelist.rules' commented examples, made real by a customer. */
const CUSTOMER_WHITELIST = [
  '## Our offices, behind the load balancer',
  'SetEnvIf X-FORWARDED-FOR ^198\\.51\\.100\\. AllowIP',
  '<RequireAny>',
  '  Require ip 203.0.113.0/24',
  '</RequireAny>',
  ''
].join('\n')

function enablePublishWhitelist(root: string): void {
  const vars = path.join(root, 'conf.d', 'variables', 'ams_default.vars')
  const text = fs.readFileSync(vars, 'utf8')
  fs.writeFileSync(vars, text.replace('Define PUBLISH_WHITELIST_ENABLED 0', 'Define PUBLISH_WHITELIST_ENABLED 1'))
  fs.writeFileSync(path.join(root, 'conf.d', 'whitelists', '001_customer_whitelist.rules'), CUSTOMER_WHITELIST)
}

const WHITELIST_REQUESTS: HttpdRequest[] = [
  // publish: only the whitelist grants, over <Directory "${PUBLISH_DOCROOT}">'s Require all granted
  ['GET', '/content/site/en.html', PUBLISH],
  ['GET', '/content/site/en.html', { ...PUBLISH, ...GZIP, 'x-forwarded-for': '198.51.100.7, zz' }],
  ['GET', '/content/site/missing.html', { ...PUBLISH, 'x-forwarded-for': '198.51.100.7, zz' }],
  ['OPTIONS', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '198.51.100.7, zz' }],
  ['GET', '/xmlrpc.php', { ...PUBLISH, 'x-forwarded-for': '198.51.100.7, zz' }],
  ['GET', '/content/site/en.html', { host: 'publish', 'x-forwarded-for': 'zz-not-an-ip' }],
  // mod_remoteip makes the header's address the client (Require ip), and takes it off the header (SetEnvIf)
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '203.0.113.9' }],
  ['GET', '/content/site/missing.html', { ...PUBLISH, 'x-forwarded-for': '203.0.113.9' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '198.51.100.7' }],
  ['GET', '/content/site/en.html', { ...PUBLISH, 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }],
  // the other vhosts keep their whitelists off
  ['GET', '/content/site/en.html', { host: 'dispflush' }],
  ['GET', '/content/site/en.html', { ...AUTHOR, ...HTTPS }],
  ['GET', '/content/forms/form.html', { ...LC, ...HTTPS }]
]

describe("AMS 2.6's baseline /etc/httpd, as the Docker image enables it, under apache2 and under the workbench", () => {
  const running = amsSideBySide({ src: staged({ vhosts: IMAGE_VHOSTS, defaultFiles: {} }), files: FILES, env: ENV })
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

describe("AMS 2.6's baseline /etc/httpd with its 000_unhealthy_* vhosts enabled, under apache2 and under the workbench", () => {
  const running = amsSideBySide({
    src: staged({
      vhosts: [...UNHEALTHY_VHOSTS, ...IMAGE_VHOSTS],
      defaultFiles: {
        'error.html': '<html>AEM is being serviced, back soon: '.padEnd(300, '.') + '</html>\n',
        'index.html': '<html>nothing to see here</html>\n'
      }
    }),
    files: FILES,
    env: ENV
  })
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(UNHEALTHY_REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})

describe("AMS 2.6's baseline /etc/httpd with a customer's publish whitelist, under apache2 and under the workbench", () => {
  const running = amsSideBySide({
    src: staged({ vhosts: IMAGE_VHOSTS, defaultFiles: {}, customize: enablePublishWhitelist }),
    files: FILES,
    env: ENV
  })
  it('every request gets the same status, headers and body from both', async () => {
    expect(await compareAll(WHITELIST_REQUESTS, running.apachePort, running.enginePort)).toBe('')
  })
})
