/**
 * Problems that only show when the configuration is compiled for serving: filter regexes
 * that do not compile, rewrite rules, Header/RequestHeader and SetEnvIf directives with bad
 * arguments. `check`, hot reload and start-up all see them, with file:line:col. The rewrite
 * rules nothing serves (the engine is off, the server's are not inherited, there is no vhost)
 * are compiled for httpd's start-up refusals alone, as httpd compiles every rule it reads.
 */
import type { ApacheConfig, Farm, LoadedConfig, VhostSettings, VirtualHost } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'
import { compileFilter, type CompiledFilter } from '../pipeline/filter'
import { ruleRefusals } from '../pipeline/rewrite'
import { isFlagWord } from '../config/apache/flag-words'
import { compileVhostApache, type MapFileReader, type VhostApache } from './apache-runtime'
import type { VhostScopes } from './scoped-apache'
import type { FileProbe } from '../apache-expr'
import { allContexts } from './contexts'
import { isImmutableSdkFile } from '../config/validate/immutable-files'
import { remoteIpProblems } from './remote-ip'
import { emptySettings, otherOccurrences } from '../config/apache/settings'
import { atReportedLines } from '../config/apache/reported-pos'
import { duplicateListeners, listenPort, takesPort } from './listen-port'
import { filtersNotEmulated, NOT_EMULATED, notEmulatedWarning } from './filters-not-emulated'

/**
 * `filterOf`: a farm's compiled filter, for a caller that has it already (the loader).
 * `readMapFile`: how RewriteMap files are read (the loader reads through its file memo).
 * `keep`: receives every vhost's compiled Apache runtime, for a caller that serves them next.
 */
export function compileDiagnostics(
  loaded: LoadedConfig,
  filterOf: (farm: Farm) => CompiledFilter = (farm) => compileFilter(farm.filter),
  readMapFile?: MapFileReader,
  keep?: Map<VirtualHost, VhostApache>
): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const farm of loaded.dispatcher.farms) {
    const f = filterOf(farm)
    out.push(...f.problems, ...f.warnings.map((w) => inProjectTerms(loaded, w)))
  }
  const apache = loaded.apache
  if (apache) {
    // Every context (server, vhosts, sections), walked once for the checks that read them all.
    const contexts = allContexts([apache.server, ...apache.virtualHosts.map((v) => v.settings)])
    out.push(...forwardedHostKeyFiles(contexts))
    for (const s of [apache.server, ...apache.virtualHosts.map((v) => v.settings)]) out.push(...remoteIpProblems(s))
    out.push(...notEmulated(contexts).map((d) => inProjectTerms(loaded, d)))
    out.push(...mimeNotEmulated(contexts))
    out.push(...filtersNotEmulated(contexts, apache.modules).map((d) => inProjectTerms(loaded, d)))
    out.push(...coreNotEmulated(contexts, new Set([apache.server, ...apache.virtualHosts.map((v) => v.settings)])))
    const seen = new Set<string>()
    const once = (d: Diagnostic): void => {
      const key = `${d.code}|${d.pos?.file}|${d.pos?.line}|${d.pos?.column}`
      if (seen.has(key)) return
      seen.add(key)
      out.push(d)
    }
    const mainServer = mainServerAnswers(apache)
    if (mainServer) out.push(mainServer)
    out.push(...duplicateListeners(apache))
    const compiledRules = new Set<VhostSettings>()
    for (const v of apache.virtualHosts) {
      const compiled = compileVhostApache(apache.server, v.settings, v.documentRoot?.value, readMapFile, apache.modules)
      keep?.set(v, compiled)
      compiled.problems.forEach(once)
      for (const c of compiled.rewriteContexts) compiledRules.add(c)
      const refused = refusedDocroot(v, compiled.scoped)
      if (refused) out.push(refused)
    }
    // Without vhosts, the main server's directives are compiled on their own (as serving does,
    // active-config.ts): httpd refuses a bad Header, SetEnvIf or <If> there just the same.
    if (apache.virtualHosts.length === 0) {
      const compiled = compileVhostApache(
        emptySettings(),
        apache.server,
        apache.documentRoot?.value,
        readMapFile,
        apache.modules
      )
      // In the order httpd reads them (its sections' rules are compiled after its own): files as
      // the loader read them (an Include's where it stands), then line by line.
      const read = loaded.files ?? []
      const fileRank = (file: string | undefined): number => {
        const i = file === undefined ? -1 : read.indexOf(file)
        return i < 0 ? read.length : i
      }
      const order = (d: Diagnostic): number[] => [fileRank(d.pos?.file), d.pos?.line ?? 0, d.pos?.column ?? 0]
      const inFileOrder = [...compiled.problems].sort((a, b) => {
        const [x, y] = [order(a), order(b)]
        return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
      })
      inFileOrder.forEach(once)
      for (const c of compiled.rewriteContexts) compiledRules.add(c)
    }
    for (const s of contexts) {
      if (s.rewriteRules.length > 0 && !compiledRules.has(s)) ruleRefusals(s.rewriteRules).forEach(once)
    }
  }
  // A directive continued over several lines is named at its last one, as apache2 -t names it.
  atReportedLines(out)
  return out
}

