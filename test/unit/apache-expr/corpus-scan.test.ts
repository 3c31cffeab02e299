/**
 * Every RewriteRule/RewriteCond, SetEnvIf*, Header/RequestHeader, `<If>`/`<ElseIf>`, `Require expr`
 * and `expr=` log condition in the shared corpus (shared/corpus, see its MANIFEST.md) compiles and
 * evaluates for a plain request, or is reported with a reason. Lines are read directly (continuations
 * joined) so the scan does not depend on the Apache config loader; `${VAR}` Defines are replaced by
 * `1`, as a configured environment would (`${map:key}` lookups, which have a colon, are kept).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../../../src/shared/diagnostics'
import { evalExprBool, parseExpr } from '../../../src/main/engine/apache-expr'
import {
  applyResponseHeaders,
  applySetEnv,
  compileHeaders,
  compileSetEnv
} from '../../../src/main/engine/pipeline/headers'
import { applyRewrites, compileRewriteRules } from '../../../src/main/engine/pipeline/rewrite'
import { context, parseRewriteLines } from '../rewrite/fixtures'
import { headerDirectives, setEnvDirectives } from '../headers/fixtures'
import { probe, request } from './fixtures'

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus')
const EXTENSIONS = ['.rules', '.vhost', '.conf']

function corpusFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return corpusFiles(p)
    return EXTENSIONS.some((x) => e.name.endsWith(x)) ? [p] : []
  })
}

/** Logical lines: continuations joined, comments dropped, Defines replaced by "1". */
function logicalLines(file: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = []
  let pending = ''
  let start = 0
  fs.readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (!pending) start = i + 1
      if (raw.endsWith('\\')) {
        pending += raw.slice(0, -1)
        return
      }
      const text = (pending + raw).trim().replace(/\$\{[^}:]+\}/g, '1')
      pending = ''
      if (text && !text.startsWith('#')) out.push({ text, line: start })
    })
  return out
}

interface Found {
  file: string
  line: number
  text: string
}

function scan(): Record<'rewrite' | 'setenv' | 'header' | 'expr', Found[]> {
  const found = { rewrite: [] as Found[], setenv: [] as Found[], header: [] as Found[], expr: [] as Found[] }
  for (const file of corpusFiles(CORPUS)) {
    for (const { text, line } of logicalLines(file)) {
      const f = { file: path.relative(CORPUS, file), line, text }
      if (/^Rewrite(Cond|Rule|Map)\s/i.test(text)) found.rewrite.push(f)
      else if (/^SetEnvIf(NoCase|Expr)?\s/i.test(text)) found.setenv.push(f)
      else if (/^(Request)?Header\s/i.test(text)) found.header.push(f)
      const ifExpr = /^<(?:If|ElseIf)\s+"(.*)"\s*>$/i.exec(text)
      const requireExpr = /^Require\s+expr\s+"(.*)"$/i.exec(text)
      const logExpr = /^CustomLog\s.*"expr=(.*)"$/i.exec(text)
      const expr = ifExpr?.[1] ?? requireExpr?.[1] ?? logExpr?.[1]
      if (expr !== undefined) found.expr.push({ ...f, text: expr })
    }
  }
  return found
}

const errors = (problems: Diagnostic[]) => problems.filter((p) => p.severity === 'error')

describe.skipIf(!fs.existsSync(CORPUS))('every Apache expression and rule in the corpus', () => {
  const found = fs.existsSync(CORPUS) ? scan() : { rewrite: [], setenv: [], header: [], expr: [] }
  const req = request({
    headers: { host: 'publish.example.com', 'user-agent': 'Mozilla/5.0', origin: 'https://x.example' }
  })

  it('finds the directives (the scan itself works)', () => {
    expect(found.rewrite.length).toBeGreaterThan(200)
    expect(found.setenv.length).toBeGreaterThan(50)
    expect(found.header.length).toBeGreaterThan(200)
    expect(found.expr.length).toBeGreaterThan(40)
  })

  it('every RewriteCond/RewriteRule compiles and the rules of each file run', () => {
    const byFile = new Map<string, Found[]>()
    for (const f of found.rewrite) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f])
    for (const [file, lines] of byFile) {
      const { rules, maps } = parseRewriteLines(lines.map((l) => l.text).join('\n'), file)
      const compiled = compileRewriteRules(rules, maps)
      expect(errors(compiled.problems), file).toEqual([])
      const out = applyRewrites(compiled, req, context())
      expect(
        out.trace.rules.every((r) => r.verdict !== 'invalid'),
        file
      ).toBe(true)
    }
  })

  it('every SetEnvIf/SetEnvIfNoCase/SetEnvIfExpr compiles and evaluates', () => {
    const compiled = compileSetEnv(setEnvDirectives(found.setenv.map((f) => f.text).join('\n')))
    expect(errors(compiled.problems)).toEqual([])
    expect(compiled.entries.length).toBe(found.setenv.length)
    const r = applySetEnv(compiled, req, {})
    expect(r.trace.entries.filter((e) => e.expr?.error)).toEqual([])
  })

  it('every Header/RequestHeader compiles and applies', () => {
    const compiled = compileHeaders(headerDirectives(found.header.map((f) => f.text).join('\n')))
    expect(errors(compiled.problems)).toEqual([])
    expect(compiled.entries.length).toBe(found.header.length)
    const r = applyResponseHeaders(compiled, { status: 200, headers: { 'content-type': 'text/html' } }, req, {})
    expect(r.trace.entries.filter((e) => e.condition?.expr?.error)).toEqual([])
  })

  it('every <If>, Require expr and CustomLog expr= parses and evaluates to a boolean', () => {
    for (const f of found.expr) {
      const r = evalExprBool(parseExpr(f.text), { req, env: {}, fs: probe({}), handler: 'dispatcher-handler' })
      expect(r.error, `${f.file}:${f.line} ${f.text}`).toBeUndefined()
      expect(typeof r.value).toBe('boolean')
    }
  })
})
