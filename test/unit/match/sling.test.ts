import { describe, expect, it } from 'vitest'
import { decompose } from '../../../src/main/engine/match/sling'

describe('Sling URL decomposition (§4.1)', () => {
  it('splits /content/site/en.a.b.html/s/x.json into path, selectors, extension and suffix', () => {
    expect(decompose('/content/site/en.a.b.html/s/x.json')).toEqual({
      path: '/content/site/en',
      selectors: ['a', 'b'],
      extension: 'html',
      suffix: '/s/x.json'
    })
  })

  it('a URL without a dot is all path: no selectors, extension or suffix', () => {
    expect(decompose('/content/site/en')).toEqual({
      path: '/content/site/en',
      selectors: [],
      extension: '',
      suffix: ''
    })
    expect(decompose('/')).toEqual({ path: '/', selectors: [], extension: '', suffix: '' })
  })

  it('/etc.clientlibs/site/x.css has path /etc, extension clientlibs and suffix /site/x.css (pitfall §10.7)', () => {
    expect(decompose('/etc.clientlibs/site/clientlib.min.css')).toEqual({
      path: '/etc',
      selectors: [],
      extension: 'clientlibs',
      suffix: '/site/clientlib.min.css'
    })
  })

  it('/crx/de/index.jsp;%0aa.css has extension css (pitfall §10.2)', () => {
    expect(decompose('/crx/de/index.jsp;%0aa.css')).toEqual({
      path: '/crx/de/index',
      selectors: ['jsp;%0aa'],
      extension: 'css',
      suffix: ''
    })
  })

  it('a dot in a directory name ends the path there', () => {
    expect(decompose('/content/my.site/en.html')).toEqual({
      path: '/content/my',
      selectors: [],
      extension: 'site',
      suffix: '/en.html'
    })
  })

  it('empty selector tokens are dropped: a..html has no selectors', () => {
    expect(decompose('/content/a..html')).toEqual({ path: '/content/a', selectors: [], extension: 'html', suffix: '' })
    expect(decompose('/content/a.b..c.html')).toMatchObject({ selectors: ['b', 'c'], extension: 'html' })
  })

  it('a trailing dot gives an empty extension', () => {
    expect(decompose('/content/page.')).toEqual({ path: '/content/page', selectors: [], extension: '', suffix: '' })
  })

  it('a dot-only segment such as ..; starts the decomposition (pitfall §10.3)', () => {
    expect(decompose('/content/..;/crx/packmgr/service.jsp')).toEqual({
      path: '/content/',
      selectors: [],
      extension: ';',
      suffix: '/crx/packmgr/service.jsp'
    })
  })

  it('the statfile /.stat has path /, extension stat', () => {
    expect(decompose('/.stat')).toEqual({ path: '/', selectors: [], extension: 'stat', suffix: '' })
  })

  it('a suffix keeps its own dots and a trailing slash counts as a suffix', () => {
    expect(decompose('/content/en.html/a.b/c.json')).toMatchObject({ extension: 'html', suffix: '/a.b/c.json' })
    expect(decompose('/content/en.html/')).toMatchObject({ extension: 'html', suffix: '/' })
  })

  it('many selectors keep their order: /content/apage.a.b.d.model.e.f.json', () => {
    expect(decompose('/content/apage.a.b.d.model.e.f.json').selectors).toEqual(['a', 'b', 'd', 'model', 'e', 'f'])
  })
})
