/**
 * What one PCRE → JavaScript translation has seen so far, shared by the group, escape and class
 * readers (pcre.ts, pcre-group.ts, pcre-escape.ts, pcre-class.ts).
 *
 * Besides the running counts, it keeps what pcre2_compile checks only once the whole pattern is
 * read: that every back-reference, recursion and condition names a group the pattern has
 * (`\2` with one group, `\k<n>` without a group n: "reference to non-existent subpattern"), and,
 * per lookbehind, that each of its top-level branches has one fixed length (PCRE2 10.42 refuses
 * `(?<=a+)`, which JavaScript would take).
 */

/** The options in force at one point of the pattern (changed by `(?i)`, `(?s:…)`, …). */
export interface Scope {
  caseless: boolean
  dotall: boolean
  multiline: boolean
  extended: boolean
  /** `(?xx)`: spaces and tabs inside a class are skipped too. */
  extendedMore: boolean
  /** `(?n)`: a plain `(` does not capture. */
  noAutoCapture: boolean
  /** `(?U)`: quantifiers are lazy unless followed by `?`. */
  ungreedy: boolean
  /** `(?J)`: two groups may share a name (JavaScript cannot express it). */
  duplicateNames: boolean
}

const LOOKBEHIND_NOT_FIXED = 'lookbehind assertion is not fixed length'

type FrameKind = 'lookbehind' | 'lookahead' | 'capture' | 'group' | 'condition' | 'reset'

/** An open group: the length of each top-level branch so far, null once a branch can vary. */
interface Frame {
  kind: FrameKind
  capture: number
  branches: (number | null)[]
  current: number | null
  /** Length of the last atom, for a quantifier after it, and whether it was a lookaround. */
  last: number | null
  lastAssertion: boolean
  /** Groups opened before this one, and the most any branch reached (a branch reset `(?|` numbers each branch from the same start). */
  groupsBefore: number
  groupsMost: number
  /** A negative lookaround: the groups in it are never set after it. */
  negative: boolean
  /** Groups surely set once the current branch has matched so far; those of the finished branches; those the last atom set. */
  sure: Set<number>
  branchesSure: Set<number>[]
  lastSure: ReadonlySet<number>
  /** The fewest characters the current branch matches so far, each finished branch, and the last atom (for a quantifier). */
  least: number
  branchesLeast: number[]
  lastLeast: number
  /** The last atom is a group (a quantifier on it repeats a body that may match the empty string). */
  lastGroup: boolean
}

/** What an atom is besides its length; `least` defaults to the length (1 when it varies). */
interface AtomTraits {
  assertion?: boolean
  sure?: ReadonlySet<number>
  least?: number
  group?: boolean
}

/** No groups (shared: most atoms set none). */
const NONE: ReadonlySet<number> = new Set()

export class Progress {
  /** Capturing groups opened so far: PCRE reads `\12` as a back-reference only when there are that many. */
  groups = 0
  /** The pattern names a character past ASCII (raw, or by a hex or octal escape). */
  pastAscii = false
  /** The first construct JavaScript cannot express; translation goes on so later syntax errors are still found. */
  unsupported: string | null = null
  /** Group names, with their numbers. */
  readonly names = new Map<string, number>()
  private readonly numberRefs: number[] = []
  private readonly nameRefs: string[] = []
  private readonly frames: Frame[] = [newFrame('group', 0, 0, false)]
  /** Fixed length of each closed capturing group, for a back-reference inside a lookbehind. */
  private readonly captureLengths = new Map<number, number | null>()

  cannot(reason: string): void {
    this.unsupported ??= reason
  }

  referTo(group: number): void {
    this.numberRefs.push(group)
  }

  referToName(name: string): void {
    this.nameRefs.push(name)
  }

  /**
   * A back-reference to a group that may not have matched at that point: still open or later
   * (`\1(a)`, `(a\1)`), optional (`(a)?\1`), in another branch (`(a)|\1`) or in a negative
   * lookaround. PCRE2 fails it; JavaScript matches it as the empty string.
   */
  backReference(group: number | undefined): void {
    if (group === undefined || !this.frames.some((f) => f.sure.has(group))) {
      this.cannot('a back-reference to a group that may not have matched (PCRE fails it, JavaScript matches it empty)')
    }
  }

