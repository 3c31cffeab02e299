/**
 * A one-argument ProxyPass inside a `<Location>`, Debian's apache2 against the workbench, both
 * forwarding to one raw backend that records each request: add_pass takes the section's path
 * for a pattern only when apr_fnmatch_test calls it one (a `*` or `?`, or a `[` that a `]`
 * closes, a backslash making the next character plain). So `/a[b` (the `[` never closed) and
 * `/x\*y` (the `*` escaped) are plain prefixes, whose rest of the path goes on after the
 * target, as core's location walk takes them for prefixes too.
 */
import { describe, expect, it } from 'vitest'
import { ask, compareAll, type HttpdRequest } from './harness'
import { serverLines } from './classic'
import { proxiedSideBySide, type Recorded } from './raw-backend'

const { running, backend: raw } = proxiedSideBySide((b, d) => [
  ...serverLines(['proxy', 'proxy_http', 'mime'], d),
  'ProxyRequests Off',
  '<Location "/a[b">',
  `  ProxyPass ${b}/b/open/`,
  '</Location>',
  '<Location "/x\\*y">',
  `  ProxyPass ${b}/b/escaped/`,
  '</Location>',
  // A pattern after all: the `]` closes the class, and the target takes no rest of the path.
  '<Location "/c[d]">',
  `  ProxyPass ${b}/b/class/`,
  '</Location>'
])

const get = (target: string): HttpdRequest => ['GET', target, {}]

/** The request lines the backend got for `req` from apache2, then from the workbench. */
async function forwarded(req: HttpdRequest): Promise<{ apache: string[]; workbench: string[] }> {
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50))
  const lines = (r: Recorded[]): string[] => r.map((x) => x.head.split('\r\n')[0])
  const backend = raw()
  backend.records.length = 0
  await ask(running.apachePort, req)
  await settle()
  const apache = lines(backend.records.splice(0))
  await ask(running.enginePort, req)
  await settle()
  return { apache, workbench: lines(backend.records.splice(0)) }
}

// `%5C` is the backslash: httpd's request line takes no raw one, and r->uri holds it decoded.
const targets = ['/a[b', '/a[b/foo', '/a%5Bb/foo', '/a[bc', '/x%5C*y', '/x%5C*y/foo', '/x*y/foo', '/cd/foo', '/cd']

describe('a ProxyPass in a <Location> whose path has wildcard characters', () => {
  it('is a pattern only when apr_fnmatch_test says so: the backend gets the same request line', async () => {
    for (const target of targets) {
      const { apache, workbench } = await forwarded(get(target))
      expect(workbench, target).toEqual(apache)
    }
  })

  it('answers as apache2 does', async () => {
    expect(await compareAll(targets.map(get), running.apachePort, running.enginePort)).toBe('')
  })
})
