/**
 * mod_autoindex's listing, byte for byte as apache2 2.4.71 writes it for the same folder (the
 * expected pages are apache2's own, see test/httpd for the side-by-side run): the plain list,
 * Debian's FancyIndexing HTMLTable, the <pre> columns, the sort the query asks for, and the
 * small formatters (sizes, escapes, natural order) it is made of.
 */
import { describe, expect, it } from 'vitest'
import { load } from '../config/apache/helpers'
import { indexSettingsOf } from '../../../src/main/engine/runtime/index-config'
import {
  escapePath,
  renderListing,
  strfsize,
  type Dirent,
  type EntryFacts,
  type ListingRequest
} from '../../../src/main/engine/pipeline/autoindex-listing'
import { strcmpMatch, strnatcmp, strcasecmpMatch } from '../../../src/main/engine/match/ap-match'

/** mod_autoindex's settings from server-level lines. */
function config(lines: string): ListingRequest['config'] {
  return indexSettingsOf([{ settings: load({ 'httpd.conf': lines }).config.server }]).autoindex
}

interface FakeEntry {
  name: string
  dir?: boolean
  size?: number
  /** Minutes after 2024-03-05 14:07 UTC. */
  minute?: number
  type?: string | null
  /** The access checks refuse its subrequest. */
  refused?: boolean
}

const BASE_US = Date.UTC(2024, 2, 5, 14, 7, 0) * 1000

/** The request for the folder `/docroot/pub/` at `/pub/` holding these entries. */
function request(cfg: ListingRequest['config'], entries: FakeEntry[], args: string | null = null): ListingRequest {
  const byName = new Map(entries.map((e) => [e.name, e]))
  return {
    config: cfg,
    uri: '/pub/',
    filename: '/docroot/pub/',
    args,
    dirents: entries.map((e): Dirent => ({ name: e.name, dir: e.dir === true })),
    lookup: (d): EntryFacts | null => {
      const e = byName.get(d.name)!
      if (e.refused) return null
      return {
        filename: `/docroot/pub/${d.name}${d.dir ? '/' : ''}`,
        contentType: e.dir ? 'httpd/unix-directory' : e.type === undefined ? 'text/plain' : e.type,
        contentEncoding: null,
        size: e.size ?? 1,
        mtime: BASE_US + (e.minute ?? 0) * 60_000_000
      }
    },
    header: null,
    readme: null,
    signature: '',
    // UTC, so the test does not depend on the machine's zone.
    localTime: (us) => {
      const d = new Date(us / 1000)
      return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes()
      }
    }
  }
}

function listing(cfg: ListingRequest['config'], entries: FakeEntry[], args: string | null = null): string {
  return renderListing(request(cfg, entries, args)).body
}

const PREAMBLE =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n' +
  '<html>\n <head>\n  <title>Index of /pub</title>\n </head>\n <body>\n<h1>Index of /pub</h1>\n'

const ENTRIES: FakeEntry[] = [
  { name: 'file10.txt', minute: 3 },
  { name: 'file2.txt', minute: 1, size: 2000 },
  { name: 'File1.txt', minute: 2 },
  { name: 'café.txt'.replace('é', '\u00c3\u00a9') },
  { name: 'x:y.txt' },
  { name: 'sub', dir: true, minute: 4 },
  { name: 'k.secret', refused: true },
  { name: '.hidden', type: null }
]

