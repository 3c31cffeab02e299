/**
 * A second `Listen` for the same address and port: `apache2 -t` refuses it at that line
 * ("Cannot define multiple Listeners on the same IP:port"), and so does `check`.
 */
import { describe, expect, it } from 'vitest'
import type { LoadedConfig } from '../../../../src/shared/config-model'
import { compileDiagnostics } from '../../../../src/main/engine/runtime/compile-check'
import { load } from './helpers'

function errors(conf: string): [string, number | undefined][] {
  const r = load({ 'httpd.conf': conf })
  const loaded = { dispatcher: { farms: [] }, apache: r.config, files: r.files } as unknown as LoadedConfig
  return [...r.sink.items, ...compileDiagnostics(loaded)]
    .filter((d) => d.severity === 'error')
    .map((d) => [d.message, d.pos?.line])
}

describe('Listen', () => {
  it('refuses the same address twice, at the second line', () => {
    expect(errors('Listen 80\nServerName a\nListen 80')).toEqual([
      ['Listen 80: Cannot define multiple Listeners on the same IP:port', 3]
    ])
    expect(errors('Listen 127.0.0.1:8080\nListen 127.0.0.1:8080')).toHaveLength(1)
  })

  it('takes different addresses or ports', () => {
    expect(errors('Listen 80\nListen 81\nListen 127.0.0.1:80')).toEqual([])
  })
})
