/**
 * Small typed readers over the schema-free .any tree, shared by every section builder.
 * They turn "a property of the wrong shape" into one diagnostic and a default, so a
 * broken section never hides the rest of the configuration (DOT reads on, and so do we).
 */
import type { Sourced, PatternSpec, GlobRule, RuleType } from '../../../../shared/config-model'
import type { DiagnosticSink, SourcePos } from '../../../../shared/diagnostics'
import { FILTER_ELEMENTS } from '../../../../shared/config-model'
import type { AnyBlock, AnyEmpty, AnyItem, AnyProperty, AnyString } from '../any/ast'

/** Property names that, used as rule labels, reveal a brace problem. */
const RESERVED_LABELS = new Set<string>([...FILTER_ELEMENTS, 'type', 'filter', 'hostname', 'port', 'docroot'])

export class SectionReader {
  constructor(readonly sink: DiagnosticSink) {}

  /** A labeled rule written without `{ … }`; a property name as label hints at a section closed too early (DOT). */
  ruleWithoutBlock(item: AnyProperty | AnyEmpty, what: string): void {
    this.sink.error('ANY_EXPECTED_BLOCK', 'syntax', `${what} /${item.name} must begin with a '{' character`, item.pos)
    if (RESERVED_LABELS.has(item.name)) {
      this.sink.warn(
        'MODEL_RESERVED_LABEL',
        'model',
        `a property name was used to label a rule (label "${item.name}"): a section may have been closed incorrectly`,
        item.pos
      )
    }
  }

  /** Module wording: a property the section does not know (dispatcher-behavior.md §1.1). */
  unknown(item: AnyItem, section: string): void {
    if (item.kind === 'string') {
      this.sink.warn(
        'MODEL_STRAY_STRING',
        'model',
        `unlabeled string ${asWritten(item)} ignored in ${section} (only labeled entries belong here)`,
        item.pos
      )
      return
    }
    const name = item.kind === 'block' ? (item.name ?? '{ }') : item.name
    this.sink.warn('MODEL_UNKNOWN_PROPERTY', 'model', `entry not recognized: '${name}' in ${section}`, item.pos)
  }

  /** A section that needs `{ … }` was given a value or nothing: "scalar where a block belongs". */
  expectBlock(item: AnyItem, what: string): AnyBlock | undefined {
    if (item.kind === 'block') return item
    const pos = item.pos
    const got = item.kind === 'property' ? `the value "${item.value.value}"` : 'nothing'
    this.sink.error('ANY_EXPECTED_BLOCK', 'syntax', `${what} must begin with a '{' character, found ${got}`, pos)
    return undefined
  }

  string(item: AnyItem, what: string): Sourced<string> | undefined {
    if (item.kind === 'property') return { value: item.value.value, pos: item.value.pos }
    this.sink.error('ANY_EXPECTED_VALUE', 'syntax', `${what} needs a value`, item.pos)
    return undefined
  }

  /** Numeric property; bare or quoted (`/statfileslevel 2`, `"2"`). */
  number(item: AnyItem, what: string, fallback: number): Sourced<number> {
    const s = this.string(item, what)
    if (!s) return { value: fallback }
    const v = s.value.trim()
    if (/^-?\d+$/.test(v)) return { value: parseInt(v, 10), pos: s.pos }
    this.sink.warn('MODEL_BAD_NUMBER', 'model', `${what} expects a number, got "${s.value}"; using ${fallback}`, s.pos)
    return { value: fallback, pos: s.pos }
  }

  /**
   * Flags are "0"/"1" in the docs; the module reads them as numbers (C's atoi: leading digits,
   * else 0), so any non-zero is on and a word such as "true" or "on" is off. A value that is not
   * a plain number is read that way, with a warning that says what it became.
   */
  flag(item: AnyItem, what: string, fallback: boolean): Sourced<boolean> {
    const s = this.string(item, what)
    if (!s) return { value: fallback }
    if (/^\d+$/.test(s.value)) return { value: parseInt(s.value, 10) !== 0, pos: s.pos }
    const digits = /^\s*[-+]?\d+/.exec(s.value)
    const on = digits !== null && parseInt(digits[0], 10) !== 0
    this.sink.warn(
      'MODEL_BAD_FLAG',
      'model',
      `${what} expects "0" or "1", got "${s.value}", which the module reads as a number: ${on ? 'on' : 'off (0)'}`,
      s.pos
    )
    return { value: on, pos: s.pos }
  }

  /** Quote type decides the pattern dialect (§1.1): single quotes are POSIX ERE, the rest glob. */
  pattern(value: AnyString): PatternSpec {
    return { kind: value.quote === 'single' ? 'regex' : 'glob', source: value.value, pos: value.pos }
  }

