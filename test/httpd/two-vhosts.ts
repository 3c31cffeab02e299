/**
 * Two name-based vhosts on one docroot, each marking its answers (`X-Vhost`), and the pages
 * their ErrorDocuments name: for the tests of which vhost answers a request httpd refuses.
 */

/** The docroot's files: a page to ask for and each vhost's own error page. */
export const TWO_VHOST_FILES = {
  'a.txt': 'a\n',
  'e400.html': '<p>first vhost 400</p>\n',
  'a400.html': '<p>a vhost 400</p>\n'
}

/** A `<VirtualHost *:*>` for `name` on `d`, its answers marked `X-Vhost: id`, with `more` inside. */
export function markedVhost(id: string, name: string, d: string, more: string[]): string[] {
  return [
    '<VirtualHost *:*>',
    `  ServerName ${name}`,
    `  DocumentRoot "${d}"`,
    `  Header always set X-Vhost "${id}"`,
    ...more,
    '</VirtualHost>'
  ]
}
