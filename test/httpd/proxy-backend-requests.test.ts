/**
 * What the backend gets from mod_proxy_http, Debian's apache2 against the workbench, both
 * forwarding to one raw backend (raw-backend.ts) that records each request as it came: a
 * ProxyPassMatch whose URL is substituted (`$N`, WKND's persisted GraphQL queries) has no worker
 * to reuse, so its backend connection closes; a plain ProxyPass keeps it, for a HEAD too (undici
 * would close after a HEAD unless told).
 */
import { describe, expect, it } from 'vitest'
import { ask, type HttpdRequest } from './harness'
import { serverLines } from './classic'
import { proxiedSideBySide, type Recorded } from './raw-backend'

const { running, backend: raw } = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime'], d),
  'ProxyRequests Off',
  `ProxyPass /p/ ${b}/b/`,
  `ProxyPassMatch ^/gql/(.*)$ ${b}/b/echo/graphql/execute.json/$1`,
  `ProxyPassMatch ^/whole/.*$ ${b}/b/echo`
])

/** What the backend received for `req` from apache2, then from the workbench. */
async function forwarded(req: HttpdRequest): Promise<{ apache: Recorded[]; workbench: Recorded[] }> {
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50))
  const backend = raw()
  backend.records.length = 0
  await ask(running.apachePort, req)
  await settle()
  const apache = backend.records.splice(0)
  await ask(running.enginePort, req)
  await settle()
  return { apache, workbench: backend.records.splice(0) }
}

/** The request line and the Connection header of the first recorded request. */
function lineAndConnection(r: Recorded[]): [string | undefined, string[]] {
  const lines = r[0]?.head.split('\r\n') ?? []
  const connection = lines
    .slice(1)
    .filter((l) => l.slice(0, l.indexOf(':')).toLowerCase() === 'connection')
    .map((l) =>
      l
        .slice(l.indexOf(':') + 1)
        .trim()
        .toLowerCase()
    )
  return [lines[0], connection]
}

describe("the backend's connection", () => {
  it('closes for a substituted ProxyPassMatch URL and is kept otherwise, HEAD too', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/gql/wknd-shared/adventures-all;slug=x', {}],
      ['GET', '/whole/a', {}],
      ['GET', '/p/echo', {}],
      ['HEAD', '/p/echo', {}]
    ]
    for (const req of requests) {
      const { apache, workbench } = await forwarded(req)
      expect(lineAndConnection(workbench), `${req[0]} ${req[1]}`).toEqual(lineAndConnection(apache))
    }
  })
})
