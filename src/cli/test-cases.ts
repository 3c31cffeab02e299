/**
 * `test <config> <cases>`: pins a project's Dispatcher behaviour in its CI. The cases file
 * (YAML or JSON) is a list of requests with expectations; see README "Test cases".
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import YAML from 'yaml'
import { Engine } from '../main/engine/engine'
import { RUNTIME_OPTIONS, runtimeOptions, UsageError } from './args'
import { displayPath } from './check'
import { toExplainJson, type ExplainJson } from './explain-json'
import { loadOrReport } from './load-or-report'
import { OUTCOME_LABEL } from '../shared/outcome-labels'
import type { Outcome } from '../shared/trace'

export interface TestCase {
  name?: string
  /** `GET /path?query` or just `/path` (GET). */
  request: string
  host?: string
  headers?: Record<string, string>
  client?: string
  https?: boolean
  expect: {
    farm?: string
    decision?: 'allow' | 'deny'
    rule?: string | null
    status?: number | null
    location?: string | null
    url?: string
    outcome?: string
    cacheable?: boolean
    cacheInfo?: string
  }
}

const EXPECT_KEYS = new Set([
  'farm',
  'decision',
  'rule',
  'status',
  'location',
  'url',
  'outcome',
  'cacheable',
  'cacheInfo'
])

const OUTCOMES = Object.keys(OUTCOME_LABEL) as Outcome[]

/** `miss-uncacheable` or its label `not cacheable`: the outcome meant, undefined when none. */
function outcomeId(v: unknown): Outcome | undefined {
  return OUTCOMES.find((o) => o === v || OUTCOME_LABEL[o] === v)
}

