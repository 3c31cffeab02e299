/**
 * An ErrorDocument answered for a proxied error keeps the error's headers (err_headers_out: the
 * backend's WWW-Authenticate under ProxyErrorOverride) and the document's own: ap_http_header_filter
 * overlays err_headers_out on headers_out with apr_table_overlay, which keeps both tables' lines,
 * the error's first. Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { serverLines } from './classic'
import { proxiedSideBySide } from './raw-backend'

const { running } = proxiedSideBySide(
  (b, d) => [
    ...serverLines(['proxy', 'proxy_http', 'mime', 'headers'], d),
    'ProxyRequests Off',
    `ProxyPass /e/ ${b}/b/`,
    `ProxyPass /p/ ${b}/b/`,
    '<Location /e/>',
    '  ProxyErrorOverride On',
    '  ErrorDocument 401 /doc.html',
    '</Location>',
    '<Location /f/>',
    '  ProxyErrorOverride On',
    '  ErrorDocument 401 /p/www',
    '</Location>',
    `ProxyPass /f/ ${b}/b/`,
    '<Location /doc.html>',
    '  Header set WWW-Authenticate "Basic realm=doc"',
    '  Header always set X-Always doc',
    '</Location>'
  ],
  { 'doc.html': '<p>doc</p>\n' }
)

describe("an ErrorDocument's answer to a proxied error", () => {
  it("keeps the error's WWW-Authenticate line and the document's own, the error's first, as apache2 does", async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/e/www', {}],
      ['GET', '/f/www', {}]
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
