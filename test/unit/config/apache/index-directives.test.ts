/**
 * Options, mod_dir's and mod_autoindex's directives: what httpd 2.4.71 refuses to start with,
 * each message as `apache2 -t` prints it, and how their settings merge per directory
 * (core's Options with +/-, IndexOptions incremental or not, the icon lists inner first).
 */
import { describe, expect, it } from 'vitest'
import { load, only } from './helpers'
import {
  indexSettingsOf,
  type IndexContext,
  type IndexSettings
} from '../../../../src/main/engine/runtime/index-config'
import { IX, OPT } from '../../../../src/main/engine/config/apache/index-directives'

function errors(body: string): string[] {
  const l = load({ 'httpd.conf': `<VirtualHost *:80>\n  ServerName a\n${body}\n</VirtualHost>\n` })
  return only(l.sink.items, 'APACHE_BAD_ARGUMENT').map((d) => d.message)
}

/** The settings a request gets under the server, the vhost and each section, in that order. */
function merged(conf: string): IndexSettings {
  const l = load({ 'httpd.conf': conf })
  const vhost = l.config.virtualHosts[0]
  const contexts: IndexContext[] = [{ settings: l.config.server }]
  if (vhost) {
    contexts.push({ settings: vhost.settings })
    for (const scope of vhost.settings.scopes) contexts.push({ settings: scope.settings, scope })
  }
  return indexSettingsOf(contexts)
}

describe('the directives of a request for a folder, as apache2 -t reads them', () => {
  it('takes what httpd takes', () => {
    expect(
      errors(`  Options None +Indexes
  Options All -Indexes
  Options
  DirectoryIndex
  DirectoryIndex index.html disabled /cgi-bin/index.pl
  DirectorySlash off extra
  DirectoryCheckHandler On
  DirectoryIndexRedirect seeother
  DirectoryIndexRedirect 301x
  FallbackResource /index.php
  IndexOptions
  IndexOptions FancyIndexing +HTMLTable -IconsAreLinks NameWidth=* DescriptionWidth=40 IconWidth=abc Charset=UTF-8 Type=text/plain UseOldDateFormat
  IndexOptions FancyIndexing
  IndexOptions None
  IndexOrderDefault descending size
  IndexIgnore .??* *~
  IndexIgnoreReset on
  AddIcon (TXT,/icons/text.gif) .txt .text
  AddIconByType /icons/image2.gif image/*
  AddAlt "a file" *.bin
  AddDescription "The A" a.txt
  HeaderName HEADER.html
  ReadmeName README.html
  DefaultIcon /icons/unknown.gif
  IndexStyleSheet /s.css
  IndexHeadInsert "<meta name='x'>"`)
    ).toEqual([])
  })

  it('refuses the rest, in the words of apache2 -t', () => {
    const cases: [string, string][] = [
      ['DirectorySlash maybe', 'DirectorySlash must be On or Off'],
      ['DirectorySlash', 'DirectorySlash must be On or Off'],
      ['DirectoryCheckHandler x', 'DirectoryCheckHandler must be On or Off'],
      ['IndexIgnoreReset maybe', 'IndexIgnoreReset must be On or Off'],
      ['DirectoryIndexRedirect foo', 'DirectoryIndexRedirect ON|OFF|permanent|temp|seeother|3xx'],
      ['DirectoryIndexRedirect 200', 'DirectoryIndexRedirect only accepts values between 300 and 399'],
      ['DirectoryIndexRedirect', 'DirectoryIndexRedirect takes one argument, On, Off, or a 3xx status code.'],
      ['FallbackResource a b', 'FallbackResource takes one argument, Set a default handler'],
      ['IndexOptions Bogus', 'Invalid directory indexing option'],
      ['IndexOptions +', 'Invalid directory indexing option'],
      ['IndexOptions NameWidth=3', 'NameWidth value must be greater than 5'],
      ['IndexOptions NameWidth', "NameWidth with no value may only appear as '-NameWidth'"],
      ['IndexOptions -NameWidth=5', "Cannot combine '-' with NameWidth=n"],
      ['IndexOptions DescriptionWidth=5', 'DescriptionWidth value must be greater than 12'],
      ['IndexOptions DescriptionWidth', "DescriptionWidth with no value may only appear as '-DescriptionWidth'"],
      ['IndexOptions -IconWidth=5', "Cannot combine '-' with IconWidth=n"],
      ['IndexOptions +None', "Cannot combine '+' or '-' with 'None' keyword"],
      ['IndexOptions None FancyIndexing', "Cannot combine other IndexOptions keywords with 'None'"],
      ['IndexOptions None\n  IndexOptions FancyIndexing', "Cannot combine other IndexOptions keywords with 'None'"],
      ['IndexOrderDefault Up Name', "First keyword must be 'Ascending' or 'Descending'"],
      ['IndexOrderDefault Ascending Foo', "Second keyword must be 'Name', 'Date', 'Size', or 'Description'"],
      [
        'IndexOrderDefault Ascending',
        'IndexOrderDefault takes two arguments, {Ascending,Descending} {Name,Size,Description,Date}'
      ],
      ['AddIcon (X /i.gif .x', 'missing closing paren'],
      ['AddIcon /i.gif', 'AddIcon requires at least two arguments, an icon URL followed by one or more filenames'],
      [
        'AddIconByType x',
        'AddIconByType requires at least two arguments, an icon URL followed by one or more MIME types'
      ],
      [
        'AddAltByEncoding x',
        'AddAltByEncoding requires at least two arguments, alternate descriptive text followed by one or more content encodings'
      ],
      [
        'AddDescription "x"',
        'AddDescription requires at least two arguments, Descriptive text followed by one or more filenames'
      ],
      ['IndexIgnore', 'IndexIgnore requires at least one argument, one or more file extensions'],
      ['HeaderName a b', 'HeaderName takes one argument, a filename'],
      ['IndexStyleSheet', 'IndexStyleSheet takes one argument, URL to style sheet'],
      ['IndexHeadInsert', 'IndexHeadInsert takes one argument, String to insert in HTML HEAD section'],
      ['FancyIndexing on', 'The FancyIndexing directive is no longer supported. Use IndexOptions FancyIndexing.'],
      ['Options Bogus', 'Illegal option Bogus'],
      ['Options FollowSymLinks -Indexes', 'Either all Options must start with + or -, or no Option may.'],
      ['Options +Indexes None', 'Either all Options must start with + or -, or no Option may.'],
      ['Options Indexes None', "'Options None' must be the first Option given."],
      ['Options Indexes All', "'Options All' must be the first option given."],
      ['Options +None', "You may not use 'Options +None' or 'Options -None'."],
      ['Options -All', "You may not use 'Options +All' or 'Options -All'."]
    ]
    for (const [line, message] of cases) expect([line, errors(`  ${line}`)]).toEqual([line, [message]])
  })

  it('a refused line is not kept: the folder is served as if it were not there', () => {
    const s = merged(
      '<VirtualHost *:80>\n  ServerName a\n  Options Indexes\n  Options -Indexes Includes\n</VirtualHost>\n'
    )
    expect(s.options.opts & OPT.INDEXES).toBe(OPT.INDEXES)
  })
})