/**
 * Vhosts, none of which takes the port the configuration listens on (its first `Listen`, 80
 * without one): httpd's main server answers every request there (active-config.ts), which a
 * user whose requests no longer reach a vhost should be told.
 */
function mainServerAnswers(apache: ApacheConfig): Diagnostic | null {
  const port = listenPort(apache)
  const first = apache.virtualHosts[0]
  if (!first || apache.virtualHosts.some((v) => takesPort(v.addresses, port))) return null
  return {
    severity: 'warning',
    code: 'APACHE_MAIN_SERVER_ANSWERS',
    category: 'model',
    message: `no <VirtualHost> takes port ${port} (the first Listen, 80 without one): httpd's main server answers every request, with the server-wide settings; the vhosts (this one on ${first.addresses.join(' ')}) serve other ports`,
    pos: first.pos
  }
}

/**
 * A pitfall in one of the SDK files the Cloud keeps immutable (default_filters.any…) is the
 * SDK's, not the project's: said for information, with what the project can do about it.
 */
function inProjectTerms(loaded: LoadedConfig, d: Diagnostic): Diagnostic {
  if (loaded.layout !== 'aemaacs' || (d.category !== 'pitfall' && d.code !== NOT_EMULATED) || !d.pos) return d
  if (!isImmutableSdkFile(loaded.baseDir, d.pos.file)) return d
  return {
    ...d,
    severity: 'info',
    message:
      d.category === 'pitfall'
        ? `${d.message} (in an SDK file the Cloud keeps immutable: a rule in the project's own filters.any can override it)`
        : `${d.message} (in an SDK file the Cloud keeps immutable)`
  }
}

/**
 * Apache parts the workbench reads but does not act on, said at load time instead of being
 * silently different at request time: mod_alias (serving a file from outside the cache docroot
 * is something the workbench never does).
 */
function notEmulated(contexts: VhostSettings[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const s of contexts) {
    for (const a of s.aliases) {
      const why =
        a.directive === 'ScriptAlias' || a.directive === 'ScriptAliasMatch'
          ? 'the workbench runs no CGI scripts'
          : 'the workbench serves no files from outside the cache docroot'
      out.push(
        notEmulatedWarning(
          `${a.directive}${a.from ? ` "${a.from}"` : ''} "${a.to}" is not emulated: ${why}, so these requests are answered as if it were not there (from the DocumentRoot, or by the Dispatcher)`,
          a.pos
        )
      )
    }
  }
  return out
}

/** What each mod_mime or mod_filter directive the workbench does not act on would have done. */
const MIME_NOT_EMULATED: Record<string, string> = {
  addencoding: 'answers go without the Content-Encoding it names for these extensions',
  removeencoding: 'an encoding added for these extensions is kept',
  addlanguage: 'answers go without the Content-Language it names for these extensions',
  defaultlanguage: 'answers go without its Content-Language',
  removelanguage: 'a language added for these extensions is kept',
  removetype: 'these extensions keep their type'
}

/**
 * mod_mime's encodings and languages and RemoveType are not emulated: said where they are set,
 * instead of being ignored silently (output filters: filters-not-emulated.ts).
 */
function mimeNotEmulated(contexts: VhostSettings[]): Diagnostic[] {
  const out: Diagnostic[] = []
  const warn = (message: string, pos: Diagnostic['pos']): number => out.push(notEmulatedWarning(message, pos))
  for (const s of contexts) {
    for (const d of otherOccurrences(s, Object.keys(MIME_NOT_EMULATED))) {
      warn(`${d.name} is not emulated: ${MIME_NOT_EMULATED[d.name.toLowerCase()]}`, d.pos)
    }
  }
  return out
}

/**
 * core settings the workbench does not act on, said where they are set: the request parser is
 * httpd's default (`HttpProtocolOptions Strict LenientMethods Allow0.9`, no registered methods),
 * `UseCanonicalName` is read for the server and the vhosts only (`DNS` asks DNS for the local
 * address's name), no `.htaccess` file is read, and MultiViews (mod_negotiation) is not
 * emulated. `topLevel`: the server's and the vhosts' own contexts.
 */
