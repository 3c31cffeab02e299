/**
 * The Reply calls that say how the next head's answer is filtered and written (mod_deflate's
 * `gzipBody`, `undeflatedHead` and `deflatedHead`, mod_substitute's `substituteBody`, the `Header` lines,
 * and mod_proxy's word that it relays the answer: `proxied`, `backendSpelling`, `backendRanDry`), held by a reply that
 * stands in for another until it knows whether the answer they were made for goes out (an
 * ErrorDocument's subrequest: its own error answer is dropped). One place for all of them, so
 * a filter added later is not left behind by one wrapper.
 */
import type { Reply, LateHead } from './context'
import type { SubstituteRules } from './substitute'
import type { WireLine } from '../http/wire-lines'

type FilterCalls = Required<
  Pick<
    Reply,
    | 'gzipBody'
    | 'substituteBody'
    | 'undeflatedHead'
    | 'deflatedHead'
    | 'headerLines'
    | 'proxied'
    | 'backendSpelling'
    | 'backendRanDry'
  >
>

export class HeldFilterCalls implements FilterCalls {
  private calls: ((reply: Reply) => void)[] = []

  gzipBody(range?: string): void {
    this.calls.push((r) => r.gzipBody?.(range))
  }

  substituteBody(rules: SubstituteRules, instances: number): void {
    this.calls.push((r) => r.substituteBody?.(rules, instances))
  }

  undeflatedHead(head: LateHead): void {
    this.calls.push((r) => r.undeflatedHead?.(head))
  }

  deflatedHead(head: LateHead, gzip: boolean): void {
    this.calls.push((r) => r.deflatedHead?.(head, gzip))
  }

  headerLines(lines: readonly WireLine[]): void {
    this.calls.push((r) => r.headerLines?.(lines))
  }

  proxied(mimeType?: boolean): void {
    this.calls.push((r) => r.proxied?.(mimeType))
  }

  backendSpelling(names: ReadonlyMap<string, string>): void {
    this.calls.push((r) => r.backendSpelling?.(names))
  }

  backendRanDry(): void {
    this.calls.push((r) => r.backendRanDry?.())
  }

  /** Makes the held calls on `reply`, and forgets them. */
  replay(reply: Reply): void {
    const calls = this.calls
    this.calls = []
    for (const call of calls) call(reply)
  }

  /** Forgets them: the answer they were made for is dropped. */
  drop(): void {
    this.calls = []
  }
}
