/**
 * What `apache2 -t` refuses in a configuration without `<VirtualHost>`s (the main server answers
 * every request): its Header, SetEnvIf and <If> lines are compiled like a vhost's. And mod_env's
 * and mod_headers' argument rules, wherever the line stands (messages as httpd 2.4.68 prints them).
 */
import { describe, expect, it } from 'vitest'
import type { LoadedConfig } from '../../../../src/shared/config-model'
import { compileDiagnostics } from '../../../../src/main/engine/runtime/compile-check'
import { load } from './helpers'

/** What `check` says of the configuration: the loader's diagnostics, then the compile check's, as [code, line, message]. */
function checked(conf: string, more: Record<string, string> = {}): [string, number | undefined, string][] {
  const r = load({ 'httpd.conf': conf, ...more })
  const loaded = { dispatcher: { farms: [] }, apache: r.config, files: r.files } as unknown as LoadedConfig
  return [...r.sink.items, ...compileDiagnostics(loaded)]
    .filter((d) => d.severity === 'error')
    .map((d) => [d.code, d.pos?.line, d.message])
}

/** The not-emulated warnings `check` gives, as [line, message]. */
function warned(conf: string): [number | undefined, string][] {
  const r = load({ 'httpd.conf': conf })
  const loaded = { dispatcher: { farms: [] }, apache: r.config, files: r.files } as unknown as LoadedConfig
  return compileDiagnostics(loaded)
    .filter((d) => d.code === 'MODEL_NOT_EMULATED')
    .map((d) => [d.pos?.line, d.message])
}

describe('a configuration whose main server answers', () => {
  it('has its Header, SetEnvIf and <If> lines compiled', () => {
    expect(checked('Header always bogus X')).toEqual([
      [
        'HEADER_BAD_ARGS',
        1,
        "Header: first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'."
      ]
    ])
    expect(checked('SetEnvIf Request_URI "(" X=1').map(([code, line]) => [code, line])).toEqual([
      ['SETENVIF_BAD_REGEX', 1]
    ])
    expect(checked('<If "%{NOSUCH} == 1">\n  Header set X 1\n</If>').map(([, line]) => line)).toEqual([1])
  })

  it('says first the one apache2 -t stops at: files in the order they were read, then by line', () => {
    const conf = '<Location "/x">\n  Header bogus X\n</Location>\nInclude extra.conf\nHeader always bogus Z'
    const found = checked(conf, { 'extra.conf': 'Header always bogus Y' }).map(([, line]) => line)
    // httpd.conf line 2 first (what apache2 -t reports); an included file's after its includer's.
    expect(found).toEqual([2, 5, 1])
  })
})

describe('argument counts httpd refuses', () => {
  it('an empty first word counts as none', () => {
    expect(
      checked('<VirtualHost *:80>\n  SetEnv ""\n  UnsetEnv "" FOO\n</VirtualHost>').map(([, line]) => line)
    ).toEqual([2, 3])
  })

  it("mod_env's SetEnv (1-2), UnsetEnv and PassEnv (at least one)", () => {
    expect(
      checked('<VirtualHost *:80>\n  SetEnv\n  SetEnv A b c\n  UnsetEnv\n  PassEnv\n  SetEnv A b\n</VirtualHost>')
    ).toEqual([
      [
        'APACHE_BAD_ARGUMENT',
        2,
        'SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI.'
      ],
      [
        'APACHE_BAD_ARGUMENT',
        3,
        'SetEnv takes 1-2 arguments, an environment variable name and optional value to pass to CGI.'
      ],
      [
        'APACHE_BAD_ARGUMENT',
        4,
        'UnsetEnv requires at least one argument, a list of variables to remove from the CGI environment.'
      ],
      [
        'APACHE_BAD_ARGUMENT',
        5,
        'PassEnv requires at least one argument, a list of environment variables to pass to CGI.'
      ]
    ])
  })

  it('ErrorDocument: two arguments, a status httpd has a line for, an expression that parses; a full URL for 401 is ignored with a warning', () => {
    const conf = [
      'ErrorDocument 404 /a.html extra',
      'ErrorDocument 418 "teapot"',
      'ErrorDocument abc /x.html',
      'ErrorDocument 404 "x %{REQUEST_URI"',
      'ErrorDocument 500 "fine %{REQUEST_URI}"',
      'ErrorDocument 401 http://example.com/login'
    ].join('\n')
    expect(checked(conf)).toEqual([
      ['APACHE_BAD_ARGUMENT', 1, 'ErrorDocument takes two arguments, Change responses for HTTP errors'],
      ['APACHE_BAD_ARGUMENT', 2, 'Unsupported HTTP response code 418'],
      ['APACHE_BAD_ARGUMENT', 3, 'Unsupported HTTP response code abc'],
      ['APACHE_BAD_ARGUMENT', 4, expect.stringMatching(/^Cannot parse expression in ErrorDocument: /)]
    ])
    const r = load({ 'httpd.conf': conf })
    expect(r.sink.items.filter((d) => d.severity === 'warning').map((d) => [d.code, d.pos?.line, d.message])).toEqual([
      ['APACHE_IGNORED_DIRECTIVE', 6, 'cannot use a full URL in a 401 ErrorDocument directive --- ignoring!']
    ])
    expect(r.config.server.errorDocuments.map((e) => e.document)).toEqual(['"fine %{REQUEST_URI}'])
  })

  it("refuses a server-only directive inside any section, in apache2 -t's words (its command table's spelling)", () => {
    const conf = [
      '<Directory "/var/www">',
      '  DocumentRoot /var/www',
      '  LimitRequestFieldSize 100',
      '</Directory>',
      '<Location "/x">',
      '  ServerAlias x.example.com',
      '</Location>',
      '<If "true">',
      '  KeepAlive On',
      '</If>',
      '<FilesMatch "\\.txt$">',
      '  TraceEnable off',
      '</FilesMatch>',
      'TraceEnable off',
      'LimitRequestFieldSize 100'
    ].join('\n')
    expect(checked(conf)).toEqual([
      ['APACHE_MISPLACED_DIRECTIVE', 2, 'DocumentRoot not allowed in <Directory> context'],
      ['APACHE_MISPLACED_DIRECTIVE', 3, 'LimitRequestFieldsize not allowed in <Directory> context'],
      ['APACHE_MISPLACED_DIRECTIVE', 6, 'ServerAlias not allowed in <Location> context'],
      ['APACHE_MISPLACED_DIRECTIVE', 9, 'KeepAlive not allowed in <If> context'],
      ['APACHE_MISPLACED_DIRECTIVE', 12, 'TraceEnable not allowed in <FilesMatch> context']
    ])
  })

  it("RequestHeader has no 'note' action", () => {
    expect(checked('<VirtualHost *:80>\n  RequestHeader note X n\n</VirtualHost>')).toEqual([
      ['HEADER_BAD_ARGS', 2, "RequestHeader: does not support the 'note' action"]
    ])
  })
})

