/**
 * Header names as they go on the wire (src/main/engine/http/header-spelling.ts): httpd writes
 * each as it was set — the render's own spelling, the configuration's `Header` directives', its
 * own for the headers it makes — where the pipeline keys its records in lower case.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigCopy } from './support/config'

/** Each response header name as the client received it. */
function namesOf(rawHeaders: string[]): string[] {
  return rawHeaders.filter((_, i) => i % 2 === 0)
}

/** The embedded configuration with two `Header` directives of unusual spelling, and its render. */
async function spellingStack(): Promise<Stack> {
  const dir = embeddedConfigCopy('spelling-')
  fs.appendFileSync(
    path.join(dir, 'conf.d/rewrites/rewrite.rules'),
    '\nHeader set X-XSS-Protection "1; mode=block"\nHeader set SN "node-1"\n'
  )
  return stackForThisTest({
    upstreams: ['publish'],
    configDir: dir,
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port } })
  })
}

const RENDER_HEADERS = {
  'content-type': 'text/html',
  'x-custom-lower': 'a',
  'X-UA-Compatible': 'IE=edge',
  dispatcher: 'no-cache'
}

describe('response header names on the wire', () => {
  it('keep the render’s spelling, the configuration’s, and httpd’s own for the rest', async () => {
    const s = await spellingStack()
    const page = '/content/demo/us/en/spelling.html'
    s.up.publish.behave(page, { body: 'spelled', headers: RENDER_HEADERS })
    const r = await s.send(page)
    expect(r.text).toBe('spelled')
    const names = namesOf(r.rawHeaders)
    // The render's own spelling, lower case or not; the configuration's; httpd's.
    expect(names).toEqual(
      expect.arrayContaining(['content-type', 'x-custom-lower', 'X-UA-Compatible', 'X-XSS-Protection', 'SN', 'X-Vhost'])
    )
    expect(names).toContain('Server')
    expect(names.filter((n) => n.toLowerCase() === 'x-xss-protection')).toHaveLength(1)
    // The trace keeps its lower-case keys (the UI and `explain` read them).
    expect(r.trace.response.headers['x-xss-protection']).toBe('1; mode=block')
  })

  it('are spelled the same on an answer mod_deflate compresses', async () => {
    const s = await spellingStack()
    const page = '/content/demo/us/en/spelling-gzip.html'
    s.up.publish.behave(page, { body: 'spelled '.repeat(100), headers: RENDER_HEADERS })
    const r = await s.send(page, { headers: { 'accept-encoding': 'gzip' } })
    const names = namesOf(r.rawHeaders)
    expect(names).toEqual(
      expect.arrayContaining([
        'Content-Encoding',
        'Vary',
        'x-custom-lower',
        'X-UA-Compatible',
        'X-XSS-Protection',
        'SN'
      ])
    )
  })
})
