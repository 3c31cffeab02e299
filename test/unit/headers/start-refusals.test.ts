/**
 * Lines of mod_setenvif, mod_expires and mod_headers that `apache2 -t` (2.4.68) refuses, in its
 * words, which `check` used to load without a word.
 */
import { describe, expect, it } from 'vitest'
import type { LoadedConfig } from '../../../src/shared/config-model'
import { compileDiagnostics } from '../../../src/main/engine/runtime/compile-check'
import { load } from '../config/apache/helpers'

/** The errors `check` gives for the configuration, as [line, message]. */
function refused(conf: string): [number | undefined, string][] {
  const r = load({ 'httpd.conf': conf })
  const loaded = { dispatcher: { farms: [] }, apache: r.config, files: r.files } as unknown as LoadedConfig
  return [...r.sink.items, ...compileDiagnostics(loaded)]
    .filter((d) => d.severity === 'error')
    .map((d) => [d.pos?.line, d.message])
}

describe('start-up refusals', () => {
  it('SetEnvIf with an empty attribute or regex', () => {
    expect(refused('SetEnvIf X-A "" A')).toEqual([[1, 'SetEnvIf: Missing regular expression for SetEnvIf']])
    expect(refused('\nSetEnvIfNoCase "" a A')).toEqual([
      [2, 'SetEnvIfNoCase: Missing header-field name for SetEnvIfNoCase']
    ])
  })

  it('ExpiresByType with a type without a slash', () => {
    expect(refused('ExpiresActive On\nExpiresByType text A60')).toEqual([
      [2, 'ExpiresByType text A60: Invalid mimetype: should contain a slash']
    ])
  })

  it('a string function called with nothing', () => {
    const found = refused('Header set X "expr=%{base64:}"')
    expect(found.map(([line]) => line)).toEqual([1])
    expect(found[0][1]).toContain('unexpected T_VAR_END')
  })
})