describe('mod_autoindex listings', () => {
  it('without IndexOptions: a <ul> in byte order, the parent first, names escaped as ap_os_escape_path does, refused entries left out', () => {
    expect(listing(config('ServerName a\n'), ENTRIES)).toBe(
      PREAMBLE +
        '<ul><li><a href="/"> Parent Directory</a></li>\n' +
        '<li><a href=".hidden"> .hidden</a></li>\n' +
        '<li><a href="File1.txt"> File1.txt</a></li>\n' +
        '<li><a href="caf%c3%a9.txt"> caf\u00c3\u00a9.txt</a></li>\n' +
        '<li><a href="file10.txt"> file10.txt</a></li>\n' +
        '<li><a href="file2.txt"> file2.txt</a></li>\n' +
        '<li><a href="sub/"> sub/</a></li>\n' +
        '<li><a href="./x:y.txt"> x:y.txt</a></li>\n' +
        '</ul>\n</body></html>\n'
    )
  })

  const DEBIAN = `IndexOptions FancyIndexing VersionSort HTMLTable NameWidth=* DescriptionWidth=* Charset=UTF-8
AddIconByType (TXT,/icons/text.gif) text/*
AddIcon /icons/back.gif ..
AddIcon /icons/folder.gif ^^DIRECTORY^^
AddIcon /icons/blank.gif ^^BLANKICON^^
DefaultIcon /icons/unknown.gif
IndexIgnore .??* *~ *# RCS CVS *,v *,t
`
  const row = (icon: string, alt: string, href: string, name: string, when: string, size: string): string =>
    `<tr><td valign="top"><img src="/icons/${icon}" alt="[${alt}]"></td><td><a href="${href}">${name}</a></td><td align="right">${when}</td><td align="right">${size}</td><td>&nbsp;</td></tr>\n`

  it("Debian's FancyIndexing HTMLTable: icons by type and name, dates, sizes, version order, IndexIgnore", () => {
    const page = renderListing(request(config(DEBIAN), ENTRIES))
    expect(page.contentType).toBe('text/html;charset=UTF-8')
    expect(page.streamed).toBe(false)
    expect(page.body).toBe(
      PREAMBLE +
        '  <table>\n' +
        '   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>\n' +
        '   <tr><th colspan="5"><hr></th></tr>\n' +
        '<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>\n' +
        row('text.gif', 'TXT', 'File1.txt', 'File1.txt', '2024-03-05 14:09  ', '  1 ') +
        row('text.gif', 'TXT', 'caf%c3%a9.txt', 'caf\u00c3\u00a9.txt', '2024-03-05 14:07  ', '  1 ') +
        row('text.gif', 'TXT', 'file2.txt', 'file2.txt', '2024-03-05 14:08  ', '2.0K') +
        row('text.gif', 'TXT', 'file10.txt', 'file10.txt', '2024-03-05 14:10  ', '  1 ') +
        row('folder.gif', 'DIR', 'sub/', 'sub/', '2024-03-05 14:11  ', '  - ') +
        row('text.gif', 'TXT', './x:y.txt', 'x:y.txt', '2024-03-05 14:07  ', '  1 ') +
        '   <tr><th colspan="5"><hr></th></tr>\n</table>\n</body></html>\n'
    )
  })

  it('the query sorts (C=M;O=D: newest first, the parent still first) and its links carry F=, V=, P= on', () => {
    const cfg = config(DEBIAN)
    const names = (args: string): string[] =>
      [...listing(cfg, ENTRIES, args).matchAll(/<td><a href="([^"]+)">/g)].map((m) => m[1])
    expect(names('C=M;O=D')).toEqual([
      '/',
      'sub/',
      'file10.txt',
      'File1.txt',
      'file2.txt',
      './x:y.txt',
      'caf%c3%a9.txt'
    ])
    // Equal sizes: the names break the tie, in the same (descending) direction.
    expect(names('C=S;O=D')).toEqual([
      '/',
      'file2.txt',
      './x:y.txt',
      'file10.txt',
      'caf%c3%a9.txt',
      'File1.txt',
      'sub/'
    ])
    // V=0: strcmp order, where "file10" comes before "file2".
    expect(names('V=0')).toEqual(['/', 'File1.txt', 'caf%c3%a9.txt', 'file10.txt', 'file2.txt', 'sub/', './x:y.txt'])
    expect(names('P=file*')).toEqual(['/', 'file2.txt', 'file10.txt'])
    const links = listing(cfg, ENTRIES, 'P=f%2A;F=2;V=1;C=N;O=A')
    expect(links).toContain('<a href="?C=N;O=D;F=2;V=1;P=f*">Name</a>')
    expect(links).toContain('<a href="?C=S;O=A;F=2;V=1;P=f*">Size</a>')
  })

  it("without NameWidth=* (RHEL's options) a table cell is padded to 23 bytes and a longer name cut to 20 and '..>'", () => {
    const body = listing(config('IndexOptions FancyIndexing HTMLTable VersionSort\n'), [
      { name: 'this-is-a-very-long-file-name-indeed.html', type: 'text/html' },
      { name: 'a.txt' }
    ])
    expect(body).toContain('<td><a href="a.txt">a.txt</a>                  </td>')
    expect(body).toContain(
      '<td><a href="this-is-a-very-long-file-name-indeed.html">this-is-a-very-long-..&gt;</a></td>'
    )
  })

  it('FancyIndexing without HTMLTable: <pre> columns, names padded to NameWidth (23, or the longest name with *)', () => {
    const body = listing(config('IndexOptions FancyIndexing NameWidth=* SuppressDescription\n'), [
      { name: 'a.txt', size: 5000 },
      { name: 'longer-name.txt', minute: 1 }
    ])
    const pad = (text: string): string => text + ' '.repeat(23 - text.replace(/<[^>]*>/g, '').length)
    expect(body).toBe(
      PREAMBLE +
        `<pre>      ${pad('<a href="?C=N;O=D">Name</a>')} <a href="?C=M;O=A">Last modified</a>      <a href="?C=S;O=A">Size</a>  <hr>` +
        `      ${pad('<a href="/">Parent Directory</a>')} ${' '.repeat(19)}  -   \n` +
        `      ${pad('<a href="a.txt">a.txt</a>')} 2024-03-05 14:07  4.9K  \n` +
        `      ${pad('<a href="longer-name.txt">longer-name.txt</a>')} 2024-03-05 14:08    1   \n` +
        '<hr></pre>\n</body></html>\n'
    )
  })

  it('the root folder has no parent entry; a header text file goes in a <pre> instead of the <h1>', () => {
    const page = renderListing({
      ...request(config('ServerName a\n'), [{ name: 'a.txt' }]),
      uri: '/',
      filename: '/docroot/',
      header: { html: false, body: 'a <b> & c\n' },
      readme: { html: true, body: '<p>readme</p>\n' }
    })
    expect(page.body).toBe(
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n' +
        '<html>\n <head>\n  <title>Index of /</title>\n </head>\n <body>\n' +
        '<pre>\na &lt;b&gt; &amp; c\n</pre>\n' +
        '<ul><li><a href="a.txt"> a.txt</a></li>\n</ul>\n<p>readme</p>\n</body></html>\n'
    )
    // The readme went out by its own subrequest: no Content-Length for the page.
    expect(page.streamed).toBe(true)
  })
})

