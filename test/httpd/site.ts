/**
 * The site both servers run in the httpd differential test: files in a docroot and one vhost
 * written once, loaded by Debian's apache2 and by the workbench (classic layout, no Dispatcher
 * handler, so Apache's own modules answer in both). Each part exercises behaviour the workbench
 * once got wrong against httpd 2.4.71.
 */
import fs from 'node:fs'
import path from 'node:path'
import { loadModules, type HttpdRequest } from './harness'

/** Server-wide lines both configurations start with: the modules, the types, and the AEMaaCS baseline's `ServerTokens Prod`. */
export function serverLines(): string[] {
  return [...loadModules(), 'TypesConfig /etc/mime.types', 'ServerTokens Prod']
}

/** Files of the docroot (relative path → content). */
const FILES: Record<string, string> = {
  'content/site/page.html': `<html><body>${'x'.repeat(3000)}</body></html>\n`,
  'content/site/tiny.txt': 'tiny\n',
  'content/site/café.html': 'café\n',
  'vary/x.html': '<html>vary</html>\n',
  'content/site/data.json': '{"a":1}\n',
  'content/index.html': 'index\n',
  'errors/404.html': 'custom 404\n',
  'rb/target.html': 'T\n',
  'base/target.html': 'B\n',
  'loc/b.html': 'L\n',
  'a/b/c.html': 'ab\n',
  'a/file.name.txt': 'dots\n',
  'a/b/x.custom': 'custom\n',
  'a/b/plain.txt': 'plain\n',
  'acc/page.html': 'acc\n',
  'acc/key.secret': 'secret\n',
  'idx/index.html': 'idx\n',
  'edr/other.txt': 'other\n'
}

/** Users of the Basic authentication sections, in the formats `htpasswd` writes (-m, -s, -B). */
const HTPASSWD =
  'alice:$apr1$AmFdfMuC$AnFX/c2CO1bji2UXYaZ8j/\n' +
  'bob:{SHA}SAv9mAXCuLCIWvLrguJf85sCv4E=\n' +
  'carol:$2y$05$xeAN.v4TJm14yv1v9hEIfOU7ISmlCGY93ORXGE1LDq2KFoEEB611u\n'

export function writeDocroot(docroot: string): void {
  fs.writeFileSync(path.join(docroot, '..', 'htpasswd'), HTPASSWD)
  for (const [rel, text] of Object.entries(FILES)) {
    const file = path.join(docroot, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
    // A minute old: httpd's ETag is weak while a file is under a second old, and whether a
    // request still falls in that second would depend on which server answers first.
    const aMinuteAgo = new Date(Date.now() - 60_000)
    fs.utimesSync(file, aMinuteAgo, aMinuteAgo)
  }
  writeListingFolders(docroot)
  // apache2 started as root serves as www-data: every folder must be traversable.
  const open = (dir: string): void => {
    fs.chmodSync(dir, 0o755)
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) open(path.join(dir, e.name))
  }
  open(docroot)
}

/** Modification times of the listed files: fixed (a listing shows them), one minute apart from this moment on. */
const LISTING_TIME = Date.UTC(2024, 2, 5, 14, 7, 9)

/**
 * The folders mod_dir and mod_autoindex answer for (`ix/…`): names that escape, sort and
 * truncate in every way a listing can, sizes in bytes, K and M, sub-folders with and without an
 * index, a file the access checks refuse (`*.secret`), header and readme files. Every file and
 * folder gets a fixed modification time, the folders last (adding a file changes its folder's).
 */
function writeListingFolders(docroot: string): void {
  const ix = path.join(docroot, 'ix')
  const files: Record<string, string | number> = {
    'a.txt': 'hello\n',
    'b.html': '<html><head><TITLE>\n The B\r\npage</title></head></html>\n',
    'c.bin': 2000,
    'big.tar.gz': 1_500_000,
    'café.txt': 'x',
    'a&b<c>.txt': 'x',
    'file2.txt': 'x',
    'file10.txt': 'x',
    'File1.txt': 'x',
    'file01.txt': 'x',
    'this-is-a-very-long-file-name-indeed.html': '<title>Long</title>',
    '.hidden': 'x',
    'backup~': 'x',
    'x:y.txt': 'x',
    'sp ace.txt': 'x',
    'q?u#e%s.txt': 'x',
    core: 'x',
    'core.dump': 'x',
    'notes.odt': 'x',
    noext: 'x',
    'p.ogg': 'x',
    'i.png': 'x',
    'k.secret': 'x',
    'report.pdf': 5000,
    'sub/index.html': 'sub index\n',
    'dir two/x.txt': 'x',
    'README/x.txt': 'x'
  }
  const folders: Record<string, Record<string, string | number>> = {
    plain: files,
    // One name per line of a big table: the page is over 8000 bytes.
    many: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`entry-${String(i).padStart(3, '0')}.txt`, i * 37])),
    hdr: { 'HEADER.html': '<p>Header &amp; <b>html</b></p>\n', 'README.html': '<p>readme</p>\n', 'a.txt': 'a' },
    hdr2: { 'HEADER.txt': 'plain <header> & text\n', 'README.txt': 'plain readme\n', 'a.txt': 'a' },
    off: { 'a.txt': 'a' },
    none: { 'a.txt': 'a' },
    multi: { 'second.html': 'second\n', 'index.html': 'not the index here\n' },
    disabled: { 'index.html': 'never served\n' },
    abs: { 'a.txt': 'a' },
    redir: { 'index.html': 'redir index\n' },
    noslash: { 'a.txt': 'a' },
    café: { 'a.txt': 'a' },
    'dir two': { 'index.html': 'spaced\n' },
    authidx: { 'index.html': 'secret index\n' },
    authidx2: { 'index.html': 'secret index\n' },
    empty: {}
  }
  fs.mkdirSync(ix, { recursive: true })
  fs.writeFileSync(path.join(ix, 'shared.html'), 'shared index\n')
  for (const [folder, content] of Object.entries(folders)) {
    const dir = path.join(ix, folder)
    fs.mkdirSync(dir, { recursive: true })
    for (const [rel, body] of Object.entries(content)) {
      const file = path.join(dir, rel)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, typeof body === 'number' ? Buffer.alloc(body, 0x61) : body)
    }
  }
  fs.symlinkSync('a.txt', path.join(ix, 'plain', 'link-to-a.txt'))
  // Files first, in name order, a minute apart; then every folder, deepest first.
  const all: string[] = []
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      all.push(p)
    }
  }
  walk(ix)
  all.push(ix)
  all.forEach((p, i) => {
    const t = new Date(LISTING_TIME + i * 61_000)
    fs.lutimesSync(p, t, t)
  })
}

/** Debian's /etc/apache2/mods-available/autoindex.conf (apache2 2.4.71): its directives, all of them. */
const DEBIAN_AUTOINDEX = `IndexOptions FancyIndexing VersionSort HTMLTable NameWidth=* DescriptionWidth=* Charset=UTF-8
  AddIconByEncoding (CMP,/icons/compressed.gif) x-compress x-gzip x-bzip2
  AddIconByType (TXT,/icons/text.gif) text/*
  AddIconByType (IMG,/icons/image2.gif) image/*
  AddIconByType (SND,/icons/sound2.gif) audio/*
  AddIconByType (VID,/icons/movie.gif) video/*
  AddIcon /icons/binary.gif .bin .exe
  AddIcon /icons/binhex.gif .hqx
  AddIcon /icons/tar.gif .tar
  AddIcon /icons/world2.gif .wrl .wrl.gz .vrml .vrm .iv
  AddIcon /icons/compressed.gif .Z .z .tgz .gz .zip
  AddIcon /icons/a.gif .ps .ai .eps
  AddIcon /icons/layout.gif .html .shtml .htm .pdf
  AddIcon /icons/text.gif .txt
  AddIcon /icons/c.gif .c
  AddIcon /icons/p.gif .pl .py
  AddIcon /icons/f.gif .for
  AddIcon /icons/dvi.gif .dvi
  AddIcon /icons/uuencoded.gif .uu
  AddIcon /icons/script.gif .conf .sh .shar .csh .ksh .tcl
  AddIcon /icons/tex.gif .tex
  AddIcon /icons/bomb.gif /core
  AddIcon (SND,/icons/sound2.gif) .ogg
  AddIcon (VID,/icons/movie.gif) .ogm
  AddIcon /icons/back.gif ..
  AddIcon /icons/hand.right.gif README
  AddIcon /icons/folder.gif ^^DIRECTORY^^
  AddIcon /icons/blank.gif ^^BLANKICON^^
  AddIcon /icons/odf6odt-20x22.png .odt
  AddIcon /icons/odf6ods-20x22.png .ods
  AddIcon /icons/odf6odp-20x22.png .odp
  AddIcon /icons/odf6odg-20x22.png .odg
  AddIcon /icons/odf6odc-20x22.png .odc
  AddIcon /icons/odf6odf-20x22.png .odf
  AddIcon /icons/odf6odb-20x22.png .odb
  AddIcon /icons/odf6odi-20x22.png .odi
  AddIcon /icons/odf6odm-20x22.png .odm
  AddIcon /icons/odf6ott-20x22.png .ott
  AddIcon /icons/odf6ots-20x22.png .ots
  AddIcon /icons/odf6otp-20x22.png .otp
  AddIcon /icons/odf6otg-20x22.png .otg
  AddIcon /icons/odf6otc-20x22.png .otc
  AddIcon /icons/odf6otf-20x22.png .otf
  AddIcon /icons/odf6oti-20x22.png .oti
  AddIcon /icons/odf6oth-20x22.png .oth
  DefaultIcon /icons/unknown.gif
  ReadmeName README.html
  HeaderName HEADER.html
  IndexIgnore .??* *~ *# RCS CVS *,v *,t`

