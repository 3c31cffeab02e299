/**
 * Test helper: turn `RewriteCond`/`RewriteRule`/`RewriteMap` lines into the config model the
 * way mod_rewrite's `parseargline` splits them (quotes group, `[flags]` split on commas), so
 * tests can quote real configuration without depending on the Apache config parser.
 */
import type { RewriteCond, RewriteMapDef, RewriteRule } from '../../../src/shared/config-model'
import type { FileProbe } from '../../../src/main/engine/apache-expr'
import type { RewriteContext } from '../../../src/main/engine/pipeline/rewrite'

function args(line: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++
    if (i >= line.length) break
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : ''
    let tok = ''
    while (i < line.length && !(quote ? line[i] === quote : /\s/.test(line[i]))) {
      if (line[i] === '\\' && /\s/.test(line[i + 1] ?? '')) tok += line[i++]
      tok += line[i++]
    }
    if (quote) i++
    out.push(tok)
  }
  return out
}

export function parseRewriteLines(
  text: string,
  file = '/conf.d/rewrites/test.rules'
): {
  rules: RewriteRule[]
  maps: RewriteMapDef[]
} {
  const rules: RewriteRule[] = []
  const maps: RewriteMapDef[] = []
  let conds: RewriteCond[] = []
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const pos = { file, line: idx + 1, column: raw.indexOf(line) + 1 }
    const [directive, ...rest] = args(line)
    const flagList = (f: string | undefined): string[] =>
      f
        ? f
            .replace(/^\[|\]$/g, '')
            .split(',')
            .map((x) => x.trim())
        : []
    if (/^RewriteCond$/i.test(directive)) {
      conds.push({ testString: rest[0], pattern: rest[1], flags: flagList(rest[2]).map((f) => f.toLowerCase()), pos })
    } else if (/^RewriteRule$/i.test(directive)) {
      rules.push({ pattern: rest[0], substitution: rest[1], flags: flagList(rest[2]), conds, pos })
      conds = []
    } else if (/^RewriteMap$/i.test(directive)) {
      const colon = rest[1].indexOf(':')
      maps.push({ name: rest[0], type: rest[1].slice(0, colon), source: rest[1].slice(colon + 1), pos })
    } else {
      throw new Error(`not a rewrite directive: ${line}`)
    }
  })
  return { rules, maps }
}

/** A file system with the given paths (directories end without a slash). */
export function fsWith(files: Record<string, 'dir' | number> = {}): FileProbe {
  return {
    stat(p: string) {
      const e = files[p]
      if (e === undefined) return null
      return { kind: e === 'dir' ? 'dir' : 'file', size: e === 'dir' ? 4096 : e, symlink: false, executable: false }
    }
  }
}

/** The root of a Linux container: mod_rewrite's first-segment check finds these. */
export const containerRoot = fsWith({
  '/etc': 'dir',
  '/var': 'dir',
  '/tmp': 'dir',
  '/usr': 'dir',
  '/mnt': 'dir',
  '/home': 'dir'
})

export function context(overrides: Partial<RewriteContext> = {}): RewriteContext {
  return {
    scope: 'vhost',
    maps: new Map(),
    env: {},
    fs: containerRoot,
    now: new Date('2025-01-15T10:20:30Z'),
    ...overrides
  }
}
