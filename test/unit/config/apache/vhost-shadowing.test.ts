/**
 * A virtual host no Host header can reach: an earlier vhost on the same address already matches
 * every name it has (httpd takes the first whose ServerName or ServerAlias matches).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { DiagnosticSink } from '../../../../src/shared/diagnostics'
import { reportShadowedVhosts } from '../../../../src/main/engine/config/apache/vhost-shadowing'
import { loadConfig } from '../../../../src/main/engine/config/load'
import { load } from './helpers'

function shadowed(conf: string): string[] {
  const sink = new DiagnosticSink()
  reportShadowedVhosts(load({ 'httpd.conf': conf }).config, sink)
  return sink.items.map((d) => `${d.severity} ${d.code} ${d.pos?.line}: ${d.message}`)
}

const vhost = (addr: string, lines: string[]): string =>
  [`<VirtualHost ${addr}>`, ...lines, '</VirtualHost>'].join('\n')

describe('APACHE_VHOST_SHADOWED', () => {
  it('a vhost whose every name an earlier one on the same address matches is reported, naming that one', () => {
    const seen = shadowed(
      [
        'Listen 80',
        vhost('*:80', ['ServerName "publish"', 'ServerAlias "*"']),
        vhost('*:80', ['ServerName "www.a.com"', 'ServerAlias "a.com" "*.a.com"'])
      ].join('\n')
    )
    expect(seen).toEqual([
      'warning APACHE_VHOST_SHADOWED 6: <VirtualHost *:80> is never chosen: the virtual host at httpd.conf:2 ("publish", "*"), ' +
        'listed before it on the same address, already matches every name it has ("www.a.com", "a.com", "*.a.com"), ' +
        'and httpd takes the first vhost whose ServerName or ServerAlias matches the Host'
    ])
  })

  it('a wildcard name is taken only by a wider earlier pattern; a literal one by the same name in any case', () => {
    const conf = [
      'Listen 80',
      vhost('*:80', ['ServerName a.com', 'ServerAlias *.b.com']),
      vhost('*:80', ['ServerName A.COM', 'ServerAlias x.b.com']),
      vhost('*:80', ['ServerName a.com', 'ServerAlias *.com'])
    ].join('\n')
    expect(shadowed(conf).map((s) => s.split(':')[0])).toEqual(['warning APACHE_VHOST_SHADOWED 6'])
  })

  it('a name no earlier vhost has, another address, or being first keeps a vhost reachable', () => {
    const conf = [
      'Listen 80',
      'Listen 8080',
      vhost('*:80', ['ServerName a.com']),
      vhost('*:80', ['ServerName a.com', 'ServerAlias b.com']),
      vhost('*:8080', ['ServerName a.com'])
    ].join('\n')
    expect(shadowed(conf)).toEqual([])
  })
})

const CORPUS =
  process.env.DW_CORPUS_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpus')
const WKND = path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src')
const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

describe('in an SDK project', () => {
  function wknd(): string {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vhost-shadow-')), 'src')
    made.push(path.dirname(dir))
    fs.cpSync(WKND, dir, { recursive: true })
    return dir
  }
  const warnings = (dir: string): string[] =>
    loadConfig(dir)
      .diagnostics.filter((d) => d.code === 'APACHE_VHOST_SHADOWED')
      .map((d) => `${path.relative(dir, d.pos?.file ?? '')}:${d.pos?.line} ${d.message}`)

  it('the SDK\'s catch-all vhost after the site\'s ServerAlias "*" is by design: not reported', () => {
    expect(warnings(wknd())).toEqual([])
  })

  it('enabling default.vhost beside the site vhost is reported at the site vhost, naming default.vhost', () => {
    const dir = wknd()
    fs.symlinkSync('../available_vhosts/default.vhost', path.join(dir, 'conf.d/enabled_vhosts/default.vhost'))
    const seen = warnings(dir)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatch(
      /^conf\.d\/enabled_vhosts\/wknd\.vhost:\d+ <VirtualHost \*:80> is never chosen: the virtual host at default\.vhost:\d+ \("publish", "\*"\)/
    )
  })
})