describe('per-directory merge, as httpd merges each module', () => {
  it('Options: an explicit list replaces, +/- merge with what is above (core)', () => {
    const conf = (inner: string): string =>
      `<VirtualHost *:80>\n  ServerName a\n  <Directory />\n    Options FollowSymLinks\n  </Directory>\n  <Directory /srv>\n    ${inner}\n  </Directory>\n</VirtualHost>\n`
    expect(merged(conf('Options +Indexes')).options.opts & (OPT.INDEXES | OPT.SYM_LINKS)).toBe(
      OPT.INDEXES | OPT.SYM_LINKS
    )
    expect(merged(conf('Options Indexes')).options.opts & (OPT.INDEXES | OPT.SYM_LINKS)).toBe(OPT.INDEXES)
    expect(merged(conf('Options -FollowSymLinks')).options.opts & (OPT.INDEXES | OPT.SYM_LINKS)).toBe(0)
    // The server's default is FollowSymLinks, without Indexes.
    expect(merged('ServerName a\n').options.opts & (OPT.INDEXES | OPT.SYM_LINKS)).toBe(OPT.SYM_LINKS)
  })

  it('DirectoryIndex: the innermost list wins, `disabled` alone empties it; DirectorySlash: the innermost says', () => {
    const s = merged(
      '<VirtualHost *:80>\n  ServerName a\n  DirectoryIndex a.html\n  DirectoryIndex b.html\n  DirectorySlash Off\n  <Directory /srv>\n    DirectorySlash On\n  </Directory>\n</VirtualHost>\n'
    )
    expect(s.dir.indexNames).toEqual(['a.html', 'b.html'])
    expect(s.dir.slash).toBe('on')
    expect(merged('DirectoryIndex a.html\nDirectoryIndex disabled\n').dir.indexNames).toEqual([])
    expect(merged('DirectoryIndex disabled a.html\n').dir.indexNames).toEqual(['disabled', 'a.html'])
    expect(merged('ServerName a\n').dir).toMatchObject({ indexNames: null, slash: 'unset' })
  })

  it('IndexOptions: incremental ones add to what is above, a plain list replaces it, None resets', () => {
    const conf = (inner: string): string =>
      `IndexOptions FancyIndexing VersionSort\n<VirtualHost *:80>\n  ServerName a\n  <Directory /srv>\n    IndexOptions ${inner}\n  </Directory>\n</VirtualHost>\n`
    const opts = (inner: string): number =>
      merged(conf(inner)).autoindex.opts & (IX.FANCY_INDEXING | IX.VERSION_SORT | IX.TABLE_INDEXING | IX.NO_OPTIONS)
    expect(opts('+HTMLTable -VersionSort')).toBe(IX.FANCY_INDEXING | IX.TABLE_INDEXING)
    expect(opts('HTMLTable')).toBe(IX.TABLE_INDEXING)
    expect(opts('None')).toBe(IX.NO_OPTIONS)
  })

  it("the icon lists: the inner context's entries first, each as AddIcon made it (a suffix unless it has wildcards)", () => {
    const s = merged(
      'AddIcon /o.gif .txt\n<VirtualHost *:80>\n  ServerName a\n  <Directory /srv>\n    AddIcon (TXT,/t.gif) .txt *.x\n    AddIconByEncoding /z.gif X-GZIP\n  </Directory>\n</VirtualHost>\n'
    )
    expect(s.autoindex.icons.map((i) => [i.type, i.applyPath, i.applyTo, i.data])).toEqual([
      ['path', '/srv/*', '*.txt', '/t.gif'],
      ['path', '/srv/*', '*.x', '/t.gif'],
      ['encoding', '/srv/*', 'x-gzip', '/z.gif'],
      ['path', '*', '*.txt', '/o.gif']
    ])
    expect(s.autoindex.alts.map((i) => [i.applyTo, i.data])).toEqual([
      ['*.txt', 'TXT'],
      ['*.x', 'TXT']
    ])
  })
})
