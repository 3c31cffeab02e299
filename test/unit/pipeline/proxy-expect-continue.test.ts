import { describe, expect, it } from 'vitest'
import type { Dispatcher } from 'undici'
import { dispatchExpecting } from '../../../src/main/engine/pipeline/proxy-expect-continue'

describe('dispatchExpecting (node:http in place of undici for Expect: 100-continue)', () => {
  it('hands a request node:http refuses to write to the handler, as undici dispatch does, instead of throwing', () => {
    const errors: Error[] = []
    const handler: Dispatcher.DispatchHandler = { onResponseError: (_c, err) => void errors.push(err) }
    const opts: Dispatcher.DispatchOptions = {
      origin: 'http://127.0.0.1:9',
      path: '/b/x',
      method: 'POST',
      // What `RequestHeader set X-Foo %{FOO}e` sends after `[E=FOO:$1]` took a %7F from the URL.
      headers: ['Expect', '100-continue', 'X-Foo', 'a\x7fb', 'Content-Length', '5'],
      body: Buffer.from('hello')
    }
    expect(() => dispatchExpecting(opts, handler)).not.toThrow()
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['ERR_INVALID_CHAR'])
  })
})
