/**
 * A URL changed by a `[PT]` rewrite, with `DispatcherUseProcessedURL On` (AEMaaCS), is what
 * filters, cache paths and the render see (dispatcher-behavior.md §3.1) — in the same canonical
 * form as a URL received that way: slashes collapsed, and what mod_rewrite's decoded result
 * cannot carry raw in a request target escaped again.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigCopy } from './support/config'

async function site(): Promise<Stack> {
  const dir = embeddedConfigCopy('rewrite-canonical-')
  // "$1" keeps its leading slash: the substitution has a double slash in it.
  fs.appendFileSync(
    path.join(dir, 'conf.d/rewrites/rewrite.rules'),
    '\nRewriteRule "^/s(/.*)$" "/content/demo/$1" [PT,L]\n'
  )
  const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'rewrite-canonical-docroot-'))
  onTestFinished(() => fs.rmSync(docroot, { recursive: true, force: true }))
  return stackForThisTest({
    upstreams: ['publish'],
    configDir: dir,
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
  })
}

/** Sends `target` through the site, which serves `page` from the render; the URLs the render was asked for. */
async function through(
  target: string,
  page: string
): Promise<{ answer: Awaited<ReturnType<Stack['send']>>; asked: string[] }> {
  const s = await site()
  s.up.publish.behave(page, { body: '<html>page</html>', headers: { 'content-type': 'text/html' } })
  const answer = await s.send(target)
  expect(answer.status).toBe(200)
  return { answer, asked: s.up.publish.requests.map((r) => r.url) }
}

describe('a [PT] rewrite result goes on in canonical form (§3.1)', () => {
  it('the double slash the substitution leaves is collapsed for the filter, the cache file and the render', async () => {
    const { answer: a, asked } = await through('/s/us/en.html', '/content/demo/us/en.html')
    expect(asked).toContain('/content/demo/us/en.html')
    const filter = a.trace.stages.find((e) => e.stage === 'filter')!
    expect(filter.summary).toContain("'GET /content/demo/us/en.html HTTP/1.1'")
    expect(a.trace.outcome).toBe('miss-stored')
    expect(a.trace.cacheInfo).not.toMatch(/escapes the docroot/)
  })

  it('a space decoded by mod_rewrite reaches the render escaped, never raw in the request line', async () => {
    const { asked } = await through('/s/us/a%20b.html', '/content/demo/us/a b.html')
    expect(asked).toContain('/content/demo/us/a%20b.html')
  })
})
