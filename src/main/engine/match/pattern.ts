/**
 * One entry point for every pattern written in dispatcher.any: double quotes are globs, single
 * quotes POSIX extended regular expressions (dispatcher-behavior.md §1.1, §1.5). Compiled once per
 * kind+source and shared, because the same patterns repeat across farms and reloads.
 *
 * Backslashes: the string reader of dispatcher.any turns `\\` into one backslash (and `\'`, `\"`
 * into the quote) before the pattern is compiled; any other backslash is kept. Adobe's own AMS
 * baseline relies on this: `/suffix '.*\\.(css|js|…)$'` is its only rule allowing
 * `/etc.clientlibs/…` files, and `/url '.*(\\[|]).*'` is its guard against `[`/`]` in URLs. Read
 * as raw POSIX, `\\` would be a literal backslash: the first rule would allow no clientlib and the
 * second would block `\|` instead of brackets. Single-backslash spellings (`'…\.(css|js)'`, also in
 * the corpus) mean the same after this rule. The config parser must therefore hand over the value
 * as written (after `${VAR}` substitution) without interpreting backslashes itself.
 */
import type { PatternSpec } from '../../../shared/config-model'
import { compileGlob } from './glob'
import { PatternError, translatePosixEre } from './posix-regex'

export interface CompiledPattern {
  spec: PatternSpec
  test(subject: string): boolean
  /** Warnings about patterns that compile but are probably not what was meant (regex only). */
  notes: string[]
}

export interface PatternOptions {
  caseInsensitive?: boolean
}

type MemoEntry = { test: (s: string) => boolean; notes: string[] } | { error: PatternError }

/** Plenty for any real configuration; cleared wholesale so a long session cannot grow it forever. */
const MEMO_LIMIT = 20_000
/**
 * By kind and case-sensitivity, then by source: looking the source up as it is spares building
 * (and hashing) a combined key string for every pattern of every load.
 */
const memos = {
  glob: { sensitive: new Map<string, MemoEntry>(), caseless: new Map<string, MemoEntry>() },
  regex: { sensitive: new Map<string, MemoEntry>(), caseless: new Map<string, MemoEntry>() }
}

export function compilePattern(spec: PatternSpec, opts: PatternOptions = {}): CompiledPattern {
  const ci = opts.caseInsensitive === true
  const memo = ci ? memos[spec.kind].caseless : memos[spec.kind].sensitive
  let entry = memo.get(spec.source)
  if (entry === undefined) {
    entry = build(spec, ci)
    if (memo.size >= MEMO_LIMIT) memo.clear()
    memo.set(spec.source, entry)
  }
  if ('error' in entry) throw new PatternError(entry.error.message, entry.error.source, entry.error.offset)
  return { spec, test: entry.test, notes: entry.notes }
}

/** The dispatcher.any string reader's backslash rule (see the file comment). */
export function unescapeQuoted(source: string): string {
  return source.replace(/\\([\\'"])/g, '$1')
}

function build(spec: PatternSpec, caseInsensitive: boolean): MemoEntry {
  const source = unescapeQuoted(spec.source)
  if (spec.kind === 'glob') return { test: compileGlob(source, { caseInsensitive }), notes: [] }
  try {
    const { regex, notes } = translatePosixEre(source, { caseInsensitive })
    return { test: (s) => regex.test(s), notes }
  } catch (e) {
    if (e instanceof PatternError) return { error: e }
    throw e
  }
}