/**
 * The AMS (RHEL httpd) conf.d/autoindex.conf of the corpus (adobe__aem-project-archetype,
 * dispatcher.ams): its directives but the `/icons/` Alias and its `<Directory>`, which serve the
 * icons, not the listing.
 */
const RHEL_AUTOINDEX = `IndexOptions FancyIndexing HTMLTable VersionSort
  AddIconByEncoding (CMP,/icons/compressed.gif) x-compress x-gzip
  AddIconByType (TXT,/icons/text.gif) text/*
  AddIconByType (IMG,/icons/image2.gif) image/*
  AddIconByType (SND,/icons/sound2.gif) audio/*
  AddIconByType (VID,/icons/movie.gif) video/*
  AddIcon /icons/binary.gif .bin .exe
  AddIcon /icons/binhex.gif .hqx
  AddIcon /icons/tar.gif .tar
  AddIcon /icons/world2.gif .wrl .wrl.gz .vrml .vrm .iv
  AddIcon /icons/compressed.gif .Z .z .tgz .gz .zip
  AddIcon /icons/a.gif .ps .ai .eps
  AddIcon /icons/layout.gif .html .shtml .htm .pdf
  AddIcon /icons/text.gif .txt
  AddIcon /icons/c.gif .c
  AddIcon /icons/p.gif .pl .py
  AddIcon /icons/f.gif .for
  AddIcon /icons/dvi.gif .dvi
  AddIcon /icons/uuencoded.gif .uu
  AddIcon /icons/script.gif .conf .sh .shar .csh .ksh .tcl
  AddIcon /icons/tex.gif .tex
  AddIcon /icons/bomb.gif /core
  AddIcon /icons/bomb.gif */core.*
  AddIcon /icons/back.gif ..
  AddIcon /icons/hand.right.gif README
  AddIcon /icons/folder.gif ^^DIRECTORY^^
  AddIcon /icons/blank.gif ^^BLANKICON^^
  DefaultIcon /icons/unknown.gif
  ReadmeName README.html
  HeaderName HEADER.html
  IndexIgnore .??* *~ *# HEADER* README* RCS CVS *,v *,t`

/** Virtual hosts that list folders the ways IndexOptions can (same docroot; by Host). */
function listingVhosts(docroot: string): string {
  const open = `  DocumentRoot "${docroot}"
  <Directory />
    Options Indexes FollowSymLinks
    Require all granted
  </Directory>
  <Directory "${docroot}">
    SetOutputFilter DEFLATE
  </Directory>
  <Files "*.secret">
    Require all denied
  </Files>`
  return `<VirtualHost *:*>
  ServerName ix-deb
${open}
  ${DEBIAN_AUTOINDEX}
  <Directory "${docroot}/ix/hdr2">
    HeaderName HEADER.txt
    ReadmeName README.txt
  </Directory>
  <Directory "${docroot}/ix/many">
    IndexOptions -HTMLTable
  </Directory>
  <Directory "${docroot}/ix/plain/dir two">
    DirectoryIndex x.txt
    <Files "x.txt">
      Require all denied
    </Files>
  </Directory>
</VirtualHost>
<VirtualHost *:*>
  ServerName ix-rhel
${open}
  ${RHEL_AUTOINDEX}
  <Directory "${docroot}/ix/hdr2">
    IndexOptions +SuppressRules +SuppressIcon +SuppressSize +SuppressDescription +IconsAreLinks
  </Directory>
</VirtualHost>
<VirtualHost *:*>
  ServerName ix-pre
${open}
  IndexOptions FancyIndexing FoldersFirst IconsAreLinks ScanHTMLTitles IgnoreCase IconHeight IconWidth=16 ShowForbidden
  IndexOrderDefault Descending Date
  AddIcon (TXT,/i/t.gif) .txt
  AddAlt "Folder" ^^DIRECTORY^^
  AddAltByType "Some text" text/plain
  AddDescription "The <b>first</b> &amp; only A file, described at length" a.txt
  AddDescription "Sub folder" sub
  AddDescription "Any text" *.txt
  DefaultIcon /i/unknown.gif
  ServerSignature On
  <Directory "${docroot}/ix/plain/sub">
    IndexOptions +SuppressSize -FoldersFirst
  </Directory>
  <Directory "${docroot}/ix/hdr">
    HeaderName HEADER.html
    ReadmeName README.html
    IndexOptions +SuppressHTMLPreamble
  </Directory>
  <Directory "${docroot}/ix/many">
    IndexOptions +SuppressRules +SuppressIcon +SuppressLastModified +SuppressColumnSorting +VersionSort
  </Directory>
</VirtualHost>
<VirtualHost *:*>
  ServerName ix-more
${open}
  IndexOptions FancyIndexing HTMLTable XHTML AddAltClass SuppressDescription IgnoreClient TrackModified Type=text/xhtml Charset=
  IndexOptions NameWidth=12 UseOldDateFormat
  IndexStyleSheet "/s.css"
  IndexHeadInsert "<meta name='x' content='y'>"
  AddIcon /i/t.gif .txt
  IndexIgnore *.bin
  <Directory "${docroot}/ix/plain">
    IndexIgnoreReset On
    IndexIgnore *.txt
    IndexOptions None
  </Directory>
  ServerSignature EMail
  ServerAdmin webmaster@example.com
</VirtualHost>
<VirtualHost *:*>
  ServerName ix-noslash
  DocumentRoot "${docroot}"
  <Directory />
    DirectorySlash Off
    Options FollowSymLinks
    Require all granted
  </Directory>
  <Directory "${docroot}/ix/plain">
    Options +Indexes
  </Directory>
</VirtualHost>
`
}

/**
 * `backend`: the port of the backend mod_proxy forwards to (backend.ts); `dead`: a port nothing
 * listens on.
 */
