/**
 * DOT's httpd parser fixtures (MANIFEST §5b). They have no dispatcher.any, and `loadConfig`
 * only starts from one, so they are loaded with the Apache loader alone: server root = the
 * fixture's folder, `/etc/httpd` mapped onto it (as the AMS layout does).
 */
import { expect } from 'vitest'
import { DOT } from './dot-model'
import type { CorpusRoot, ExpectedDiagnostic } from './types'

const H = 'core/src/test/resources/com/adobe/aem/dot/httpd/core/parser/'

function httpd(file: string, spec: Omit<CorpusRoot, 'set' | 'label' | 'input' | 'httpd'>): CorpusRoot {
  return { set: DOT, label: `httpd/${file}`, input: H + file, httpd: { file: H + file }, ...spec }
}

const at = (code: string, file: string, line?: number): ExpectedDiagnostic => ({ code, file: H + file, line })

export const DOT_HTTPD_ROOTS: CorpusRoot[] = [
  httpd('basic_httpd.conf', { errors: [], check: (c) => expect(c.apache?.documentRoot?.value).toBe('/var/www/html') }),
  httpd('httpd.conf', { errors: [], check: (c) => expect(c.apache?.documentRoot?.value).toBe('/var/www/html') }),
  httpd('basic_multiline_httpd.conf', { errors: [] }),
  httpd('httpd_with_includes.conf', {
    errors: [],
    check: (c) => {
      const hosts = c.apache?.virtualHosts ?? []
      expect(hosts).toHaveLength(2)
      // The publish vhost comes through the enabled_vhosts copy (a materialized symlink), at its line 5.
      expect(hosts.map((h) => [h.pos.file.slice(h.pos.file.lastIndexOf('/conf.d/') + 1), h.pos.line])).toContainEqual([
        'conf.d/enabled_vhosts/mysite_publish.vhost',
        5
      ])
    }
  }),
  // The two file names are swapped relative to their content (MANIFEST): one misses a glob, one a file.
  httpd('no_file_to_include/httpd_with_failed_include.conf', {
    errors: [at('APACHE_INCLUDE_MISSING', 'no_file_to_include/httpd_with_failed_include.conf', 2)]
  }),
  httpd('no_file_to_include/httpd_with_failed_wildcard_include.conf', {
    errors: [at('APACHE_INCLUDE_MISSING', 'no_file_to_include/httpd_with_failed_wildcard_include.conf', 2)]
  }),
  httpd('infinite_include/httpd_with_infinite_includes.conf', {
    errors: [at('APACHE_INCLUDE_LIMIT', 'infinite_include/infinite.conf', 7)],
    note: 'self-include; DOT stops at 50 nested includes'
  }),
  httpd('httpd_with_large_includes.conf', {
    // 7,810 includes of a 353-line file: where the guard trips depends on the limit, not on the input.
    errors: [at('APACHE_INCLUDE_LIMIT', 'httpd_with_large_includes.conf')],
    note: 'include bomb; DOT stops at 1,000,000 configuration lines'
  }),
  httpd('httpd_bad_windows_includes.conf', {
    // A git symlink checked out on Windows as a text file naming its (missing) target. DOT: ERROR
    // "WINDOWS: Sym Link could not be resolved"; httpd itself would stop at "Invalid command".
    errors: [at('APACHE_UNRESOLVED_SYMLINK', 'httpd_bad_windows_includes.conf', 1)]
  })
]
