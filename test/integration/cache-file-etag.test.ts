/**
 * `FileETag` on cache hits (dispatcher-behavior.md §5.6): Apache serves the cached file and adds
 * its own `ETag` (`MTime Size` by default). To deliver AEM's ETag, a project lists `ETag` in
 * `/headers` and sets `FileETag None`, so the stored header is the only one.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { stackForThisTest, type Stack } from './support/engine'
import { embeddedConfigCopy } from './support/config'
import { tempDocroot } from './support/cache'

let docrootOf: string

const PAGE = '/content/demo/us/en/etag.html'
const AEM_ETAG = '"aem-1234"'

/** The embedded configuration storing ETag through /headers, with `FileETag None` in the vhost or not. */
async function site(fileETagNone: boolean): Promise<Stack> {
  const dir = embeddedConfigCopy('file-etag-')
  const farm = path.join(dir, 'conf.dispatcher.d', 'enabled_farms', 'default.farm')
  fs.writeFileSync(
    farm,
    fs.readFileSync(farm, 'utf8').replace('"Cache-Control"', '"Cache-Control"\n            "ETag"')
  )
  if (fileETagNone) {
    const vhost = path.join(dir, 'conf.d', 'enabled_vhosts', 'default.vhost')
    const text = fs.readFileSync(vhost, 'utf8')
    fs.writeFileSync(
      vhost,
      text.replace('    DocumentRoot "${DOCROOT}"', '    DocumentRoot "${DOCROOT}"\n    FileETag None')
    )
  }
  const docroot = tempDocroot()
  docrootOf = docroot
  const s = await stackForThisTest({
    upstreams: ['publish'],
    configDir: dir,
    engine: (up) => ({ aem: { host: '127.0.0.1', port: up.publish.port }, docroot })
  })
  s.up.publish.behave(PAGE, { body: '<html>etag</html>', headers: { 'content-type': 'text/html', etag: AEM_ETAG } })
  return s
}

describe('FileETag on cache hits (§5.6)', () => {
  it("FileETag None: the hit carries AEM's stored ETag only", async () => {
    const s = await site(true)
    expect((await s.send(PAGE)).headers.etag).toBe(AEM_ETAG)
    const hit = await s.send(PAGE)
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers.etag).toBe(AEM_ETAG)
  })

  it("without it (Apache's MTime Size default), Apache's own ETag of the file goes out", async () => {
    const s = await site(false)
    await s.send(PAGE)
    const hit = await s.send(PAGE)
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers.etag).toMatch(/^(W\/)?"[0-9a-f]+-[0-9a-f]+"$/)
  })

  it("Apache's ETag counts the file time in whole microseconds (apr_time_t), not milliseconds", async () => {
    const s = await site(false)
    await s.send(PAGE)
    const file = path.join(docrootOf, PAGE)
    // A modification time with a fraction of a millisecond, as ext4 and friends keep them.
    // Nanoseconds, as ext4 keeps them (Node's utimes stops at microseconds).
    execFileSync('touch', ['-m', '-d', '@1700000000.070674712', file])
    const st = fs.statSync(file, { bigint: true })
    const hit = await s.send(PAGE)
    expect(hit.trace.outcome).toBe('hit')
    expect(hit.headers.etag).toBe(`"${st.size.toString(16)}-${(st.mtimeNs / 1000n).toString(16)}"`)
  })
})