  /** pcre2_compile's final check: every referenced group exists somewhere in the pattern. */
  checkReferences(): void {
    const missing =
      this.numberRefs.some((n) => n < 1 || n > this.groups) || this.nameRefs.some((n) => !this.names.has(n))
    if (missing) throw new Error('reference to non-existent subpattern')
  }

  get inLookaround(): boolean {
    return this.frames.some((f) => f.kind === 'lookbehind' || f.kind === 'lookahead')
  }

  /** One item of the pattern matching `length` characters (null: a varying number). */
  atom(length: number | null, traits: AtomTraits = {}): void {
    const f = this.top
    f.current = f.current === null || length === null ? null : f.current + length
    f.last = length
    f.lastAssertion = traits.assertion ?? false
    f.lastSure = traits.sure ?? NONE
    for (const g of f.lastSure) f.sure.add(g)
    f.lastLeast = traits.least ?? length ?? 1
    f.least += f.lastLeast
    f.lastGroup = traits.group ?? false
  }

  /** The length of group `n` as a back-reference's (known once the group is closed). */
  captureLength(n: number): number | null {
    return this.captureLengths.get(n) ?? null
  }

  /** A quantifier on the last atom: only `{n}` (or `{n,n}`) keeps a fixed length; PCRE2 measures a repeated assertion (`(?=a)*`) as none. */
  quantify(min: number, max: number | null): void {
    const f = this.top
    if (min === 0) for (const g of f.lastSure) f.sure.delete(g)
    f.least += f.lastLeast * (min - 1)
    // PCRE2 ends a repetition at an iteration that matched nothing; JavaScript rejects such an
    // iteration and backtracks into the group for one that matches something ((?:|a)* takes
    // 'aaa' in JavaScript, nothing in PCRE2).
    if (f.lastGroup && f.lastLeast === 0 && f.last !== 0 && (max === null || max > 1)) {
      this.cannot(
        'a repeated group that may match the empty string (PCRE and JavaScript end the repetition differently)'
      )
    }
    if (f.current === null || f.lastAssertion) return
    f.current = min === max && f.last !== null ? f.current + f.last * (min - 1) : null
  }

  open(kind: FrameKind, capture = 0, negative = false): void {
    this.frames.push(newFrame(kind, capture, this.groups, negative))
  }

  alternate(): void {
    const f = this.top
    f.branches.push(f.current)
    f.current = 0
    f.last = null
    f.branchesSure.push(f.sure)
    f.sure = new Set()
    f.lastSure = NONE
    f.branchesLeast.push(f.least)
    f.least = 0
    if (f.kind === 'reset') {
      f.groupsMost = Math.max(f.groupsMost, this.groups)
      this.groups = f.groupsBefore
    }
  }

  /** Closes a group; it is one atom of the enclosing one (an assertion of length 0). */
  close(): void {
    const f = this.frames.pop() as Frame
    if (f.kind === 'reset') this.groups = Math.max(f.groupsMost, this.groups)
    const branches = [...f.branches, f.current]
    if (f.kind === 'lookbehind' && branches.includes(null)) throw new Error(LOOKBEHIND_NOT_FIXED)
    if (f.kind === 'condition' && branches.length > 2) {
      throw new Error('conditional subpattern contains more than two branches')
    }
    const length = branches.every((b) => b === branches[0]) ? branches[0] : null
    if (f.kind === 'capture') this.captureLengths.set(f.capture, length)
    const lookaround = f.kind === 'lookbehind' || f.kind === 'lookahead'
    // Surely set after the group: what every branch sets, and the group itself.
    const sure = f.negative
      ? new Set<number>()
      : [...f.branchesSure].reduce((a, b) => new Set([...a].filter((g) => b.has(g))), f.sure)
    if (f.kind === 'capture') sure.add(f.capture)
    this.atom(lookaround ? 0 : length, {
      assertion: lookaround,
      sure,
      least: lookaround ? 0 : Math.min(f.least, ...f.branchesLeast),
      group: !lookaround
    })
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1]
  }
}

/** A group as it opens (the pattern itself is the outermost), `groupsBefore` capturing groups opened before it. */
function newFrame(kind: FrameKind, capture: number, groupsBefore: number, negative: boolean): Frame {
  return {
    kind,
    capture,
    branches: [],
    current: 0,
    last: 0,
    lastAssertion: false,
    groupsBefore,
    groupsMost: 0,
    negative,
    sure: new Set(),
    branchesSure: [],
    lastSure: NONE,
    least: 0,
    branchesLeast: [],
    lastLeast: 0,
    lastGroup: false
  }
}
