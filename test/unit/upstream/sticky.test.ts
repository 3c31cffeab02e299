import { describe, expect, it } from 'vitest'
import { compileSticky, readRenderId } from '../../../src/main/engine/upstream/sticky'
import { sticky } from './helpers'

describe('sticky paths (§6.2)', () => {
  it('/stickyConnectionsFor "/content/shop" makes /content/shop/cart.html sticky and /content/news.html not', () => {
    const p = compileSticky(sticky(['/content/shop']))!
    expect(p.isSticky('/content/shop/cart.html')).toBe(true)
    expect(p.isSticky('/content/shop')).toBe(true)
    expect(p.isSticky('/content/news.html')).toBe(false)
  })

  it('a sticky entry is a plain prefix: /products also covers /products.html, the page of the folder', () => {
    const p = compileSticky(sticky(['/products']))!
    expect(p.isSticky('/products.html')).toBe(true)
  })

  it('any /stickyConnections/paths entry makes a path sticky', () => {
    const p = compileSticky(sticky(['/content/image', '/content/video', '/var/files/pdfs']))!
    expect(p.isSticky('/var/files/pdfs/a.pdf')).toBe(true)
    expect(p.isSticky('/content/video/b.mp4')).toBe(true)
    expect(p.isSticky('/content/text/c.html')).toBe(false)
  })

  it('a farm without sticky paths has no policy', () => {
    expect(compileSticky(undefined)).toBeNull()
    expect(compileSticky(sticky([]))).toBeNull()
  })
})

describe('the renderid cookie', () => {
  it('R8: over HTTPS with /stickyConnections absent, the cookie names the render with Secure and without HttpOnly', () => {
    const p = compileSticky(sticky(['/content/shop']))!
    const c = p.setCookieFor('/content/shop/cart.html', undefined, 'rend01', true)
    expect(c).toBe('renderid=rend01; Path=/; Secure')
    expect(c).not.toContain('HttpOnly')
  })

  it('over plain HTTP with the default /secure "0" the cookie is not Secure', () => {
    expect(compileSticky(sticky(['/content/shop']))!.cookie('rend01', false)).toBe('renderid=rend01; Path=/')
  })

  it('/secure "1" makes the cookie Secure even over plain HTTP', () => {
    expect(compileSticky(sticky(['/a'], { secure: { value: true } }))!.cookie('rend01', false)).toBe(
      'renderid=rend01; Path=/; Secure'
    )
  })

  it('/httpOnly "1" adds HttpOnly', () => {
    expect(compileSticky(sticky(['/a'], { httpOnly: { value: true } }))!.cookie('rend02', false)).toBe(
      'renderid=rend02; Path=/; HttpOnly'
    )
  })

  it('/domain sets the cookie Domain', () => {
    expect(compileSticky(sticky(['/a'], { domain: { value: '.example.com' } }))!.cookie('rend01', true)).toBe(
      'renderid=rend01; Path=/; Domain=.example.com; Secure'
    )
  })

  it('no cookie is sent when the request already names the render that answered', () => {
    const p = compileSticky(sticky(['/content/shop']))!
    expect(p.setCookieFor('/content/shop/a.html', 'x=1; renderid=rend01', 'rend01', false)).toBeNull()
  })

  it('the cookie is replaced when another render answered (the named one failed over)', () => {
    const p = compileSticky(sticky(['/content/shop']))!
    expect(p.setCookieFor('/content/shop/a.html', 'renderid=rend01', 'rend02', false)).toBe('renderid=rend02; Path=/')
  })

  it('answers to paths that are not sticky carry no cookie', () => {
    expect(
      compileSticky(sticky(['/content/shop']))!.setCookieFor('/content/news.html', undefined, 'rend01', true)
    ).toBeNull()
  })

  it('readRenderId finds the cookie among others, quoted or not, and ignores look-alikes', () => {
    expect(readRenderId('a=1; renderid=rend02; b=2')).toBe('rend02')
    expect(readRenderId('renderid="rend01"')).toBe('rend01')
    expect(readRenderId('xrenderid=rend01; myrenderid=2')).toBeNull()
    expect(readRenderId(undefined)).toBeNull()
  })
})