function coreNotEmulated(contexts: VhostSettings[], topLevel: Set<VhostSettings>): Diagnostic[] {
  const all: Diagnostic[] = []
  for (const s of contexts) {
    const out: Diagnostic[] = []
    const warn = (message: string, pos: Diagnostic['pos']): number => out.push(notEmulatedWarning(message, pos))
    for (const d of otherOccurrences(s, ['HttpProtocolOptions', 'RegisterHttpMethod', 'UseCanonicalPhysicalPort'])) {
      const name = d.name.toLowerCase()
      const words = d.args.map((a) => a.toLowerCase())
      if (name === 'httpprotocoloptions' && words.every((w) => ['strict', 'lenientmethods', 'allow0.9'].includes(w)))
        continue
      if (name === 'usecanonicalphysicalport' && words[0] === 'off') continue
      const why =
        name === 'httpprotocoloptions'
          ? "requests are parsed with httpd's defaults (Strict LenientMethods Allow0.9)"
          : name === 'registerhttpmethod'
            ? 'only the methods httpd knows are known (others get 501)'
            : "self-referential URLs never use the connection's local port"
      warn(`${d.name} ${d.args.join(' ')} is not emulated: ${why}`, d.pos)
    }
    for (const d of otherOccurrences(s, ['EnableMMAP'])) {
      if ((d.args[0] ?? '').toLowerCase() !== 'off') continue
      warn(
        'EnableMMAP Off is not emulated: files are handed to mod_deflate whole, as with On (httpd would read them 8000 bytes at a time, so compressed answers over 8 KiB would lose their Content-Length)',
        d.pos
      )
    }
    for (const d of otherOccurrences(s, ['AllowOverride', 'AllowOverrideList'])) {
      const words = d.args.map((a) => a.toLowerCase())
      if (words.length === 1 && words[0] === 'none') continue
      warn(`${d.name} ${d.args.join(' ')} is not emulated: .htaccess files are never read`, d.pos)
    }
    for (const d of otherOccurrences(s, ['Options'])) {
      if (!d.args.some((a) => /^[+]?multiviews$/i.test(a))) continue
      warn(
        `Options ${d.args.join(' ')}: MultiViews is not emulated: a URL without its extension is not negotiated to a file`,
        d.pos
      )
    }
    for (const d of otherOccurrences(s, ['UseCanonicalName'])) {
      const word = (d.args[0] ?? '').toLowerCase()
      if (word === 'dns')
        warn(`UseCanonicalName DNS is not emulated: it is taken as Off (the Host header names the server)`, d.pos)
      else if (!topLevel.has(s))
        warn(
          `UseCanonicalName in a section is not emulated: the vhost's (or the server's) setting applies to every request`,
          d.pos
        )
    }
    // In the order of the lines, within each context.
    all.push(...out.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0)))
  }
  return all
}

const NO_FILES: FileProbe = { stat: () => null }

/**
 * A virtual host whose own documents Apache refuses: the runtime's httpd.conf denies
 * `<Directory />`, so a vhost that grants no access to its DocumentRoot answers every request
 * with 403 in the SDK. Said once, at the vhost, when the answer does not depend on the request.
 */
function refusedDocroot(v: VirtualHost, scoped: VhostScopes): Diagnostic | null {
  const docroot = v.documentRoot?.value
  if (!docroot) return null
  const noRequest = (): never => {
    throw new Error('no request')
  }
  const control = scoped.accessAt({
    uri: '/index.html',
    filename: `${docroot.replace(/\/+$/, '')}/index.html`,
    probe: NO_FILES,
    exprContext: noRequest
  })
  if (!control || control.readsRequest) return null
  const d = control.check({
    method: 'GET',
    clientIp: '127.0.0.1',
    serverIp: '127.0.0.1',
    env: {},
    exprContext: noRequest,
    vary: []
  })
  if (d.status === null) return null
  return {
    severity: 'warning',
    code: 'PITFALL_DOCROOT_REFUSED',
    category: 'pitfall',
    message: `Apache refuses this virtual host's documents: ${d.summary}. Grant its DocumentRoot with <Directory "${docroot}"> Require all granted </Directory>, as the SDK's default.vhost does`,
    pos: v.pos
  }
}

/**
 * Besides On/Off, `DispatcherUseForwardedHost` accepts a file holding an edge key (X-Edge-Key must
 * match it). Its rules are not documented well enough to reproduce, so it is said, not guessed.
 */
function forwardedHostKeyFiles(contexts: VhostSettings[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const settings of contexts) {
    const fh = settings.dispatcher.DispatcherUseForwardedHost
    if (!fh || isFlagWord(fh.value)) continue
    out.push({
      severity: 'warning',
      code: NOT_EMULATED,
      category: 'model',
      message: `DispatcherUseForwardedHost "${fh.value}" names an edge-key file: the workbench does not emulate that form and keeps the client's Host (as with Off)`,
      pos: fh.pos
    })
  }
  return out
}
