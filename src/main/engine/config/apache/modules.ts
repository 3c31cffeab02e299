/**
 * Which modules `<IfModule>` sees as loaded. httpd accepts both the module's source file
 * name (`mod_rewrite.c`) and its identifier (`rewrite_module`), compared case-sensitively.
 * The AEMaaCS baseline wraps the whole Dispatcher setup in `<IfModule disp_apache2.c>`
 * (dispatcher-behavior.md §3.2), the source file name of mod_dispatcher.
 */

/** Module identifier → source file name where it is not simply `mod_<name>.c`. */
const SOURCE_FILE: Record<string, string> = {
  dispatcher_module: 'disp_apache2.c',
  mpm_worker_module: 'worker.c',
  mpm_event_module: 'event.c',
  mpm_prefork_module: 'prefork.c',
  core_module: 'core.c',
  http_module: 'http_core.c'
}

/** Compiled into httpd itself, present whatever the configuration loads. */
const STATIC_MODULES = ['core_module', 'http_module', 'so_module']

/** Both spellings of a module identifier. */
export function moduleSpellings(identifier: string): string[] {
  const source = SOURCE_FILE[identifier] ?? `mod_${identifier.replace(/_module$/, '')}.c`
  const out = [identifier, source]
  // The brief's and some community configs' spelling of mod_dispatcher's file name.
  if (identifier === 'dispatcher_module') out.push('mod_dispatcher.c')
  return out
}

/**
 * `LoadModule rewrite_module modules/mod_rewrite.so` → the identifier and the source file
 * name, which httpd takes from the module structure; the shared object's base name is the
 * best stand-in we have (`mod_rewrite.so` → `mod_rewrite.c`).
 */
export function spellingsOfLoadModule(identifier: string, file: string | undefined): string[] {
  const out = moduleSpellings(identifier)
  const base = file?.split(/[\\/]/).pop()
  if (base) {
    const m = /^(.+)\.(so|dll)$/i.exec(base)
    if (m && m[1].startsWith('mod_')) out.push(`${m[1]}.c`)
  }
  return out
}

/** The LoadModule lines of the AEMaaCS SDK image (conf.modules.d, image 2.0.169), static modules included. */
const SDK_IMAGE_MODULES = [
  ...STATIC_MODULES,
  'access_compat_module',
  'alias_module',
  'allowmethods_module',
  'auth_basic_module',
  'authn_core_module',
  'authn_file_module',
  'authz_core_module',
  'authz_groupfile_module',
  'authz_host_module',
  'authz_user_module',
  'autoindex_module',
  'deflate_module',
  'dir_module',
  'env_module',
  'expires_module',
  'filter_module',
  'headers_module',
  'include_module',
  'log_config_module',
  'mime_magic_module',
  'mime_module',
  'negotiation_module',
  'remoteip_module',
  'reqtimeout_module',
  'rewrite_module',
  'setenvif_module',
  'slotmem_shm_module',
  'status_module',
  'substitute_module',
  'unixd_module',
  'unique_id_module',
  'version_module',
  'macro_module',
  'mpm_worker_module',
  'proxy_module',
  'proxy_http_module',
  'qos_module',
  'security2_module',
  'ssl_module',
  'dispatcher_module'
]

export const DEFAULT_LOADED_MODULES: readonly string[] = Object.freeze(SDK_IMAGE_MODULES.flatMap(moduleSpellings))

/** The starting set for an `initial` list, built once per list (every load starts from the same one). */
const baseSets = new WeakMap<object, ReadonlySet<string>>()

function baseSet(initial: Iterable<string>): ReadonlySet<string> {
  // Only a frozen list (DEFAULT_LOADED_MODULES) cannot change after it was indexed.
  const cacheable = typeof initial === 'object' && initial !== null && Object.isFrozen(initial)
  let set = cacheable ? baseSets.get(initial) : undefined
  if (!set) {
    set = new Set([...STATIC_MODULES.flatMap(moduleSpellings), ...initial])
    if (cacheable) baseSets.set(initial, set)
  }
  return set
}

export class ModuleSet {
  private readonly base: ReadonlySet<string>
  /** Modules this configuration's LoadModule lines added. */
  private readonly loaded = new Set<string>()

  constructor(initial: Iterable<string>) {
    this.base = baseSet(initial)
  }

  add(spellings: Iterable<string>): void {
    for (const s of spellings) this.loaded.add(s)
  }

  has(name: string): boolean {
    return this.base.has(name) || this.loaded.has(name)
  }

  /** The identifiers of every loaded module (`dir_module`, …), sorted. */
  identifiers(): string[] {
    const out = new Set<string>()
    for (const set of [this.base, this.loaded]) for (const s of set) if (s.endsWith('_module')) out.add(s)
    return [...out].sort()
  }
}

/** Whether the configuration runs with this module (`dir_module`); the runtime's defaults when it does not say. */
export function moduleLoaded(modules: readonly string[] | undefined, identifier: string): boolean {
  const list = modules ?? DEFAULT_LOADED_MODULES
  let set = moduleSets.get(list)
  if (!set) moduleSets.set(list, (set = new Set(list)))
  return set.has(identifier)
}

/** Each configuration's list as a set, made on first use (asked on every request Apache serves itself). */
const moduleSets = new WeakMap<readonly string[], ReadonlySet<string>>()
