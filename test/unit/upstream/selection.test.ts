import { describe, expect, it } from 'vitest'
import { renderName, selectRender } from '../../../src/main/engine/upstream/selection'
import { RenderStatistics } from '../../../src/main/engine/upstream/statistics'
import { category, fakeClock } from './helpers'

const names = ['rend01', 'rend02', 'rend03']

function statsWith(categories = [category('html', '*.html')]): RenderStatistics {
  return new RenderStatistics({
    farm: 'publish',
    renders: names.map((label, i) => ({ label, origin: `127.0.0.1:${4503 + i}` })),
    categories,
    unavailablePenalty: 1,
    now: fakeClock().now
  })
}

describe('render selection (§6.1)', () => {
  it('R1: a renderid=rend02 cookie sends the request to rend02, the others follow', () => {
    const c = selectRender({ names, cookieHeader: 'renderid=rend02', uri: '/content/a.html' })
    expect(c).toMatchObject({ index: 1, by: 'sticky', reason: 'sticky cookie renderid=rend02', order: [1, 0, 2] })
  })

  it('the cookie wins over statistics, on any path', () => {
    const s = statsWith()
    s.recordResponse(2, '/a.html', 900)
    s.recordResponse(0, '/a.html', 1)
    s.recordResponse(1, '/a.html', 2)
    const c = selectRender({ names, cookieHeader: 'renderid=rend03', uri: '/b.html', statistics: s })
    expect(c).toMatchObject({ index: 2, by: 'sticky', order: [2, 0, 1] })
  })

  it('a renderid naming no render of the farm is ignored', () => {
    const c = selectRender({ names, cookieHeader: 'renderid=other', uri: '/content/a.html' })
    expect(c).toMatchObject({ index: 0, by: 'first', reason: 'first render' })
  })

  it('without a cookie, the lowest estimate in the category decides, and the others follow by estimate', () => {
    const s = statsWith()
    s.recordResponse(0, '/a.html', 30)
    s.recordResponse(1, '/a.html', 10)
    s.recordResponse(2, '/a.html', 20)
    const c = selectRender({ names, uri: '/content/b.html', statistics: s })
    expect(c).toMatchObject({
      index: 1,
      by: 'statistics',
      reason: 'lowest response-time estimate in category html',
      category: 'html',
      estimates: [30, 10, 20],
      order: [1, 2, 0]
    })
  })

  it('a URI in no category goes to the first render, the others in list order', () => {
    const c = selectRender({ names, uri: '/content/b.png', statistics: statsWith() })
    expect(c).toMatchObject({ index: 0, by: 'first', reason: 'first render', order: [0, 1, 2] })
  })

  it('without statistics the first render is chosen', () => {
    expect(selectRender({ names, uri: '/a.html' })).toMatchObject({
      index: 0,
      reason: 'first render',
      order: [0, 1, 2]
    })
  })

  it('a farm without renders has no choice', () => {
    expect(selectRender({ names: [], uri: '/a.html' })).toBeNull()
  })

  it('an unlabelled render goes by its position', () => {
    expect(renderName('', 1)).toBe('1')
    expect(renderName('rend01', 0)).toBe('rend01')
  })
})
