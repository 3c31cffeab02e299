/**
 * A UTF-8 byte order mark at the start of an Apache file: httpd does not skip it, so line 1's
 * first word is an unknown command and `apache2 -t` refuses the file (2.4.68), even when the
 * line is a comment. dispatcher.any files keep ignoring it (the Dispatcher's reader skips it).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readConfigFile } from '../../../../src/main/engine/config/files'
import { load, tree } from './helpers'

const BOM = '\ufeff'

function errors(files: Record<string, string>): string[] {
  return load(files)
    .sink.items.filter((d) => d.severity === 'error')
    .map((d) => `${path.basename(d.pos?.file ?? '?')}:${d.pos?.line}: ${d.code} ${d.message}`)
}

describe('a UTF-8 BOM in an Apache file', () => {
  it('is refused at line 1 of the included file, even before a comment', () => {
    expect(
      errors({
        'httpd.conf': 'Include vhost.conf\n',
        'vhost.conf': `${BOM}# saved by a Windows editor\nKeepAlive On\n`
      })
    ).toEqual([
      "vhost.conf:1: APACHE_BOM Invalid command '\\xef\\xbb\\xbf#', perhaps misspelled or defined by a module not included in the server configuration (the file starts with a UTF-8 byte order mark, which httpd does not skip: save it without BOM)"
    ])
  })

  it('in the root file too, naming the first word', () => {
    expect(errors({ 'httpd.conf': `${BOM}KeepAlive On\n` })).toEqual([
      expect.stringMatching(/^httpd\.conf:1: APACHE_BOM Invalid command '\\xef\\xbb\\xbfKeepAlive'/)
    ])
  })

  it('before a section, at the end tag that then closes nothing (as apache2 -t reads it)', () => {
    expect(
      errors({
        'httpd.conf': 'Include vhost.conf\n',
        'vhost.conf': `${BOM}<VirtualHost *:80>\n  <Directory /x>\n  </Directory>\n</VirtualHost>\n`
      })
    ).toEqual([
      expect.stringMatching(/^vhost\.conf:4: APACHE_BOM <\/VirtualHost> without matching <VirtualHost> section/)
    ])
  })

  it('is not said for a file httpd never reads', () => {
    expect(
      errors({
        'httpd.conf': '<IfModule nosuch_module>\nInclude b.conf\n</IfModule>\n',
        'b.conf': `${BOM}KeepAlive On\n`
      })
    ).toEqual([])
  })

  it('is still dropped from the text both readers get (dispatcher.any ignores it)', () => {
    const dir = tree({ 'dispatcher.any': `${BOM}/farms { }\n` })
    const r = readConfigFile(path.join(dir, 'dispatcher.any'))
    expect(r.ok && r.text).toBe('/farms { }\n')
    expect(r.ok && r.bom).toBe(true)
    expect(fs.existsSync(dir)).toBe(true)
  })
})