export function vhost(docroot: string, backend: number, dead: number): string {
  const b = `http://127.0.0.1:${backend}`
  return `<VirtualHost *:*>
  ServerName localhost
  DocumentRoot "${docroot}"
  <Directory />
    AllowOverride None
    Options FollowSymLinks
    Require all granted
  </Directory>
  <Directory "${docroot}">
    SetOutputFilter DEFLATE
    SetEnvIfNoCase Request_URI \\.(?:gif|jpe?g|png)$ no-gzip dont-vary
  </Directory>
  ErrorDocument 404 /errors/404.html
  ErrorDocument 403 "Custom forbidden text"
  ExpiresActive On
  ExpiresByType text/css "access plus 1 hour"
  ExpiresDefault A60
  Header always set X-Always "yes"
  Header set X-Onsuccess "yes"
  Header merge Cache-Control "no-transform"
  Header edit Last-Modified "GMT$" "UTC"
  <LocationMatch "^/content/.*\\.html$">
    Header set Cache-Control "max-age=300"
  </LocationMatch>
  <FilesMatch "\\.json$">
    Header set X-Json "1"
  </FilesMatch>
  <FilesMatch "\\.txt$">
    ForceType text/markdown
  </FilesMatch>
  <If "%{HTTP:X-Test} == 'on'">
    Header set X-If "matched"
  </If>
  RequestHeader append X-Seen "1"
  Header echo ^X-Seen$
  SetEnvIf User-Agent "curl" IS_CURL=1
  SetEnvIfNoCase Referer "example\\.com" FROM_EX
  Header always set X-Curl "yes" env=IS_CURL
  Header always set X-Ex "%{FROM_EX}e"
  Header always append X-Multi "one"
  Header always append X-Multi "two"
  Header always setifempty X-Empty "filled"
  Header add X-Added "a"
  Header add X-Added "b"
  Header unset ETag "expr=%{REQUEST_URI} =~ m#^/a/#"
  Header set X-Type "html" "expr=%{CONTENT_TYPE} =~ /html/"
  ErrorDocument 410 http://example.com/gone
  <Files "c.html">
    Header set X-C "1"
  </Files>
  <If "%{REQUEST_URI} =~ m#^/a/b/#">
    Header set X-Branch "if"
  </If>
  <ElseIf "%{QUERY_STRING} == 'else'">
    Header set X-Branch "elseif"
  </ElseIf>
  <Else>
    Header set X-Branch "else"
  </Else>
  Header edit* X-Added "a" "A"
  Header always note X-Always X-Note-Seen
  Header always set X-Note "%{X-Note-Seen}e"
  SetEnv E1 envval
  SetEnv E2 "two words"
  # Set before mod_env's fixup: SetEnv adds its value after it, and a lookup finds the first.
  SetEnvIf Request_URI "tiny" E2=from-setenvif
  SetEnv GONE x
  UnsetEnv GONE
  PassEnv DW_TEST_VAR
  <Location /content/site/>
    SetEnv E1 inner
  </Location>
  Header always set X-Mod-Env "%{E1}e|%{E2}e|%{GONE}e|%{DW_TEST_VAR}e"
  <If "%{REQUEST_URI} =~ m#^/content/site/été#">
    Header always set X-Ete "1"
  </If>
  Header always set X-Esc "expr=%{escape:é}"
  Header always set X-Script "%{SCRIPT_URL}e %{SCRIPT_URI}e"
  Header always set X-Last-Modified "expr=%{LAST_MODIFIED}"
  Header always set X-Req-File "1" "expr=%{REQUEST_FILENAME} =~ m#/content/site/tiny\\.txt$#"
  # r->status as mod_headers sees it: 200 for a range the byte-range filter cuts later.
  Header always set X-Status "expr=%{REQUEST_STATUS}"
  SetEnvIf Request_Method "^POST$" IS_POST
  SetEnvIf Request_URI "%20" RAW_SPACE=1
  Header always set X-Raw-Space "%{RAW_SPACE}e"
  <Location /content/>
    SetEnvIf Request_URI " " DECODED_SPACE=1
  </Location>
  Header always set X-Decoded-Space "%{DECODED_SPACE}e"
  Header always set X-Post "1" env=IS_POST
  ExpiresByType application/json "modification plus 1 day"
  AddType text/x-custom .custom
  AddDefaultCharset utf-8
  RewriteEngine On
  RewriteCond %{DOCUMENT_ROOT}/a/b/%{REQUEST_FILENAME} -f
  RewriteRule ^/never-file$ /x [R=302,L]
  RewriteCond %{REQUEST_URI} ^/exists/(.*)$
  RewriteCond %{DOCUMENT_ROOT}/a/b/%1 -f
  RewriteRule ^/exists/(.*)$ /a/b/$1 [PT]
  RewriteRule ^/n/(.*)-(.*)$ /n/$1/$2 [N]
  RewriteRule ^/n/(.*)$ /a/b/c.html?n=$1 [R=302,L]
  RewriteMap lc int:tolower
  ProxyPass /px/ ${b}/
  ProxyPassReverse /px/ ${b}/
  ProxyPassReverseCookiePath /x /public
  ProxyPass /pxnc/ ${b}/nc/ nocanon
  ProxyPass /pxdead/ http://127.0.0.1:${dead}/
  <Location /pxl/>
    ProxyPass ${b}/loc/
  </Location>
  <LocationMatch "^/pxm/(.*)$">
    ProxyPassMatch ${b}/m/$1
    ProxyPassReverse ${b}/m/
  </LocationMatch>
  RewriteRule ^/rwp/(.*)$ ${b}/rw/$1 [P]
  ProxyVia On
  RewriteRule ^/s2/(\\S+)\\.html$ /content/site/tiny.txt?u=$1 [R=302,L]
  RewriteCond %{REQUEST_URI} \\s
  RewriteRule ^/s3/ /content/site/tiny.txt?space [R=302,L]
  RewriteRule ^/qs/a$ /qs/b?x=1
  RewriteCond %{QUERY_STRING} ^x=1$
  RewriteRule ^/qs/b$ /content/site/tiny.txt?seen=%{QUERY_STRING} [R=302,L]
  RewriteRule ^/qs/c$ /qs/d [QSD]
  RewriteRule ^/qs/d$ /content/site/tiny.txt?after=%{QUERY_STRING} [R=302,L]
  RewriteCond %{ENV:DW_TEST_VAR} ^yes$
  RewriteRule ^/envtest$ /content/site/tiny.txt [R=302,L]
  Header always set X-Redirect-Status "%{REDIRECT_STATUS}e"
  <Location /errdef/>
    ErrorDocument 403 default
    Require all denied
  </Location>
  <Location /vary/>
    Header always append Vary Origin
    Header always merge Vary origin
    Header append Vary "X-A, x-a"
  </Location>
  <If "env('DW_TEST_VAR') == 'yes'">
    Header set X-Env-If "1"
  </If>
  <Location /pxph/>
    ProxyPass ${b}/ph/
    ProxyPreserveHost On
    ProxyAddHeaders Off
  </Location>
  <Location /pxeo/>
    ProxyPass ${b}/status/
    ProxyErrorOverride On
  </Location>
  <Location /pxeo5/>
    ProxyPass ${b}/status/
    ProxyErrorOverride On 500
  </Location>
  ProxyPass ~ "^/pxt/(.*)$" "${b}/t/$1"
  <LocationMatch "^/pxlmp/">
    ProxyPass ${b}/lmp/
  </LocationMatch>
  <Location "/pxw*">
    ProxyPass ${b}/w/
  </Location>
  ProxyPass /pxnp/ ${b}/
  SetEnvIf Request_URI "^/pxnp/" no-proxy
  RewriteRule ^/lower/(.*)$ /\${lc:$1} [R=302,L]
  RewriteRule ^/qsd$ /a/b/c.html [QSD,R=302,L]
  RewriteRule ^/b/(.*)$ /a/b/c.html?v=$1 [B,R=302,L]
  RewriteRule ^/status/(\\d+)$ - [R=$1,L]
  RewriteRule ^/co$ /a/b/c.html [CO=k:v:.example.com:60:/:secure:httponly,PT]
  RewriteRule ^/env$ /a/b/c.html [E=FOO:bar,PT]
  Header set X-Foo "%{FOO}e" env=FOO
  RewriteRule ^/ptq/(.*)$ /px/echo?from=$1 [PT]
  RewriteRule ^/qh/(.*)$ /content/site/$1?x=1 [PT]
  <If "%{QUERY_STRING} == 'x=1'">
    Header set X-QArgs "yes"
  </If>
  RewriteRule ^/docroot/(.*)$ %{DOCUMENT_ROOT}/content/site/$1 [L]
  RewriteRule ^/hostcase$ /content/site/tiny.txt?h=%{HTTP_HOST}&s=%{SERVER_NAME} [R=302,L]
  RewriteRule ^/skip$ - [S=1]
  RewriteRule ^/skip$ /x [R=302,L]
  RewriteRule ^/skip$ /a/b/c.html [PT]
  RewriteRule ^/old$ /content/site/page.html [R=301,L]
  RewriteRule ^/gone$ - [G]
  RewriteRule ^/forbid$ - [F]
  RewriteRule ^/edloop/ - [F]
  RewriteRule ^/edm/ - [F]
  RewriteRule ^/sig(mail)?/500$ - [R=500,L]
  RewriteRule ^/sig/412$ - [R=412,L]
  RewriteRule ^/sig(mail)?/r$ /a/b/c.html [R=302,L]
  RewriteRule ^/pt$ /content/site/page.html [PT]
  RewriteRule ^/qsa$ /content/site/data.json?added=1 [QSA,PT]
  RewriteRule ^/type$ /a/b/c.html [T=application/json,PT]
  RewriteRule ^/ptq/(.*)$ /a/b/c.html?v=$1 [PT]
  RewriteRule ^/ne/(.*)$ /a/b/c.html?v=$1 [NE,R=302,L]
  RewriteRule ^/enc/(.*)$ /a/b/c.html?v=$1 [R=302,L]
  RewriteCond %{QUERY_STRING} ^redir=(.*)$
  RewriteRule ^/q$ /content/%1? [R=302,L]
  <Directory "${docroot}/rb">
    RewriteBase /base/
    RewriteRule ^rb\\.html$ target.html [R]
    RewriteRule ^int\\.html$ target.html [L]
  </Directory>
  <Location "/errs">
    ErrorDocument 404 /errors/missing-page.html
  </Location>
  <Location "/errs2">
    ErrorDocument 404 "<b>bold</b>"
  </Location>
  <Directory "${docroot}/loc">
    RewriteRule ^a\\.html$ b.html [L]
    RewriteRule ^loop/(.*)$ loop/x$1 [L]
  </Directory>
  <Location /loc/q>
    RewriteRule "(.*)/q/x\\.html$" /loc/b.html [R=302,L]
  </Location>
  SetEnvIf X-Acc "^yes$" ACC_OK
  <Directory "${docroot}/acc">
    <Limit OPTIONS>
      Order deny,allow
      Deny from all
    </Limit>
  </Directory>
  <Files "*.secret">
    Require all denied
  </Files>
  <Location "/deny">
    Require all denied
  </Location>
  <Location "/acc/any">
    Order deny,allow
    Deny from all
    Satisfy any
  </Location>
  <Location "/acc/anyreq">
    Order deny,allow
    Deny from all
    Require all denied
    Satisfy any
  </Location>
  <Location "/acc/anyall">
    Order deny,allow
    Deny from all
    Require all granted
    Satisfy all
  </Location>
  <Location "/acc/allowfrom">
    Order allow,deny
    Allow from 127.0.0.1
  </Location>
  <Location "/acc/allownone">
    Order allow,deny
  </Location>
  <Location "/acc/mutual">
    Order mutual-failure
    Allow from all
    Deny from 127.0.0
  </Location>
  <Location "/acc/hostallow">
    Order deny,allow
    Deny from all
    Allow from localhost env=ACC_OK
  </Location>
  <Location "/acc/ip">
    Require ip 10.0.0.0/8 192.168
  </Location>
  <Location "/acc/local">
    Require local
  </Location>
  <Location "/acc/host">
    Require host localhost
  </Location>
  <Location "/acc/otherhost">
    Require host example.com
  </Location>
  <Location "/acc/notip">
    <RequireAll>
      Require all granted
      Require not ip 127.0.0.1
    </RequireAll>
  </Location>
  <Location "/acc/none">
    <RequireAll>
      Require all granted
      <RequireNone>
        Require env ACC_OK
      </RequireNone>
    </RequireAll>
  </Location>
  <Location "/acc/method">
    Require method GET
  </Location>
  <Location "/acc/env">
    Require env ACC_OK
  </Location>
  <Location "/acc/expr">
    Require expr "%{HTTP:X-Acc} == 'yes'"
  </Location>
  <Location "/acc/limitexcept">
    <LimitExcept GET>
      Require all denied
    </LimitExcept>
  </Location>
  <Location "/acc/limithead">
    <Limit HEAD>
      Require all denied
    </Limit>
  </Location>
  <Location "/acc/m">
    Require ip 10.0.0.0/8
  </Location>
  <Location "/acc/m/or">
    AuthMerging Or
    Require all granted
  </Location>
  <Location "/acc/m/and">
    AuthMerging And
    Require all granted
  </Location>
  <Location "/acc/m/off">
    AuthMerging Off
  </Location>
  <Location "/acc/m/plain">
    Require all granted
  </Location>
  <Location "/acc/pt">
    Require all denied
  </Location>
  RewriteRule ^/to-acc-pt$ /acc/pt/x.html [PT]
  RewriteRule ^/acc/redirect$ /acc/page.html [R=302,L]
  RewriteRule ^/to-red$ /red/old [PT]
  RewriteRule ^/red/nopt$ /red/old
  Redirect /red/old /red/new
  Redirect permanent /red/perm http://example.com/perm
  Redirect 303 /red/see /red/target
  Redirect gone /red/gone
  Redirect 410 /red/gone2
  RedirectMatch ^/redm/(.*)\\.htm$ /redm/$1.html
  RedirectMatch 301 "^/redm2/(.*)$" "http://example.com:80/x/$1?from=redm2"
  RedirectMatch ^/redm3/(.*)$ relative/$1
  RedirectPermanent /red/p2 /red/p2new
  RedirectTemp /red/t2 http://example.com/t2
  <Location "/red/loc">
    Redirect "/red/loc-target"
  </Location>
  <Location "/red/locperm">
    Redirect permanent "http://example.com%{REQUEST_URI}"
  </Location>
  <Location "/red/locgone">
    Redirect gone
  </Location>
  <Location "/red/inner">
    Redirect /red/inner/a /red/inner-a
  </Location>
  <Location "/red/status404">
    Redirect 404 /red/foo
  </Location>
  <Location "/red/s503">
    Redirect 503
  </Location>
  Redirect /red/enc http://example.com/e
  <Location "/acc/vary">
    Require expr "%{HTTP:X-Acc} == 'yes' || %{HTTP:X-Other} == 'z'"
  </Location>
  <Location "/limred">
    <Limit POST>
      Redirect /limred/a.html http://example.com/limited
    </Limit>
  </Location>
  <Location "/nest">
    <Limit GET POST>
      <Limit GET>
        Require all denied
      </Limit>
    </Limit>
  </Location>
  <Location "/se">
    SetEnvIf Request_URI "a" OKV=1
    Require env OKV
  </Location>
  <Directory "${docroot}/idx">
    <Files "index.html">
      Require all denied
    </Files>
  </Directory>
  <Location "/ed1">
    ErrorDocument 404 /red/old
  </Location>
  <Location "/ed2">
    ErrorDocument 404 /old
  </Location>
  <Location "/ed3">
    ErrorDocument 403 /errors/missing.html
    Require all denied
  </Location>
  <Location "/ed4">
    ErrorDocument 404 /deny/x.html
  </Location>
  <Location "/ed5">
    ErrorDocument 404 /forbid
  </Location>
  <Location "/ed6">
    ErrorDocument 404 /gone
  </Location>
  <Location "/ed7">
    ErrorDocument 404 /status/500
  </Location>
  <Location "/ed8">
    ErrorDocument 404 /status/404
  </Location>
  <Location "/edloop">
    ErrorDocument 403 /edloop/again
  </Location>
  <Location "/ed9">
    ErrorDocument 404 /edr/page
  </Location>
  <Directory "${docroot}/edr">
    RewriteEngine On
    RewriteRule ^page$ /forbid
  </Directory>
  <Location "/ed10">
    ErrorDocument 404 /edm/x
  </Location>
  <Location "/edm">
    ErrorDocument 403 /errors/missing-403.html
  </Location>
  <Location "/lim">
    LimitRequestBody 5
  </Location>
  <Location "/sig">
    ServerSignature On
  </Location>
  <Location "/sigmail">
    ServerSignature EMail
  </Location>
  <Location "/lim/free">
    LimitRequestBody 0
  </Location>
  <Location "/px/lim">
    LimitRequestBody 3
  </Location>
  <Location "/basic">
    AuthType Basic
    AuthName "Workbench test"
    AuthUserFile "${docroot}/../htpasswd"
    Require valid-user
  </Location>
  <Location "/basic/bob">
    Require user bob
  </Location>
  <Location "/basic/any">
    Order deny,allow
    Deny from all
    Allow from 127.0.0.1
    Satisfy any
  </Location>
  <Location "/noauthtype">
    Require valid-user
  </Location>
  <Location "/acc/user">
    Require expr "%{REMOTE_USER} == 'bob'"
  </Location>
  <Directory "${docroot}/ix">
    Options +Indexes
  </Directory>
  <Directory "${docroot}/ix/off">
    Options -Indexes
  </Directory>
  <Location "/ix/none">
    Options None
  </Location>
  <Directory "${docroot}/ix/multi">
    DirectoryIndex missing.html second.html
  </Directory>
  <Directory "${docroot}/ix/disabled">
    DirectoryIndex disabled
  </Directory>
  <Directory "${docroot}/ix/abs">
    DirectoryIndex /ix/shared.html
  </Directory>
  <Directory "${docroot}/ix/redir">
    DirectoryIndexRedirect On
  </Directory>
  <Directory "${docroot}/ix/noslash">
    DirectorySlash Off
  </Directory>
  <Location "/fb/">
    FallbackResource /ix/shared.html
  </Location>
  <If "%{QUERY_STRING} == 'noindex'">
    Options -Indexes
  </If>
  <LocationMatch "^/ix/authidx">
    AuthType Basic
    AuthName "Index"
    AuthUserFile "${docroot}/../htpasswd"
  </LocationMatch>
  <Files "index.html">
    <If "%{REQUEST_URI} =~ m#^/ix/authidx#">
      Require valid-user
    </If>
  </Files>
  <Directory "${docroot}/ix/authidx2">
    DirectoryIndex index.html other.html
  </Directory>
</VirtualHost>
${listingVhosts(docroot)}<VirtualHost *:*>
  ServerName trace-off
  DocumentRoot "${docroot}"
  TraceEnable off
  Header always set X-Off "yes"
  <Location />
    ErrorDocument 405 "custom"
    Header always set X-Loc "1"
  </Location>
  <If "true">
    Header always set X-If "1"
  </If>
</VirtualHost>
<VirtualHost *:*>
  ServerName remoteip-sdk
  DocumentRoot "${docroot}"
  RemoteIPHeader X-Forwarded-For
  RemoteIPProxiesHeader X-Forwarded-By
  RemoteIPInternalProxy 172.16.0.0/12 10.0.0.0/8 192.168.0.0/16 169.254.0.0/16 127.0.0.0/8
  RemoteIPTrustedProxy 0.0.0.0/1 128.0.0.0/1 0::/1 8000::/1
  Header always set X-Client "expr=%{REMOTE_ADDR}"
  Header always set X-Xff "expr=%{req:X-Forwarded-For}"
  Header always set X-By "expr=%{req:X-Forwarded-By}"
  ProxyPass /rip/ ${b}/rip/
  <Location /content/only203/>
    Require ip 203.0.113.0/24
  </Location>
</VirtualHost>
<VirtualHost *:*>
  ServerName remoteip-trusted
  DocumentRoot "${docroot}"
  RemoteIPHeader x-forwarded-for
  RemoteIPProxiesHeader X-Proxies
  RemoteIPTrustedProxy 127.0.0.1 198.51.100.0/24
  Header always set X-Client "expr=%{REMOTE_ADDR}"
  Header always set X-Xff "expr=%{req:X-Forwarded-For}"
  Header always set X-By "expr=%{req:X-Proxies}"
</VirtualHost>
<VirtualHost *:*>
  ServerName nodecode
  DocumentRoot "${docroot}"
  AllowEncodedSlashes NoDecode
  ProxyPass /px/ ${b}/
  ProxyPass /pxnc/ ${b}/nc/ nocanon
  ProxyPassMatch "^/pxm/(.*)$" "${b}/m/$1"
  <Location /pxl/>
    ProxyPass ${b}/loc/
  </Location>
  ProxyPass /pxh/ ${b}/h/
  <Location /pxh/>
    Header set X-L "1"
  </Location>
  RewriteEngine On
  RewriteRule ^/rwp/(.*)$ ${b}/rw/$1 [P]
</VirtualHost>
`
}

