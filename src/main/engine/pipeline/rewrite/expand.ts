/**
 * `do_expand`: turn a parsed TestString/Substitution into text for one request. With `[B]`
 * (and its variants) the `$N`/`%N` back-references are escaped first. It also records what a
 * user needs to see (every variable and map lookup), the request headers read (for `Vary`), and
 * which `?` characters came from the literal text of the substitution: since Apache 2.4.63 only
 * those are trusted as the query-string separator (a `?` from an expansion is refused, AH10508).
 */
import type { LookupTrace } from '../../../../shared/trace-apache'
import { escapeBackref, type BackrefEscapeOptions } from '../../apache-expr'
import type { RewriteMapImpl } from './maps'
import type { TemplatePart } from './template'
import { rewriteVariable, type RewriteVariableScope } from './variables'

export type Captures = (string | undefined)[]

export interface ExpandScope extends RewriteVariableScope {
  maps: ReadonlyMap<string, RewriteMapImpl>
  /** `$0`–`$9` of the rule pattern (null after a negated pattern). */
  ruleCaptures: Captures | null
  /** `%0`–`%9` of the last matched condition (null until one matched). */
  condCaptures: Captures | null
}

export interface Expansion {
  text: string
  /** Positions (in `text`) of `?` characters written literally in the template. */
  literalQuestionMarks: number[]
}

export class Expander {
  readonly lookups: LookupTrace[] = []
  /** Request headers read through `%{HTTP_*}`/`%{HTTP:x}` since the last `takeHeaders()`. */
  private headers: string[] = []
  readonly notes: string[] = []

  /** `tracing` off: lookups and notes are not kept (only the text and the headers read). */
  constructor(
    private readonly scope: ExpandScope,
    private readonly tracing = true
  ) {}

  takeHeaders(): string[] {
    const h = this.headers
    this.headers = []
    return h
  }

  private note(message: string): void {
    if (this.tracing && !this.notes.includes(message)) this.notes.push(message)
  }

  expand(parts: TemplatePart[], escape: BackrefEscapeOptions | null = null): Expansion {
    let text = ''
    const literalQuestionMarks: number[] = []
    for (const part of parts) {
      switch (part.kind) {
        case 'text':
          for (let i = 0; i < part.text.length; i++) {
            if (part.text[i] === '?') literalQuestionMarks.push(text.length + i)
          }
          text += part.text
          break
        case 'var': {
          const v = rewriteVariable(part.name, this.scope)
          if (v.header) this.headers.push(v.header)
          if (this.tracing) {
            if (v.unknown) this.note(`%{${part.name}} is not a variable mod_rewrite knows: it expands to ""`)
            if (v.unsupported) this.note(v.unsupported)
            this.lookups.push({ name: `%{${part.name}}`, value: v.value })
          }
          text += v.value
          break
        }
        case 'rule-ref':
        case 'cond-ref': {
          const caps = part.kind === 'rule-ref' ? this.scope.ruleCaptures : this.scope.condCaptures
          const raw = caps?.[part.n] ?? ''
          text += escape && raw ? escapeBackref(raw, escape) : raw
          break
        }
        case 'map':
          text += this.lookupMap(part, escape)
          break
      }
    }
    return { text, literalQuestionMarks }
  }

  private lookupMap(part: Extract<TemplatePart, { kind: 'map' }>, escape: BackrefEscapeOptions | null): string {
    const key = this.expand(part.key, escape).text
    const map = this.scope.maps.get(part.map)
    let value: string | null = null
    if (!map) {
      this.note(`RewriteMap "${part.map}" is not defined: ${part.raw} finds nothing`)
    } else {
      const r = map.lookup(key)
      value = r.value
      if (this.tracing) {
        if (r.unsupported) this.note(r.unsupported)
        if (r.note) this.note(`${part.raw}: ${r.note}`)
      }
    }
    if (value === null && part.fallback) {
      const dflt = this.expand(part.fallback, escape).text
      if (dflt) value = dflt
    }
    if (this.tracing) this.lookups.push({ name: `\${${part.map}:${key}}`, value: value ?? '' })
    return value ?? ''
  }
}
