/** Small builders for farm and render configuration as the loader produces it. */
import type {
  PatternSpec,
  Render,
  StatisticsCategory,
  StickyConnections,
  VanityUrls
} from '../../../src/shared/config-model'

const pos = { file: '/test/dispatcher.any', line: 1, column: 1 }

export function category(label: string, glob: string, kind: PatternSpec['kind'] = 'glob'): StatisticsCategory {
  return { label, glob: { kind, source: glob, pos }, pos }
}

export function render(label: string, port: number, extra: Partial<Render> = {}): Render {
  return {
    label,
    hostname: { value: '127.0.0.1' },
    port: { value: port },
    timeout: { value: 0 },
    receiveTimeout: { value: 600_000 },
    ipv4: { value: false },
    secure: { value: false },
    alwaysResolve: { value: false },
    pos,
    ...extra
  }
}

export function sticky(paths: string[], extra: Partial<Omit<StickyConnections, 'paths'>> = {}): StickyConnections {
  return {
    paths: paths.map((value) => ({ value })),
    httpOnly: { value: false },
    secure: { value: false },
    pos,
    ...extra
  }
}

export function vanityConfig(extra: Partial<VanityUrls> = {}): VanityUrls {
  return {
    url: { value: '/libs/granite/dispatcher/content/vanityUrls.html' },
    delay: { value: 300 },
    loadOnStartup: { value: true },
    pos,
    ...extra
  }
}

/** A controllable millisecond clock. */
export function fakeClock(start = 1_000): { now: () => number; advance(ms: number): void } {
  let t = start
  return {
    now: () => t,
    advance(ms) {
      t += ms
    }
  }
}
