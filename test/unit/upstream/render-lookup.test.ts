import type { LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { describe, expect, it } from 'vitest'
import { renderLookup, type Resolver } from '../../../src/main/engine/upstream/render-lookup'
import { socketErrorText } from '../../../src/main/engine/upstream/socket-errors'

function counting(answers: LookupAddress[][]): { resolver: Resolver; calls: { host: string; family: number }[] } {
  const calls: { host: string; family: number }[] = []
  return {
    calls,
    resolver: async (host, family) => {
      const answer = answers[Math.min(calls.length, answers.length - 1)]
      calls.push({ host, family })
      if (answer.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
      return answer
    }
  }
}

function lookupAll(fn: LookupFunction, host: string, family?: number): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    fn(host, { all: true, family }, (err, addresses) => (err ? reject(err) : resolve(addresses as LookupAddress[])))
  )
}

function lookupOne(fn: LookupFunction, host: string): Promise<string> {
  return new Promise((resolve, reject) =>
    fn(host, {}, (err, address) => (err ? reject(err) : resolve(address as string)))
  )
}

const both: LookupAddress[] = [
  { address: '::1', family: 6 },
  { address: '127.0.0.1', family: 4 }
]

function render(hostname: string, ipv4 = false, alwaysResolve = false) {
  return { hostname: { value: hostname }, ipv4: { value: ipv4 }, alwaysResolve: { value: alwaysResolve } }
}

describe('render host resolution (/ipv4, /always-resolve)', () => {
  it('an IP address needs no lookup', () => {
    expect(renderLookup(render('127.0.0.1'))).toBeUndefined()
    expect(renderLookup(render('::1'))).toBeUndefined()
  })

  it('by default the name is resolved once and the addresses reused (the module caches the IP)', async () => {
    const r = counting([both, [{ address: '10.0.0.9', family: 4 }]])
    const fn = renderLookup(render('publish'), r.resolver)!
    expect(await lookupAll(fn, 'publish')).toEqual(both)
    expect(await lookupAll(fn, 'publish')).toEqual(both)
    expect(r.calls).toHaveLength(1)
    expect(r.calls[0]).toEqual({ host: 'publish', family: 0 })
  })

  it('/always-resolve "1" resolves before every connection', async () => {
    const r = counting([both, [{ address: '10.0.0.9', family: 4 }]])
    const fn = renderLookup(render('publish', false, true), r.resolver)!
    await lookupAll(fn, 'publish')
    expect(await lookupOne(fn, 'publish')).toBe('10.0.0.9')
    expect(r.calls).toHaveLength(2)
  })

  it('a failed lookup is not remembered: a render that appears later is found', async () => {
    const r = counting([[], both])
    const fn = renderLookup(render('publish'), r.resolver)!
    await expect(lookupAll(fn, 'publish')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    expect(await lookupAll(fn, 'publish')).toEqual(both)
  })

  it('/ipv4 "1" asks for IPv4 addresses only, in an order that varies (gethostbyname)', async () => {
    const four: LookupAddress[] = [
      { address: '10.0.0.1', family: 4 },
      { address: '10.0.0.2', family: 4 },
      { address: '10.0.0.3', family: 4 }
    ]
    const r = counting([four])
    const fn = renderLookup(render('elb', true), r.resolver, () => 0)!
    const got = await lookupAll(fn, 'elb')
    expect(r.calls[0].family).toBe(4)
    expect(got.map((a) => a.address).sort()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'])
    expect(got.map((a) => a.address)).not.toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'])
  })

  it('a request for one family gets only that family', async () => {
    const fn = renderLookup(render('publish'), counting([both]).resolver)!
    expect(await lookupAll(fn, 'publish', 4)).toEqual([{ address: '127.0.0.1', family: 4 }])
  })
})

describe('socket error wording', () => {
  it('speaks like strerror(3), as the module logs', () => {
    expect(socketErrorText('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')).toBe('Connection refused')
    expect(socketErrorText('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')).toBe('Connection timed out')
    expect(socketErrorText('UND_ERR_SOCKET', 'other side closed')).toBe('Connection reset by peer')
    expect(socketErrorText('EWHATEVER', 'something odd')).toBe('something odd')
  })
})