  ruleType(item: AnyItem, label: string): RuleType | null {
    const s = this.string(item, `/type of rule /${label}`)
    if (!s) return null
    const v = s.value.trim().toLowerCase()
    if (v === 'allow' || v === 'deny') return v
    this.sink.warn(
      'MODEL_BAD_RULE_TYPE',
      'model',
      `rule /${label} has /type "${s.value}" (expected "allow" or "deny"); the rule never matches`,
      s.pos
    )
    return null
  }

  /**
   * A list of unlabeled strings (`/clientheaders`, `/virtualhosts`, `/headers`, `/paths`).
   * Accepts the sloppy form `/clientheaders "A" { "B" }` that DOT reads as 2 items, with a warning.
   */
  stringList(item: AnyItem, what: string, next?: AnyItem): { values: Sourced<string>[]; consumedNext: boolean } {
    if (item.kind === 'block') {
      const values: Sourced<string>[] = []
      for (const child of item.items) {
        if (child.kind === 'string') values.push({ value: child.value, pos: child.pos })
        else this.unknown(child, what)
      }
      return { values, consumedNext: false }
    }
    if (item.kind === 'property') {
      this.sink.error(
        'ANY_EXPECTED_BLOCK',
        'syntax',
        `${what} is a string list and must begin with a '{' character`,
        item.pos
      )
      const values: Sourced<string>[] = [{ value: item.value.value, pos: item.value.pos }]
      if (next && next.kind === 'block' && next.name === null) {
        for (const child of next.items) if (child.kind === 'string') values.push({ value: child.value, pos: child.pos })
        return { values, consumedNext: true }
      }
      return { values, consumedNext: false }
    }
    this.expectBlock(item, what)
    return { values: [], consumedNext: false }
  }

  /** Labeled `{ /glob "…" /type "…" }` rules (statistics categories have no /type: `typed: false`): /rules, /invalidate, /allowedClients, /ignoreUrlParams, … */
  globRules(item: AnyItem, what: string, opts: { typed?: boolean } = {}): GlobRule[] {
    const typed = opts.typed ?? true
    const block = this.expectBlock(item, what)
    if (!block) return []
    const rules: GlobRule[] = []
    for (const child of block.items) {
      if (child.kind !== 'block') {
        if (child.kind === 'empty' || child.kind === 'property') this.ruleWithoutBlock(child, `rule in ${what}:`)
        else this.unknown(child, what)
        continue
      }
      const label = child.name ?? ''
      let type: RuleType | null = null
      let glob: PatternSpec | null = null
      let sawType = false
      for (const p of child.items) {
        const key = p.kind === 'property' || p.kind === 'empty' || p.kind === 'block' ? p.name : null
        if (key === 'type' && typed) {
          sawType = true
          type = this.ruleType(p, label)
        } else if (key === 'glob' && p.kind === 'property') glob = this.pattern(p.value)
        else this.unknown(p, `${what} rule /${label}`)
      }
      if (!sawType && typed)
        this.sink.warn(
          'MODEL_RULE_WITHOUT_TYPE',
          'model',
          `rule /${label} in ${what} has no /type; it never matches`,
          child.pos
        )
      if (!glob)
        this.sink.warn(
          'MODEL_RULE_WITHOUT_GLOB',
          'model',
          `rule /${label} in ${what} has no /glob; it never matches`,
          child.pos
        )
      rules.push({ label, type, glob, pos: child.pos })
    }
    this.duplicateLabels(rules, what)
    return rules
  }

  /**
   * Two rules of one list under one label (dispatcher-behavior.md §1.2: undocumented; both are
   * kept, in document order, and the later one still wins when both match). Said because the
   * trace names the deciding rule by its label, which then points at two places.
   */
  duplicateLabels(rules: readonly { label: string; pos: SourcePos }[], what: string): void {
    const first = new Map<string, SourcePos>()
    for (const rule of rules) {
      if (rule.label === '') continue
      const seen = first.get(rule.label)
      if (seen === undefined) first.set(rule.label, rule.pos)
      else
        this.sink.warn(
          'MODEL_DUPLICATE_LABEL',
          'model',
          `rule label /${rule.label} is used again in ${what} (first at ${seen.file}:${seen.line}); both rules are kept in document order, but traces and logs name them alike`,
          rule.pos
        )
    }
  }
}

/** Key of an item for dispatching on property names; `null` for list strings and anonymous blocks. */
export function keyOf(item: AnyItem): string | null {
  if (item.kind === 'string') return null
  return item.name
}

export function posOf(item: AnyItem): SourcePos {
  return item.pos
}

/** A string as the file writes it, quotes and all (a bare one may end in a stray quote of its own). */
export function asWritten(s: AnyString): string {
  return s.quote === 'double' ? `"${s.raw}"` : s.quote === 'single' ? `'${s.raw}'` : s.raw
}