/** Requests both servers answer: method, target, extra request headers. */
export const REQUESTS: HttpdRequest[] = [
  // mod_remoteip with the SDK image's proxy lists (127/8 internal, everything else trusted)
  ...[
    '203.0.113.9',
    '203.0.113.9, 10.0.0.7',
    '198.51.100.1, 10.0.0.7, 192.168.1.1',
    '10.0.0.7, 203.0.113.9',
    '203.0.113.9, 198.51.100.1',
    '1.2.3.4, 192.168.0.9, 203.0.113.9',
    'zz, 203.0.113.9',
    ' 203.0.113.9 ,  198.51.100.1  ',
    ', 203.0.113.9',
    '2001:db8::1',
    '2001:DB8:0:0:0:0:0:1, 203.0.113.9',
    'fe80::1',
    '::ffff:203.0.113.9'
    // Not 'localhost': httpd resolves a name in the header through DNS; the workbench does no
    // name lookups, so a name stops its walk (runtime/remote-ip.ts).
  ].map((xff): HttpdRequest => ['GET', '/content/site/page.html', { host: 'remoteip-sdk', 'x-forwarded-for': xff }]),
  ['GET', '/content/only203/x.html', { host: 'remoteip-sdk', 'x-forwarded-for': '203.0.113.9' }],
  ['GET', '/content/only203/x.html', { host: 'remoteip-sdk', 'x-forwarded-for': '198.51.100.1' }],
  ['GET', '/content/only203/x.html', { host: 'remoteip-sdk' }],
  ['GET', '/rip/a', { host: 'remoteip-sdk', 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }],
  // only trusted (external) proxies: private addresses stop the walk, the proxies are recorded
  ...[
    '203.0.113.9',
    '203.0.113.9, 198.51.100.5',
    '192.0.2.1, 203.0.113.9, 198.51.100.5',
    '10.0.0.7',
    '203.0.113.9, 10.0.0.7'
  ].map((xff): HttpdRequest => [
    'GET',
    '/content/site/page.html',
    { host: 'remoteip-trusted', 'x-forwarded-for': xff }
  ]),
  ['GET', '/content/site/page.html', {}],
  ['GET', '/content/site/page.html', { 'accept-encoding': 'gzip' }],
  ['HEAD', '/content/site/page.html', { 'accept-encoding': 'gzip' }],
  ['GET', '/content/site/page.html', { range: 'bytes=0-9' }],
  ['GET', '/content/site/page.html', { range: 'bytes=0-9', 'accept-encoding': 'gzip' }],
  // mod_deflate comes before the byte-range filter, for a HEAD too; a range past the compressed
  // end is the filter's 416, answered with Apache's own page
  ['HEAD', '/content/site/page.html', { range: 'bytes=0-9', 'accept-encoding': 'gzip' }],
  ['HEAD', '/content/site/page.html', { range: 'bytes=-1', 'accept-encoding': 'gzip' }],
  ['GET', '/content/site/page.html', { range: 'bytes=99999-', 'accept-encoding': 'gzip' }],
  ['GET', '/content/site/page.html', { 'x-test': 'on', 'accept-encoding': 'gzip' }],
  // mod_deflate's own reading of Accept-Encoding: the first gzip token, its first parameter as written
  ...[
    ',gzip',
    'gzip;Q=0',
    'GZIP;q=0',
    'gzip;q=0 ,gzip',
    'gzip;q=0.0',
    'gzip;q=0.001',
    'gzip;level=1;q=0',
    'deflate;q=0.5, gzip;q=0',
    'br, "x,gzip", gzip',
    'x-gzip',
    'gzip ; q=0'
  ].map((ae): HttpdRequest => ['GET', '/content/site/page.html', { 'accept-encoding': ae }]),
  ['GET', '/content/site/tiny.txt', { 'accept-encoding': 'gzip' }],
  ['GET', '/content/site/tiny.txt', { range: 'bytes=0-0,1-1' }],
  ['GET', '/content/site/tiny.txt', { 'if-match': '"nope"' }],
  ['GET', '/content/site/data.json', { 'x-seen': 'client' }],
  ['GET', '/nothing.html', { 'accept-encoding': 'gzip' }],
  ['GET', '/content', {}],
  ['GET', '/content/', {}],
  ['GET', '/content/site/page.html/extra', {}],
  ['OPTIONS', '/content/site/tiny.txt', {}],
  ['PUT', '/content/site/tiny.txt', { 'content-length': '0' }],
  ['GET', '/old', { 'accept-encoding': 'gzip' }],
  ['GET', '/gone', {}],
  ['GET', '/forbid', {}],
  ['GET', '/pt', {}],
  ['GET', '/qsa?x=2', {}],
  ['GET', '/type', {}],
  ['GET', '/ptq/a%20b', {}],
  ['GET', '/ptq/ab', {}],
  ['GET', '/ne/a%20b', {}],
  ['GET', '/enc/a%20b&c', {}],
  ['GET', '/q?redir=abc', {}],
  ['GET', '/a/file.name.txt', {}],
  ['GET', '/rb/rb.html', {}],
  ['GET', '/rb/int.html', {}],
  ['GET', '/loc/a.html', {}],
  ['GET', '/loc/loop/a.html', {}],
  ['GET', '/loc/q/x.html', {}],
  ['GET', '/content/site/tiny.txt#frag', {}],
  ['GET', '/a/b/c.html', { 'user-agent': 'curl/8', referer: 'http://www.example.com/' }],
  ['GET', '/a/b/c.html', { 'if-modified-since': 'Sun, 22 Nov 2099 00:00:00 GMT' }],
  ['GET', '/a/b/c.html', { 'if-modified-since': 'garbage' }],
  ['GET', '/a/b/c.html', { 'if-unmodified-since': 'Sun, 22 Nov 2000 00:00:00 GMT' }],
  ['GET', '/a/b/c.html', { range: 'bytes=-2' }],
  ['GET', '/a/b/c.html', { range: 'bytes=x' }],
  ['GET', '/a/b/c.html', { 'if-range': '"nope"', range: 'bytes=0-0' }],
  ['HEAD', '/nothing.html', {}],
  ['GET', '/content?a=1', {}],
  ['GET', '/lower/ABC.HTML', {}],
  ['GET', '/qsd?x=1', {}],
  ['GET', '/b/a%20b&c', {}],
  ['GET', '/status/403', {}],
  ['GET', '/status/410', {}],
  ['GET', '/status/503', {}],
  ['GET', '/status/501', {}],
  ['GET', '/co', {}],
  ['GET', '/env', {}],
  ['GET', '/skip', {}],
  ['GET', '//a//b/c.html', {}],
  ['GET', '/a/./b/../b/c.html', {}],
  ['GET', '/a/%2e%2e/a/b/c.html', {}],
  ['GET', '/a/b%2Fc.html', {}],
  ['GET', '/a/b/c.html%00', {}],
  ['GET', '/a/b/c.html?%zz', {}],
  ['GET', '/a/b/%zz', {}],
  ['GET', '/../etc/passwd', {}],
  ['GET', '/a/b/C.HTML', {}],
  ['POST', '/a/b/c.html', { 'content-length': '0' }],
  ['DELETE', '/a/b/c.html', {}],
  ['GET', '/a/file.name.txt?else', {}],
  ['GET', '/content/site/page.html', {}],
  ['POST', '/content/site/tiny.txt', { 'content-length': '0' }],
  ['GET', '/content/site/data.json', {}],
  ['GET', '/a/b/x.custom', {}],
  ['GET', '/exists/c.html', {}],
  ['GET', '/exists/nope.html', {}],
  ['GET', '/n/a-b-c', {}],
  ['GET', '/a/b/c.html?x=%41%2f', {}],
  ['HEAD', '/status/503', {}],
  ['HEAD', '/errs2/nothing.html', {}],
  ['GET', '/errs/nothing.html', {}],
  ['GET', '/errs2/nothing.html', {}],
  ['GET', '/forbid', { 'accept-encoding': 'gzip' }],
  ['HEAD', '/forbid', {}],
  ['GET', '/a/b/', {}],
  ['GET', '/content/site/page.html', { 'if-none-match': '*' }],
  ['GET', '/content/site/page.html', { 'if-match': '*' }],
  ['GET', '/content/site/page.html?', {}],
  ['GET', '/content/site/page.html;jsessionid=1', {}],
  ['GET', '/content/site/PAGE.HTML', {}],
  ['GET', '/content/site/page.html', { range: 'bytes=5-2' }],
  ['GET', '/content/site/page.html', { range: 'bytes=0-' }],
  ['GET', '/acc/page.html', {}],
  ['OPTIONS', '/acc/page.html', {}],
  ['GET', '/acc/key.secret', {}],
  ['GET', '/deny/x.html', {}],
  ['GET', '/acc/any/x.html', {}],
  ['GET', '/acc/anyreq/x.html', {}],
  ['GET', '/acc/anyall/x.html', {}],
  ['GET', '/acc/allowfrom/x.html', {}],
  ['GET', '/acc/allownone/x.html', {}],
  ['GET', '/acc/mutual/x.html', {}],
  ['GET', '/acc/hostallow/x.html', {}],
  ['GET', '/acc/hostallow/x.html', { 'x-acc': 'yes' }],
  ['GET', '/acc/ip/x.html', {}],
  ['GET', '/acc/local/x.html', {}],
  ['GET', '/acc/host/x.html', {}],
  ['GET', '/acc/otherhost/x.html', {}],
  ['GET', '/acc/notip/x.html', {}],
  ['GET', '/acc/none/x.html', {}],
  ['GET', '/acc/none/x.html', { 'x-acc': 'yes' }],
  ['GET', '/acc/method/x.html', {}],
  ['HEAD', '/acc/method/x.html', {}],
  ['POST', '/acc/method/x.html', { 'content-length': '0' }],
  ['GET', '/acc/env/x.html', {}],
  ['GET', '/acc/env/x.html', { 'x-acc': 'yes' }],
  ['GET', '/acc/expr/x.html', {}],
  ['GET', '/acc/expr/x.html', { 'x-acc': 'yes' }],
  ['GET', '/acc/limitexcept/x.html', {}],
  ['DELETE', '/acc/limitexcept/x.html', {}],
  ['GET', '/acc/limithead/x.html', {}],
  ['HEAD', '/acc/limithead/x.html', {}],
  ['GET', '/acc/m/x.html', {}],
  ['GET', '/acc/m/or/x.html', {}],
  ['GET', '/acc/m/and/x.html', {}],
  ['GET', '/acc/m/off/x.html', {}],
  ['GET', '/acc/m/plain/x.html', {}],
  ['GET', '/to-acc-pt', {}],
  ['GET', '/acc/pt/x.html', { 'accept-encoding': 'gzip' }],
  ['GET', '/acc/redirect', {}],
  ['TRACE', '/content/site/page.html', { 'x-foo': 'bar', 'user-agent': 'curl/8' }],
  ['TRACE', '/old', {}],
  ['TRACE', '/forbid', {}],
  ['TRACE', '/acc/pt/x.html', {}],
  ['TRACE', '/content/site/page.html', { 'content-length': '3', ':body': 'abc' }],
  ['TRACE', '/content/site/page.html', { host: 'trace-off' }],
  ['GET', '/content/site/tiny.txt', { host: 'trace-off' }],
  ['GET', '/px/a%2Fb/c%20d%2f', { host: 'nodecode' }],
  ['GET', '/pxnc/a%2Fb/c%20d', { host: 'nodecode' }],
  ['GET', '/pxm/a%2Fb/c%20d', { host: 'nodecode' }],
  ['GET', '/pxl/a%2Fb/c%20d', { host: 'nodecode' }],
  ['GET', '/pxh/a%2Fb/c%20d', { host: 'nodecode' }],
  ['GET', '/rwp/a%2Fb/c%20d', { host: 'nodecode' }],
  ['GET', '/px/a%252Fb%25', { host: 'nodecode' }],
  ['GET', '/content/site/a%2Fb.txt', { host: 'nodecode' }],
  ['GET', '/red/old', {}],
  ['GET', '/red/old/sub%20x?q=1', {}],
  ['GET', '//red//old/y', {}],
  ['GET', '/red/oldx', {}],
  ['HEAD', '/red/old', {}],
  ['HEAD', '/old', {}],
  ['HEAD', '/status/410', {}],
  ['GET', '/red/perm/z', {}],
  ['GET', '/red/see', {}],
  ['GET', '/red/gone/x', {}],
  ['GET', '/red/gone2', {}],
  ['GET', '/redm/a.htm?k=v', {}],
  ['GET', '/redm2/a%20b', {}],
  ['GET', '/redm3/x', {}],
  ['GET', '/red/p2', {}],
  ['GET', '/red/t2/deep', {}],
  ['GET', '/red/loc/x?y=1', {}],
  ['GET', '/red/locperm/x', {}],
  ['GET', '/red/locgone', {}],
  ['GET', '/red/inner/a', {}],
  ['GET', '/red/inner/b', {}],
  ['GET', '/to-red', {}],
  ['GET', '/red/nopt', {}],
  ['GET', '/red/status404/x', {}],
  ['GET', '/red/s503/x', {}],
  ['GET', '/red/enc/%C3%A9', {}],
  ['GET', '/acc/vary/x.html', { 'x-other': 'z' }],
  ['GET', '/acc/user/x.html', {}],
  ['GET', '/basic/x.html', {}],
  ['GET', '/basic/x.html', { authorization: 'Basic ' + Buffer.from('alice:s3cret').toString('base64') }],
  ['GET', '/basic/x.html', { authorization: 'Basic ' + Buffer.from('alice:wrong').toString('base64') }],
  ['GET', '/basic/x.html', { authorization: 'Basic ' + Buffer.from('nobody:x').toString('base64') }],
  ['GET', '/basic/x.html', { authorization: 'Basic ' + Buffer.from('bob:p@ss').toString('base64') }],
  ['GET', '/basic/x.html', { authorization: 'Basic ' + Buffer.from('carol:wonder').toString('base64') }],
  ['GET', '/basic/x.html', { authorization: 'Basic bm9jb2xvbg==' }],
  ['GET', '/basic/bob/x.html', { authorization: 'Basic ' + Buffer.from('alice:s3cret').toString('base64') }],
  ['GET', '/basic/bob/x.html', { authorization: 'Basic ' + Buffer.from('bob:p@ss').toString('base64') }],
  ['GET', '/basic/any/x.html', {}],
  ['GET', '/noauthtype/x.html', {}],
  ['GET', '/idx/', {}],
  ['GET', '/ed1/x.html', {}],
  ['GET', '/ed2/x.html', {}],
  ['GET', '/ed3/x.html', {}],
  ['GET', '/ed4/x.html', {}],
  // ServerSignature On/EMail: the line under httpd's own error and redirect pages
  ['GET', '/sig/500', {}],
  ['GET', '/sig/412', {}],
  ['HEAD', '/sig/500', {}],
  ['GET', '/sig/r', {}],
  ['GET', '/sigmail/500', {}],
  ['GET', '/sigmail/r', {}],
  ['GET', '/sig/r', { host: 'localhost:8080' }],
  // LimitRequestBody: a declared body over it is refused with 413 when a handler reads it.
  ['POST', '/lim/x', { 'content-length': '6', ':body': 'abcdef' }],
  ['POST', '/lim/x', { 'content-length': '5', ':body': 'abcde' }],
  ['GET', '/lim/x', { 'content-length': '6', ':body': 'abcdef' }],
  ['POST', '/lim/free/x', { 'content-length': '6', ':body': 'abcdef' }],
  ['POST', '/px/lim/echo', { 'content-length': '4', ':body': 'abcd' }],
  ['POST', '/px/lim/echo', { 'content-length': '3', ':body': 'abc' }],
  // A proxied answer without a Content-Type: mod_mime's type for the URL, AddDefaultCharset's charset.
  ['GET', '/px/untyped/page.html', {}],
  ['GET', '/px/untyped/data.model.json', {}],
  ['GET', '/px/untyped/noext', {}],
  ['HEAD', '/px/untyped/page.html', {}],
  ['GET', '/px/untyped/empty.html?to=/a/b/c.html', {}],
  ['GET', '/px/untyped/page.html', { range: 'bytes=0-2' }],
  // An ErrorDocument whose request mod_rewrite answers with a status: that status's own ErrorDocument.
  ['GET', '/ed5/x.html', {}],
  ['HEAD', '/ed5/x.html', {}],
  ['GET', '/ed6/x.html', {}],
  ['GET', '/ed7/x.html', {}],
  ['GET', '/ed8/x.html', {}],
  ['HEAD', '/ed8/x.html', {}],
  ['GET', '/edloop/x', {}],
  // …also when the ErrorDocument's request is redirected internally first (per-directory rules)
  ['GET', '/ed9/x.html', {}],
  ['HEAD', '/ed9/x.html', {}],
  // …and when that status's own ErrorDocument fails: the page names the status it failed for
  ['GET', '/ed10/x.html', {}],
  ['GET', '/se/a.html', {}],
  ['GET', '/se/b.html', {}],
  ['GET', '/limred/a.html', {}],
  ['GET', '/nest/a', {}],
  ['POST', '/nest/a', { 'content-length': '0' }],
  ['GET', '/content/site/page.html', { range: 'bytes=99999-' }],
  // httpd's byte-range filter: several ranges as multipart/byteranges, its parsing and limits.
  ['GET', '/content/site/page.html', { range: 'bytes=0-1,5-6' }],
  ['HEAD', '/content/site/page.html', { range: 'bytes=0-9' }],
  ['GET', '/content/site/page.html', { range: 'bytes=0-1,5-6', 'accept-encoding': 'gzip' }],
  ['GET', '/content/site/page.html', { range: 'bytes=5-6,0-1,0-2,99999-' }],
  ['GET', '/content/site/page.html', { range: 'bytes=0-5,10-15,2-12' }],
  ['GET', '/content/site/page.html', { range: 'bytes=2-3,0-' }],
  ['GET', '/content/site/page.html', { range: 'bytes= 0-1, 5-6' }],
  ['GET', '/content/site/page.html', { range: 'bytes=-0' }],
  ['GET', '/content/site/page.html', { range: 'bytes=0-1,,5-6' }],
  ['GET', '/content/site/page.html', { range: `bytes=${Array.from({ length: 40 }, (_, i) => `${2 * i}-${2 * i}`)}` }],
  ['GET', '/content/site/page.html', { range: `bytes=${Array.from({ length: 40 }, (_, i) => `${i % 20}-${i % 20}`)}` }],
  ['GET', '/content/site/tiny.txt', { range: 'bytes=0-0,2-3' }],
  ['HEAD', '/content/site/tiny.txt', { range: 'bytes=1-2' }],
  ['POST', '/content/site/tiny.txt', { range: 'bytes=1-2', 'content-length': '0' }],
  ['GET', '/a/b/x.custom', { range: 'bytes=0-0,2-3' }],
  // mod_proxy: the backend answers with the request it got ({backend} is its host:port).
  ['GET', '/content/site/caf%C3%A9.html', {}],
  ['GET', '/envtest', {}],
  ['GET', '/qs/a?o=1', {}],
  ['GET', '/vary/x.html', { 'accept-encoding': 'gzip' }],
  ['GET', '/errdef/x.html', {}],
  ['GET', '/px/echo', { 'x-test': 'on' }],
  ['GET', '/s2/%C3%A0-propos.html', {}],
  ['GET', '/s3/%C3%A0', {}],
  ['GET', '/s3/a%20b', {}],
  ['GET', '/qs/c?o=1', {}],
  ['GET', '/content/site/tiny.txt', { 'x-probe': 'env' }],
  ['GET', '/content/site/caf%e9.html', {}],
  ['GET', '/px/echo?a=1', {}],
  ['GET', '/px/echo', { 'x-forwarded-for': '10.0.0.1', 'x-forwarded-host': 'edge.example', 'x-custom': 'c' }],
  ['GET', '/px/echo', { connection: 'close, x-drop', 'x-drop': '1', te: 'trailers', 'proxy-authorization': 'x' }],
  ['POST', '/px/echo', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3', ':body': 'a=b' }],
  ['HEAD', '/px/echo', {}],
  ['OPTIONS', '/px/echo', {}],
  ['GET', '/px/named', {}],
  ['GET', '/px/nm304', { 'if-none-match': '"v1"' }],
  ['GET', '/px/len204', {}],
  ['GET', '/ptq/a?b=1', {}],
  ['GET', '/ptq/a', {}],
  // Methods Node's parser does not know: httpd takes any token (its handlers answer 501).
  ['FOO', '/content/site/tiny.txt', {}],
  ['get', '/content/site/tiny.txt', {}],
  ['DEBUG', '/content/site/page.html', { 'accept-encoding': 'gzip' }],
  ['TRACK', '/px/echo', {}],
  ['SEARCH', '/content/site/tiny.txt', {}],
  ['GET', '/content/site/a%20b.txt', {}],
  ['GET', '/content/site/%C3%A9t%C3%A9.txt', {}],
  ['DELETE', '/nothing.txt', {}],
  ['OPTIONS', '/nothing.txt', {}],
  ['FOO', '/nothing.txt', {}],
  ['FOO', '/content/site/', {}],
  ['GET', '/qh/tiny.txt?y=2', {}],
  ['GET', '/qh/tiny.txt?y=2', {}],
  ['GET', '/docroot/tiny.txt', {}],
  ['GET', '/hostcase', { host: 'LocalHost.' }],
  ['GET', '/hostcase', { host: 'LOCALHOST:80' }],
  ['GET', '/px/echo', {}],
  ['GET', '/px/echo?to=http://{backend}/a/b', {}],
  ['GET', '/px/echo?to=http://elsewhere/a/b', {}],
  ['GET', '/px/status/404', {}],
  ['GET', '/px/status/500', {}],
  ['GET', '/px/status/204', {}],
  ['GET', '/px/chunked', {}],
  ['GET', '/px/cookie', {}],
  ['GET', '/px/a%20b/%7Euser/x%2Fy', {}],
  ['GET', '/px/caf%C3%A9/%E9', {}],
  ['GET', '/px/echo?', {}],
  ['GET', '/px/echo', { 'max-forwards': '5' }],
  ['GET', '/px/echo', { 'max-forwards': '0' }],
  ['OPTIONS', '/px/echo', { 'max-forwards': '0' }],
  ['GET', '/px/proxyauth', {}],
  ['GET', '/px/empty204', {}],
  ['GET', '/px/broken', {}],
  ['GET', '/px/echo', { 'max-forwards': 'abc' }],
  ['GET', '/px/echo', { via: '1.0 edge' }],
  ['GET', '/pxph/echo', { host: 'example.com:8080' }],
  ['GET', '/pxeo/404', {}],
  ['GET', '/pxeo/500', {}],
  ['GET', '/pxeo/200', {}],
  ['GET', '/pxeo5/404', {}],
  ['GET', '/pxeo5/500', {}],
  ['GET', '/pxnp/echo', {}],
  ['GET', '/pxt/echo/x', {}],
  ['GET', '/pxlmp/echo', {}],
  ['GET', '/pxwild', {}],
  ['GET', '/pxwild/echo', {}],
  ['HEAD', '/px/echo', { 'max-forwards': '0' }],
  ['TRACE', '/px/echo', { 'max-forwards': '0' }],
  ['GET', '/pxnc/a%20b/%7Euser', {}],
  ['GET', '/pxl/echo', {}],
  ['GET', '/pxm/echo/x?q=1', {}],
  ['GET', '/pxm/echo?to=http://{backend}/m/z', {}],
  ['GET', '/rwp/echo?q=1', {}],
  ['GET', '/pxdead/x', {}],
  // mod_dir and mod_autoindex: folders, their slash, their index, their listing.
  ['GET', '/a/', {}],
  ['GET', '/ix/plain', {}],
  ['GET', '/ix/plain?x=1&y', {}],
  ['GET', '/ix/plain?', {}],
  ['POST', '/ix/plain', { 'content-length': '0' }],
  ['GET', '/ix/caf%C3%A9', {}],
  ['GET', '/ix/dir%20two', {}],
  ['GET', '/ix/dir%20two/', {}],
  ['GET', '/ix/plain/', {}],
  ['GET', '/ix/plain/', { 'accept-encoding': 'gzip' }],
  ['HEAD', '/ix/plain/', {}],
  ['HEAD', '/ix/plain/', { 'accept-encoding': 'gzip' }],
  ['POST', '/ix/plain/', { 'content-length': '0' }],
  ['OPTIONS', '/ix/plain/', {}],
  ['DELETE', '/ix/plain/', {}],
  ['GET', '/ix/plain/?C=M;O=D', {}],
  ['GET', '/ix/plain/sub/', {}],
  ['GET', '/ix/plain/README/', {}],
  ['GET', '/ix/caf%C3%A9/', {}],
  ['GET', '/ix/empty/', {}],
  ['GET', '/ix/off/', {}],
  ['GET', '/ix/none/', {}],
  ['GET', '/ix/multi/', {}],
  ['GET', '/ix/multi/?q=1', {}],
  ['GET', '/ix/disabled/', {}],
  ['GET', '/ix/abs/', {}],
  ['GET', '/ix/redir/', {}],
  ['GET', '/ix/redir/?q=1', {}],
  ['GET', '/ix/noslash', {}],
  ['GET', '/ix/noslash/', {}],
  ['GET', '/fb/missing.html?k=v', {}],
  ['GET', '/fb/', {}],
  ['GET', '/ix/', {}],
  ['GET', '/ix/plain/', { host: 'ix-deb' }],
  ['GET', '/ix/plain/', { host: 'ix-deb', 'accept-encoding': 'gzip' }],
  ['HEAD', '/ix/plain/', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=M;O=D', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=S;O=A', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=S;O=D', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=D;O=D', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=N;O=D', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=N;O=A&V=0', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?F=0', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?F=1;C=M', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?P=*.txt', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?P=f*;C=S;O=D&F=2', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?P=%2A.html', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?C=X;O=D', { host: 'ix-deb' }],
  ['GET', '/ix/plain/?O=D;junk', { host: 'ix-deb' }],
  ['GET', '/ix/plain/sub/', { host: 'ix-deb' }],
  ['GET', '/ix/', { host: 'ix-deb' }],
  ['GET', '/ix/many/', { host: 'ix-deb' }],
  ['GET', '/ix/many/', { host: 'ix-deb', 'accept-encoding': 'gzip' }],
  ['GET', '/ix/hdr/', { host: 'ix-deb' }],
  ['GET', '/ix/hdr/?x=1', { host: 'ix-deb' }],
  ['GET', '/ix/hdr/', { host: 'ix-deb', 'accept-encoding': 'gzip' }],
  ['GET', '/ix/hdr2/', { host: 'ix-more', 'accept-encoding': 'gzip' }],
  ['HEAD', '/ix/hdr2/', { host: 'ix-more' }],
  ['GET', '/ix/hdr2/', { host: 'ix-deb' }],
  ['GET', '/', { host: 'ix-deb' }],
  ['GET', '/ix/plain/', { host: 'ix-rhel' }],
  ['GET', '/ix/plain/?C=D;O=A', { host: 'ix-rhel' }],
  ['GET', '/ix/hdr/', { host: 'ix-rhel' }],
  ['GET', '/ix/many/', { host: 'ix-rhel' }],
  ['GET', '/ix/plain/', { host: 'ix-pre' }],
  ['GET', '/ix/plain/?C=N;O=A', { host: 'ix-pre' }],
  ['GET', '/ix/plain/sub/', { host: 'ix-pre' }],
  ['GET', '/ix/plain/', { host: 'ix-more' }],
  ['GET', '/ix/plain/?C=S;O=D', { host: 'ix-more' }],
  ['GET', '/ix/hdr2/', { host: 'ix-more' }],
  ['GET', '/ix/plain', { host: 'ix-noslash' }],
  ['GET', '/ix/plain/', { host: 'ix-noslash' }],
  ['GET', '/ix/off', { host: 'ix-noslash' }],
  ['GET', '/ix/plain/?noindex', {}],
  ['GET', '/ix/authidx/', {}],
  ['GET', '/ix/authidx/', { authorization: 'Basic ' + Buffer.from('bob:p@ss').toString('base64') }],
  ['GET', '/ix/authidx2/', {}],
  ['GET', '/ix/authidx2/', { authorization: 'Basic ' + Buffer.from('bob:p@ss').toString('base64') }],
  ['GET', '/ix/hdr/', { host: 'ix-pre' }],
  ['GET', '/ix/many/', { host: 'ix-pre' }],
  ['GET', '/ix/hdr2/', { host: 'ix-rhel' }]
]