describe('the pieces httpd and APR build it from', () => {
  it('apr_strfsize: four characters, K/M with one decimal below 10', () => {
    expect([-1, 0, 972, 973, 2000, 10_000, 20_000, 1_500_000, 1023 * 1024].map(strfsize)).toEqual([
      '  - ',
      '  0 ',
      '972 ',
      '1.0K',
      '2.0K',
      '9.8K',
      ' 20K',
      '1.4M',
      '1.0M'
    ])
  })

  it('ap_os_escape_path: `./` before a name whose colon comes first; hex in lower case', () => {
    expect(escapePath('x:y.txt', false)).toBe('./x:y.txt')
    expect(escapePath('a/x:y', false)).toBe('a/x:y')
    expect(escapePath('q?u#e%s "t"', false)).toBe('q%3fu%23e%25s%20%22t%22')
  })

  it('apr_strnatcmp: digit runs by value, leading zeros compared from the left, bytes above 0x7f below ASCII', () => {
    expect(strnatcmp('file2', 'file10')).toBeLessThan(0)
    expect(strnatcmp('file01', 'file1')).toBeLessThan(0)
    expect(strnatcmp('a', '\u00e9')).toBeGreaterThan(0)
    expect(strnatcmp('File1', 'file1', true)).toBe(0)
  })

  it('ap_strcmp_match: * and ? only, the whole string', () => {
    expect(strcmpMatch('/srv/a.txt', '*.txt')).toBe(true)
    expect(strcmpMatch('/srv/a.txt', '*.TXT')).toBe(false)
    expect(strcasecmpMatch('TEXT/Plain', 'text/*')).toBe(true)
    expect(strcmpMatch('abc', 'a?c')).toBe(true)
    expect(strcmpMatch('abcd', 'a?c')).toBe(false)
  })
})
