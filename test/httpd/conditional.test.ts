/**
 * Conditional requests under Debian's apache2 and under the workbench, side by side, on WKND's
 * configuration (project.ts): httpd's `ap_meets_conditions` weighs every validator present and
 * reads dates with `apr_date_parse_http`, both unlike RFC 7232 and `Date.parse` in places a
 * browser or a CDN reaches (If-None-Match with If-Modified-Since on every revalidation).
 * Behind mod_deflate the byte-range filter checks If-Range against the compressed answer's
 * `-gzip` ETag.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ask, compareAll, type HttpdRequest } from './harness'
import { CORPUS, projectSideBySide } from './project'

const BIG = Array.from({ length: 120 }, (_, i) => `<p>line ${i} of a page worth compressing</p>`).join('\n')
const B = '/content/wknd/us/en/big.html'

const running = projectSideBySide({
  src: path.join(CORPUS, 'adobe__aem-guides-wknd', 'dispatcher', 'src'),
  files: { 'content/wknd/us/en/big.html': `<html>${BIG}</html>\n`, 'content/wknd/us/en.html': '<html>en</html>\n' }
})

describe('conditional requests under apache2 and under the workbench', () => {
  it('every combination of validators gets the same answer from both', async () => {
    const first = await ask(running.apachePort, ['GET', B, {}])
    const strong = String(first.headers.etag).replace(/^W\//, '')
    const weak = `W/${strong}`
    const gzipped = strong.replace(/"$/, '-gzip"')
    const lm = String(first.headers['last-modified'])
    const at = (deltaMs: number): string => new Date(Date.parse(lm) + deltaMs).toUTCString()
    const [day, date, month, year, time] = lm.split(' ')
    const requests: HttpdRequest[] = [
      ['GET', B, { 'if-none-match': strong }],
      ['GET', B, { 'if-none-match': weak }],
      ['GET', B, { 'if-none-match': `"x", ${strong}` }],
      ['GET', B, { 'if-none-match': `"x", *` }],
      ['GET', B, { 'if-none-match': strong, 'accept-encoding': 'gzip' }],
      ['HEAD', B, { 'if-none-match': strong }],
      ['POST', B, { 'if-none-match': '*', 'content-length': '0' }],
      ['PUT', B, { 'if-none-match': weak, 'content-length': '0' }],
      ['GET', B, { 'if-modified-since': lm }],
      ['GET', B, { 'if-modified-since': at(1000) }],
      ['GET', B, { 'if-modified-since': at(-1000) }],
      ['GET', B, { 'if-modified-since': 'Mon, 01 Jan 2091 00:00:00 GMT' }],
      // Every validator is weighed: a changed date or one httpd cannot read voids the etag's 304.
      ['GET', B, { 'if-none-match': strong, 'if-modified-since': at(-1000) }],
      ['GET', B, { 'if-none-match': strong, 'if-modified-since': 'garbage' }],
      ['GET', B, { 'if-none-match': '"x"', 'if-modified-since': lm }],
      ['GET', B, { 'if-match': strong }],
      ['GET', B, { 'if-match': weak }],
      ['GET', B, { 'if-match': `"x", *` }],
      ['GET', B, { 'if-match': strong, 'if-unmodified-since': at(-1000) }],
      ['GET', B, { 'if-unmodified-since': lm }],
      ['GET', B, { 'if-unmodified-since': 'garbage' }],
      // The epoch is APR_DATE_BAD's value: ignored, as a date httpd cannot read.
      ['GET', B, { 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }],
      ['GET', B, { 'if-unmodified-since': 'Wed, 31 Dec 1969 23:59:59 GMT' }],
      ['GET', B, { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT', 'if-none-match': strong }],
      ['GET', B, { 'if-unmodified-since': lm, 'if-none-match': strong }],
      ['GET', B, { 'if-match': '"x"', 'if-none-match': strong }],
      // Range with If-Range goes to the byte-range filter, never to a 304.
      ['GET', B, { range: 'bytes=0-3', 'if-range': strong, 'if-none-match': strong }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': lm, 'if-modified-since': lm }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': '"nomatch"', 'if-none-match': strong }],
      ['GET', B, { range: 'bytes=0-3', 'if-none-match': strong }],
      // apr_date_parse_http: exact month case, something after the time, the zone not read.
      ['GET', B, { 'if-modified-since': lm.toUpperCase() }],
      ['GET', B, { 'if-modified-since': lm.replace(' GMT', '') }],
      ['GET', B, { 'if-modified-since': lm.replace('GMT', 'UTC') }],
      ['GET', B, { 'if-modified-since': `${lm}; length=4523` }],
      ['GET', B, { 'if-modified-since': `${day.replace(',', '')}day, ${date}-${month}-${year.slice(2)} ${time} GMT` }],
      ['GET', B, { 'if-modified-since': `Sun ${month} ${date.replace(/^0/, ' ')} ${time} ${year}` }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': lm.toUpperCase() }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': strong, 'accept-encoding': 'gzip' }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': gzipped, 'accept-encoding': 'gzip' }],
      ['GET', B, { range: 'bytes=0-3,5-6', 'if-range': strong, 'accept-encoding': 'gzip' }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': lm, 'accept-encoding': 'gzip' }],
      ['GET', B, { range: 'bytes=0-3', 'if-range': gzipped }]
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })

  it('a file named with a trailing slash is not found (the slash is path info the default handler refuses)', async () => {
    const requests: HttpdRequest[] = [
      ['GET', '/content/wknd/us/en.html/', {}],
      ['GET', '/content/wknd/us/en.html//', {}],
      ['GET', B + '/', { 'if-none-match': '*' }]
    ]
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
