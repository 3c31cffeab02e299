/** The port the listener stands for, and which `<VirtualHost>` addresses take it. */
import { describe, expect, it } from 'vitest'
import { listenPort, takesPort } from '../../../src/main/engine/runtime/listen-port'
import { load } from '../config/apache/helpers'

describe('the emulated Listen port', () => {
  it("is the first Listen's (AMS adds a health-check Listen 81 after httpd.conf's 80), else 80", () => {
    expect(listenPort(load({ 'httpd.conf': 'Listen 80\nListen 81\n' }).config)).toBe(80)
    expect(listenPort(load({ 'httpd.conf': 'Listen 0.0.0.0:8080 http\n' }).config)).toBe(8080)
    expect(listenPort(load({ 'httpd.conf': 'Listen [::]:443\n' }).config)).toBe(443)
    expect(listenPort(load({ 'httpd.conf': 'ServerName x\n' }).config)).toBe(80)
    expect(listenPort(undefined)).toBe(80)
  })

  it('is taken by addresses on that port, on any port (*) or without one', () => {
    expect(takesPort(['*:80'], 80)).toBe(true)
    expect(takesPort(['*:81'], 80)).toBe(false)
    expect(takesPort(['*:81', '*:80'], 80)).toBe(true)
    expect(takesPort(['*:*'], 80)).toBe(true)
    expect(takesPort(['*'], 80)).toBe(true)
    expect(takesPort(['_default_:443'], 80)).toBe(false)
    expect(takesPort(['[::1]:80'], 80)).toBe(true)
    expect(takesPort(['[::1]'], 80)).toBe(true)
    expect(takesPort(['10.0.0.1:8080'], 80)).toBe(false)
  })
})
