/**
 * Section lines httpd refuses (apache2 -t 2.4.68): a section that needs an argument and has
 * none, two paths, `<Else>` with an argument, an end tag without its `>`, a bad vhost address,
 * and a section no module provides ("Invalid command '<Foo'", a warning here as for directives).
 */
import { describe, expect, it } from 'vitest'
import { load } from './helpers'

function said(conf: string): string[] {
  return load({ 'httpd.conf': conf })
    .sink.items.filter((d) => d.severity === 'error' || d.code === 'APACHE_INVALID_COMMAND')
    .map((d) => `${d.pos?.line}: ${d.message}`)
}

describe('section arguments', () => {
  it('a section without its argument', () => {
    for (const s of ['Directory', 'Location', 'VirtualHost', 'Files', 'LocationMatch', 'If', 'IfModule', 'IfDefine'])
      expect(said(`KeepAlive On\n<${s}>\n</${s}>`)).toEqual([`2: <${s}> directive requires additional arguments`])
    expect(said('<Directory "">\n</Directory>'), 'an empty quoted word is an argument').toEqual([])
  })

  it('two paths', () => {
    expect(said('<Location "/a" "/b">\n</Location>')).toEqual(['1: Multiple <Location> arguments not (yet) supported.'])
    expect(said('<Directory ~ a b>\n</Directory>')).toEqual(['1: Multiple <Directory> arguments not (yet) supported.'])
    expect(said('<DirectoryMatch a b>\n</DirectoryMatch>')).toEqual([
      '1: Multiple <DirectoryMatch> arguments not (yet) supported.'
    ])
    expect(said('<Location ~ "^/a">\n</Location>\n<VirtualHost *:80 *:81>\n</VirtualHost>')).toEqual([])
  })

  it('<Else> with an argument', () => {
    expect(said('<If "true">\n</If>\n<Else "x">\n</Else>')).toEqual(['3: <Else> does not take an argument'])
  })

  it('an end tag without its ">", at the end tag', () => {
    expect(said('<Directory /tmp>\n</Directory >')).toEqual(["2: </Directory> directive missing closing '>'"])
    expect(said('<Directory /tmp>\n</Directory')).toEqual(["2: </Directory> directive missing closing '>'"])
    // In a branch httpd skips too (it says "Expected </Directory> but saw </Director>").
    expect(said('<IfModule !rewrite_module>\n<Directory /tmp>\n</Directory >\n</IfModule>')).toEqual([
      "3: </Directory> directive missing closing '>'"
    ])
  })

  it('a vhost address with a bad port or no host', () => {
    for (const a of [':80', '*:99999', '*:0'])
      expect(said(`<VirtualHost ${a}>\n</VirtualHost>`)).toEqual(['1: The address or port is invalid'])
    expect(said('<VirtualHost [::1]:80 _default_:80 127.0.0.1:65535>\n</VirtualHost>')).toEqual([])
  })

  it('an unknown section is an invalid command', () => {
    expect(said('<Foo bar>\n</Foo>')).toEqual([
      "1: Invalid command '<Foo', perhaps misspelled or defined by a module not included in the server configuration: httpd refuses to start on it (kept here, not applied)"
    ])
  })

  it('<Files> inside <Location>', () => {
    expect(said('<Location "/x">\n  <Files "a">\n  </Files>\n</Location>')).toEqual([
      '2: <Files> cannot occur within <Location> section'
    ])
    expect(said('<LocationMatch "/x">\n  <FilesMatch "a">\n  </FilesMatch>\n</LocationMatch>')).toEqual([
      '2: <FilesMatch> cannot occur within <LocationMatch> section'
    ])
    expect(
      said('<Directory "/tmp">\n  <Files "a">\n  </Files>\n</Directory>\n<If "true">\n  <Files "a">\n  </Files>\n</If>')
    ).toEqual([])
  })

  it('<Files> anywhere inside <Location>, and inside <Limit>, as httpd walks every enclosing section', () => {
    expect(said('<Location "/x">\n<If "true">\n<Files "a">\n</Files>\n</If>\n</Location>')).toEqual([
      '3: <Files> cannot occur within <Location> section'
    ])
    expect(said('<Directory "/tmp">\n<Limit GET>\n<Files "a">\n</Files>\n</Limit>\n</Directory>')).toEqual([
      '3: <Files> cannot occur within <Limit> or <LimitExcept> section'
    ])
  })

  it('not said inside a false conditional section', () => {
    expect(said('<IfModule !rewrite_module>\n<Directory>\n</Directory>\n<Foo>\n</Foo>\n</IfModule>')).toEqual([])
  })
})
