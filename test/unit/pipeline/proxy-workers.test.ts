import { describe, expect, it } from 'vitest'
import { defineWorkers, keepsBackendConnection } from '../../../src/main/engine/pipeline/proxy-workers'

const plain = (url: string, ...options: string[]) => ({ url, matchable: false, options })
const match = (url: string, ...options: string[]) => ({ url, matchable: true, options })

describe('proxy workers (ap_proxy_get_worker_ex)', () => {
  it('takes the longest name no longer than the URL; a $1 counts as two characters', () => {
    const workers = defineWorkers([plain('http://b:81/'), match('http://b:81/echo/$1')])
    expect(keepsBackendConnection(workers, 'http://b:81/echo/x')).toBe(true)
    expect(keepsBackendConnection(workers, 'http://b:81/echo/xy')).toBe(false)
  })

  it('shares a worker an earlier line of the same kind defined, ignoring the later parameters', () => {
    const workers = defineWorkers([match('http://b/echo'), match('http://b/echo/$1', 'disablereuse=on')])
    expect(workers.map((w) => w.name)).toEqual(['http://b/echo'])
    expect(keepsBackendConnection(workers, 'http://b/echo/anything')).toBe(true)
  })

  it('names a worker with its scheme and host lower-cased and the default port dropped', () => {
    const workers = defineWorkers([plain('HTTP://Back:80/A/', 'disablereuse=On')])
    expect(workers[0].name).toBe('http://back/A/')
    expect(keepsBackendConnection(workers, 'http://BACK/A/x')).toBe(false)
    // The path keeps its case.
    expect(keepsBackendConnection(workers, 'http://back/a/x')).toBe(false)
  })

  it('keeps an IPv6 literal whole in the name, brackets and colons (a ProxyPass to http://[::1]:port/ keeps its connection)', () => {
    const workers = defineWorkers([plain('http://[::1]:8080/b/'), plain('HTTP://[FE80::A]:80/c/')])
    expect(workers.map((w) => w.name)).toEqual(['http://[::1]:8080/b/', 'http://[fe80::a]/c/'])
    expect(keepsBackendConnection(workers, 'http://[::1]:8080/b/x')).toBe(true)
    expect(keepsBackendConnection(workers, 'http://[fe80::a]/c/x')).toBe(true)
  })

  it('lets the last of disablereuse= and enablereuse= decide, as set_worker_param reads them in order', () => {
    const workers = defineWorkers([
      plain('http://b/de/', 'disablereuse=on', 'enablereuse=on'),
      plain('http://b/ed/', 'enablereuse=on', 'disablereuse=On'),
      plain('http://b/dd/', 'disablereuse=on', 'disablereuse=off'),
      match('http://b/m/$1', 'enablereuse=on', 'enablereuse=off')
    ])
    expect(workers.map((w) => w.reusable)).toEqual([true, false, true, false])
  })

  it('leaves a URL no worker takes to the generic worker, which keeps nothing', () => {
    const workers = defineWorkers([plain('http://b:8/x'), match('http://c/$1/e', 'enablereuse=on')])
    expect(keepsBackendConnection(workers, 'http://b:80/x')).toBe(false)
    expect(keepsBackendConnection(workers, 'http://other/x')).toBe(false)
    expect(keepsBackendConnection(workers, 'http://c/abc/e')).toBe(true)
    expect(keepsBackendConnection(workers, 'http://c/abc/f')).toBe(false)
  })
})

describe("a matchable worker's $N (ap_proxy_strcmp_ematch)", () => {
  it('gives up at the first try that ran out of URL, as httpd does, so several $N cost no more than one', () => {
    const workers = defineWorkers([match('http://h/$1/$2/$3/$4/z', 'enablereuse=on')])
    const started = performance.now()
    expect(keepsBackendConnection(workers, `http://h/${'/'.repeat(400)}`)).toBe(false)
    // Trying every place after each $N took 20 s here; httpd's stop makes it a few microseconds.
    expect(performance.now() - started).toBeLessThan(1000)
    expect(keepsBackendConnection(workers, 'http://h/aa/bb/cc/dd/z')).toBe(true)
    expect(keepsBackendConnection(workers, 'http://h/a//b/cc/dd/z/more')).toBe(true)
  })
})