export function parseCases(text: string, file: string): TestCase[] {
  let data: unknown
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)
  } catch (e) {
    throw new UsageError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`)
  }
  const list = Array.isArray(data) ? data : (data as { cases?: unknown })?.cases
  if (!Array.isArray(list)) throw new UsageError(`${file}: expected a list of cases (or { cases: [...] })`)
  return list.map((c, i) => {
    const tc = c as TestCase
    if (!tc || typeof tc.request !== 'string')
      throw new UsageError(`${file}: case ${i + 1} needs "request" (e.g. "GET /content/x.html")`)
    if (!tc.expect || typeof tc.expect !== 'object') throw new UsageError(`${file}: case ${i + 1} needs "expect"`)
    for (const k of Object.keys(tc.expect)) {
      if (!EXPECT_KEYS.has(k))
        throw new UsageError(
          `${file}: case ${i + 1}: unknown expectation "${k}" (known: ${[...EXPECT_KEYS].join(', ')})`
        )
    }
    checkExpectationTypes(tc.expect, `${file}: case ${i + 1}`)
    const outcome = tc.expect.outcome
    if (outcome !== undefined) {
      // The request log's words are accepted too: an outcome is written as the UI shows it.
      const id = outcomeId(outcome)
      if (id === undefined)
        throw new UsageError(
          `${file}: case ${i + 1}: unknown outcome ${JSON.stringify(outcome)} (known: ${OUTCOMES.map((o) => `${o} ("${OUTCOME_LABEL[o]}")`).join(', ')})`
        )
      tc.expect.outcome = id
    }
    return tc
  })
}

/**
 * Each expectation's value has the type its result has, checked when the file is read: a value
 * of another type can never compare equal, and the case would fail with a puzzling
 * `expected "404", got 404`. A status written as a string of digits (YAML users quote it) is
 * the number; a rule label written bare is a YAML number that has lost its leading zeros.
 */
function checkExpectationTypes(expect: TestCase['expect'], where: string): void {
  const bad = (key: string, want: string): UsageError =>
    new UsageError(`${where}: "${key}" expects ${want}, got ${JSON.stringify(expect[key as keyof typeof expect])}`)
  if (typeof expect.status === 'string' && /^\d{3}$/.test(expect.status)) expect.status = Number(expect.status)
  if (expect.status !== undefined && expect.status !== null && !Number.isInteger(expect.status))
    throw bad('status', 'an HTTP status (404), or null for none')
  if (typeof expect.rule === 'number')
    throw new UsageError(
      `${where}: "rule" is the number ${expect.rule} here (YAML drops leading zeros): write the label in quotes, e.g. rule: "0010"`
    )
  if (expect.rule !== undefined && expect.rule !== null && typeof expect.rule !== 'string')
    throw bad('rule', 'a rule label ("0010"), or null for none')
  if (expect.decision !== undefined && expect.decision !== 'allow' && expect.decision !== 'deny')
    throw bad('decision', '"allow" or "deny"')
  if (expect.cacheable !== undefined && typeof expect.cacheable !== 'boolean') throw bad('cacheable', 'true or false')
  for (const key of ['farm', 'url', 'cacheInfo'] as const)
    if (expect[key] !== undefined && typeof expect[key] !== 'string') throw bad(key, 'a string')
  if (expect.location !== undefined && expect.location !== null && typeof expect.location !== 'string')
    throw bad('location', 'a URL, or null for none')
}

function actualOf(key: string, r: ExplainJson): unknown {
  switch (key) {
    case 'farm':
      return r.farm
    case 'decision':
      return r.filter?.decision ?? null
    case 'rule':
      return r.filter?.rule?.label ?? null
    case 'status':
      return r.status
    case 'location':
      return r.location
    case 'url':
      return r.url
    case 'outcome':
      return r.outcome
    case 'cacheable':
      return r.cache?.cacheable ?? null
    case 'cacheInfo':
      return r.cache?.reason ?? null
  }
  return undefined
}

/**
 * For a filter expectation that failed, the rule that decided and where it is written: the
 * rule to look at (or to fix) without running explain for the case.
 */
function decidedBy(key: string, r: ExplainJson): string {
  if ((key !== 'decision' && key !== 'rule') || !r.filter) return ''
  const rule = r.filter.rule
  return rule ? ` (rule /${rule.label} at ${displayPath(rule.file)}:${rule.line})` : ' (no rule matched)'
}

export function runCases(engine: Engine, cases: TestCase[]): { name: string; ok: boolean; failures: string[] }[] {
  return cases.map((c) => {
    const m = /^\s*(?:([A-Za-z]+)\s+)?(\S+)\s*$/.exec(c.request)
    if (!m) return { name: c.name ?? c.request, ok: false, failures: [`cannot read request "${c.request}"`] }
    const trace = engine.explain({
      method: m[1] ?? 'GET',
      url: m[2],
      host: c.host,
      headers: c.headers,
      client: c.client,
      secure: c.https
    })
    const r = toExplainJson(trace)
    const failures: string[] = []
    for (const [key, expected] of Object.entries(c.expect)) {
      const actual = actualOf(key, r)
      const norm = (v: unknown) => (typeof v === 'string' ? v.replace(/^\//, '') : v)
      const same = key === 'rule' || key === 'farm' ? norm(actual) === norm(expected) : actual === expected
      if (!same)
        failures.push(`${key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}${decidedBy(key, r)}`)
    }
    return { name: c.name ?? c.request, ok: failures.length === 0, failures }
  })
}

export function testCommand(argv: string[], out: (s: string) => void): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ...RUNTIME_OPTIONS }
  })
  if (positionals.length !== 2) throw new UsageError('test expects <config> <cases file>')
  const [config, file] = positionals
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`)
  }
  const cases = parseCases(text, file)
  // Without --docroot, each run judges its cases against an empty cache folder of its own: the
  // default one is shared with `serve` of the same configuration, and whatever was browsed
  // there would turn an expected "forwarded" into a hit.
  const ownCache = values.docroot === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'dw-test-cache-')) : undefined
  let results: ReturnType<typeof runCases>
  try {
    const engine = new Engine({ ...runtimeOptions(values), docroot: ownCache ?? values.docroot, config, watch: false })
    if (!loadOrReport(engine, out)) return 1
    results = runCases(engine, cases)
  } finally {
    if (ownCache !== undefined) fs.rmSync(ownCache, { recursive: true, force: true })
  }
  const failed = results.filter((r) => !r.ok).length
  if (values.json) out(JSON.stringify({ passed: results.length - failed, failed, results }, null, 2))
  else {
    const width = Math.min(70, Math.max(...results.map((r) => r.name.length), 4))
    for (const r of results) {
      out(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}${r.ok ? '' : '  ' + r.failures.join('; ')}`)
    }
    out(`${results.length - failed} passed, ${failed} failed`)
  }
  return failed === 0 ? 0 : 1
}