describe("mod_mime's and mod_filter's directives the workbench does not act on", () => {
  it('say so at their line: encodings, languages, RemoveType, DEFLATE by extension or by provider', () => {
    const conf = [
      'AddEncoding x-gzip .gz',
      'AddLanguage en .en',
      'RemoveType .foo',
      'AddOutputFilter DEFLATE .html',
      'FilterProvider gz DEFLATE "%{CONTENT_TYPE} =~ m#^text/html#"',
      'AddOutputFilterByType DEFLATE text/html',
      'SetOutputFilter DEFLATE'
    ].join('\n')
    const found = warned(conf)
    expect(found.map(([line]) => line)).toEqual([1, 2, 3, 4, 5])
    expect(found[0][1]).toBe(
      'AddEncoding is not emulated: answers go without the Content-Encoding it names for these extensions'
    )
    expect(found[3][1]).toMatch(/^AddOutputFilter DEFLATE \.html is not emulated: these answers go uncompressed/)
  })
})

describe("core's request parser and canonical name settings the workbench does not act on", () => {
  it('say so at their line; the defaults, AllowOverride None and UseCanonicalName On/Off for the server or a vhost are not mentioned', () => {
    const conf = [
      'HttpProtocolOptions Strict LenientMethods Allow0.9',
      'HttpProtocolOptions Unsafe RegisteredMethods',
      'RegisterHttpMethod FOO',
      'UseCanonicalPhysicalPort Off',
      'UseCanonicalPhysicalPort On',
      'UseCanonicalName On',
      'AllowOverride None',
      'AccessFileName .acc',
      'EnableMMAP On',
      '<VirtualHost *:80>',
      '  UseCanonicalName DNS',
      '  <Directory "/var/www">',
      '    UseCanonicalName Off',
      '    AllowOverride All',
      '    Options +Indexes +MultiViews',
      '    EnableMMAP Off',
      '  </Directory>',
      '</VirtualHost>'
    ].join('\n')
    expect(warned(conf)).toEqual([
      [
        2,
        "HttpProtocolOptions Unsafe RegisteredMethods is not emulated: requests are parsed with httpd's defaults (Strict LenientMethods Allow0.9)"
      ],
      [3, 'RegisterHttpMethod FOO is not emulated: only the methods httpd knows are known (others get 501)'],
      [5, "UseCanonicalPhysicalPort On is not emulated: self-referential URLs never use the connection's local port"],
      [11, 'UseCanonicalName DNS is not emulated: it is taken as Off (the Host header names the server)'],
      [
        13,
        "UseCanonicalName in a section is not emulated: the vhost's (or the server's) setting applies to every request"
      ],
      [14, 'AllowOverride All is not emulated: .htaccess files are never read'],
      [
        15,
        'Options +Indexes +MultiViews: MultiViews is not emulated: a URL without its extension is not negotiated to a file'
      ],
      [
        16,
        'EnableMMAP Off is not emulated: files are handed to mod_deflate whole, as with On (httpd would read them 8000 bytes at a time, so compressed answers over 8 KiB would lose their Content-Length)'
      ]
    ])
  })
})

describe('a directive continued over several lines', () => {
  it('is refused at its last physical line, as apache2 -t names it; the model keeps the first', () => {
    expect(checked('KeepAlive On\nHeader bogus \\\n  X-Foo 1').map(([, line]) => line)).toEqual([3])
    expect(checked('ServerName a \\\n  b \\\n  c')).toEqual([
      ['APACHE_BAD_ARGUMENT', 3, 'ServerName takes one argument, The hostname and port of the server']
    ])
    const r = load({ 'httpd.conf': 'Header set \\\n  X-Foo 1' })
    expect(r.config.server.headers[0].pos.line).toBe(1)
  })
})
