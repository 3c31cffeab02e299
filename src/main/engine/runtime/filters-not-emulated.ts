/**
 * Output filters the workbench does not run, said where a directive puts them in an answer's
 * way (`SetOutputFilter`, `AddOutputFilter`, `AddOutputFilterByType`, `FilterProvider`) instead
 * of the answer being silently different from httpd's. DEFLATE and SUBSTITUTE are emulated when
 * `SetOutputFilter` or `AddOutputFilterByType` puts them in (pipeline/deflate.ts, substitute.ts);
 * DEFLATE by extension or through a FilterProvider is not.
 *
 * A filter is named only when the module that registers it is loaded: without it httpd refuses
 * `AddOutputFilterByType` ("Unknown filter provider") and skips the name elsewhere at request
 * time, so there is nothing the workbench leaves out. Names are matched caselessly, as httpd
 * looks filters up (`AddOutputFilterByType Sed` and `SED` are the same filter; checked against
 * apache2 -t 2.4.68 for each name below).
 */
import type { VhostSettings } from '../../../shared/config-model'
import type { Diagnostic } from '../../../shared/diagnostics'
import { otherOccurrences } from '../config/apache/settings'
import { moduleLoaded } from '../config/apache/modules'
import { filterNames } from '../pipeline/output-filters'

export const NOT_EMULATED = 'MODEL_NOT_EMULATED'

/** A directive the workbench reads but does not act on, said where it stands. */
export function notEmulatedWarning(message: string, pos: Diagnostic['pos']): Diagnostic {
  return { severity: 'warning', code: NOT_EMULATED, category: 'model', message, pos }
}

interface UnemulatedFilter {
  /** The module that registers the filter. */
  module: string
  /** The module, as the warning names it. */
  name: string
  /** What the answers it is set for lose (`<what>` is "these answers", ".shtml answers"…). */
  effect: (what: string) => string
}

/** By the filter's name in upper case. */
const FILTERS: Record<string, UnemulatedFilter> = {
  INCLUDES: {
    module: 'include_module',
    name: 'mod_include (server-side includes)',
    effect: (what) =>
      `${what} keep their ETag and 304s, and any <!--#…--> directives go out as written, where httpd's INCLUDES filter would process them`
  },
  SED: {
    module: 'sed_module',
    name: 'mod_sed',
    effect: (what) => `${what} go out as the handler made them, where httpd would apply the OutputSed expressions`
  },
  INFLATE: {
    module: 'deflate_module',
    name: "mod_deflate's INFLATE output filter",
    effect: (what) => `${what} go out compressed as they came, where httpd would decompress them`
  },
  BROTLI_COMPRESS: {
    module: 'brotli_module',
    name: 'mod_brotli',
    effect: (what) =>
      `${what} go out uncompressed, where httpd would compress them with brotli for clients that accept br`
  },
  RATE_LIMIT: {
    module: 'ratelimit_module',
    name: 'mod_ratelimit',
    effect: (what) => `${what} go out at full speed, where httpd would hold them to the rate-limit environment variable`
  },
  'PROXY-HTML': {
    module: 'proxy_html_module',
    name: 'mod_proxy_html',
    effect: (what) => `${what} go out with their links as written, where httpd would rewrite them (ProxyHTMLURLMap)`
  },
  XML2ENC: {
    module: 'xml2enc_module',
    name: 'mod_xml2enc',
    effect: (what) => `${what} keep their character set, where httpd would convert it`
  },
  XLATEOUT: {
    module: 'charset_lite_module',
    name: 'mod_charset_lite',
    effect: (what) => `${what} keep their character set, where httpd would translate it (CharsetSourceEnc)`
  },
  DATA: {
    module: 'data_module',
    name: 'mod_data',
    effect: (what) => `${what} go out as they are, where httpd would turn them into a data: URL`
  }
}

/** Filters run where `SetOutputFilter` or `AddOutputFilterByType` put them in, and not otherwise. */
const PARTLY_EMULATED: Record<string, { module: string; effect: string }> = {
  DEFLATE: {
    module: 'deflate_module',
    effect: 'these answers go uncompressed (SetOutputFilter DEFLATE and AddOutputFilterByType DEFLATE are emulated)'
  },
  SUBSTITUTE: {
    module: 'substitute_module',
    effect:
      'these answers go out without the Substitute patterns applied (SetOutputFilter SUBSTITUTE and AddOutputFilterByType SUBSTITUTE are emulated)'
  }
}

const FILTER_DIRECTIVES = ['SetOutputFilter', 'AddOutputFilter', 'AddOutputFilterByType', 'FilterProvider']

/** `modules`: the configuration's loaded modules (ApacheConfig.modules). */
export function filtersNotEmulated(contexts: VhostSettings[], modules: readonly string[] | undefined): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const s of contexts) {
    for (const d of otherOccurrences(s, FILTER_DIRECTIVES)) {
      const directive = d.name.toLowerCase()
      // FilterProvider <smart filter> <provider> <expression>: the provider is the filter that runs.
      const list = (directive === 'filterprovider' ? d.args[1] : d.args[0]) ?? ''
      const names = filterNames(list)
      const what =
        directive === 'setoutputfilter'
          ? 'these answers'
          : directive === 'filterprovider'
            ? `answers where "${d.args.slice(2).join(' ')}" holds`
            : `${d.args.slice(1).join(' ')} answers`
      for (const name of new Set(names)) {
        const partly = PARTLY_EMULATED[name]
        if (partly !== undefined) {
          const unrun = directive === 'addoutputfilter' || directive === 'filterprovider'
          if (unrun && moduleLoaded(modules, partly.module))
            out.push(notEmulatedWarning(`${d.name} ${d.args.join(' ')} is not emulated: ${partly.effect}`, d.pos))
          continue
        }
        const filter = FILTERS[name]
        if (!filter || !moduleLoaded(modules, filter.module)) continue
        out.push(notEmulatedWarning(`${filter.name} is not emulated: ${filter.effect(what)}`, d.pos))
      }
    }
  }
  return out
}
