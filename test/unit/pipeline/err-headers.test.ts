/**
 * err_headers_out over headers_out (err-headers.ts), as ap_http_header_filter's apr_table_overlay
 * makes one table of them: the record a name in both keys once (the error's values, then the
 * answer's), and the head's lines keep every line of both, the error's first. The same against
 * apache2 is test/httpd/error-document-err-headers.test.ts.
 */
import type { OutgoingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { withErrHeaders } from '../../../src/main/engine/pipeline/err-headers'
import type { WireLine } from '../../../src/main/engine/http/wire-lines'

/** withErrHeaders with a sink that keeps what it is handed: the record, and the lines (or 'none'). */
function overlay(
  err: OutgoingHttpHeaders,
  headers: OutgoingHttpHeaders,
  answerLines?: readonly WireLine[]
): { record: OutgoingHttpHeaders; lines: readonly WireLine[] | 'none' } {
  let lines: readonly WireLine[] | 'none' = 'none'
  const record = withErrHeaders(err, headers, answerLines, { headerLines: (l) => (lines = l) })
  return { record, lines }
}

describe('err_headers_out over headers_out', () => {
  it('without a name in both, is the two records together, and the answer keeps its own lines', () => {
    const answerLines: WireLine[] = [{ key: 'content-type', value: 'text/html', name: 'Content-Type' }]
    const out = overlay({ 'x-err': 'e' }, { 'content-type': 'text/html', 'content-length': 4 }, answerLines)
    expect(out.record).toEqual({ 'x-err': 'e', 'content-type': 'text/html', 'content-length': 4 })
    expect(Object.keys(out.record)).toEqual(['x-err', 'content-type', 'content-length'])
    // Handed on as they are, the very list: nothing to put in order.
    expect(out.lines).toBe(answerLines)
    // Without mod_headers' lines there is nothing to say about the order.
    expect(overlay({ 'x-err': 'e' }, { 'content-type': 'text/html' }).lines).toBe('none')
  })

  it("a name in both ([CO] cookies beside the answer's Set-Cookie) goes out twice, the error's line first", () => {
    const out = overlay({ 'set-cookie': ['a=1', 'b=2'] }, { 'content-type': 'text/html', 'Set-Cookie': 'c=3' })
    expect(out.record).toEqual({ 'set-cookie': ['a=1', 'b=2', 'c=3'], 'content-type': 'text/html' })
    expect(Object.keys(out.record)).toEqual(['set-cookie', 'content-type'])
    // The answer's lines stay where its record has them, in their own spelling.
    expect(out.lines).toEqual([
      { key: 'set-cookie', value: 'a=1' },
      { key: 'set-cookie', value: 'b=2' },
      { key: 'content-type', value: 'text/html' },
      { key: 'set-cookie', value: 'c=3', name: 'Set-Cookie' }
    ])
  })

  it("a name in both in another case is one name: the record keeps the error's spelling, values as text", () => {
    const out = overlay(
      { 'WWW-Authenticate': 'Basic realm=backend' },
      { 'www-authenticate': 'Basic realm=doc', 'x-n': 7 }
    )
    expect(out.record).toEqual({ 'WWW-Authenticate': ['Basic realm=backend', 'Basic realm=doc'], 'x-n': 7 })
    expect(out.lines).toEqual([
      { key: 'www-authenticate', value: 'Basic realm=backend', name: 'WWW-Authenticate' },
      { key: 'www-authenticate', value: 'Basic realm=doc' },
      { key: 'x-n', value: '7' }
    ])
  })

  it("puts the answer's lines in mod_headers' order and spelling, after the error's", () => {
    const answerLines: WireLine[] = [
      { key: 'x-a', value: '1', name: 'X-A' },
      { key: 'x-b', value: '2' },
      { key: 'x-a', value: '3', name: 'X-A' }
    ]
    const out = overlay({ 'X-B': 'e' }, { 'x-a': ['1', '3'], 'x-b': '2' }, answerLines)
    expect(out.record).toEqual({ 'X-B': ['e', '2'], 'x-a': ['1', '3'] })
    expect(out.lines).toEqual([
      { key: 'x-b', value: 'e', name: 'X-B' },
      { key: 'x-a', value: '1', name: 'X-A' },
      { key: 'x-b', value: '2' },
      { key: 'x-a', value: '3', name: 'X-A' }
    ])
  })

  it('passes over names without a value, on either side', () => {
    const out = overlay({ 'x-a': undefined, 'x-e': 'e' }, { 'x-a': '1', 'x-e': 'f', 'x-gone': undefined })
    expect(out.record).toEqual({ 'x-e': ['e', 'f'], 'x-a': '1' })
    expect(out.lines).toEqual([
      { key: 'x-e', value: 'e' },
      { key: 'x-a', value: '1' },
      { key: 'x-e', value: 'f' }
    ])
  })

  it('works with a sink that does not take lines', () => {
    expect(withErrHeaders({ 'set-cookie': 'a=1' }, { 'set-cookie': 'b=2' }, undefined, {})).toEqual({
      'set-cookie': ['a=1', 'b=2']
    })
  })
})
