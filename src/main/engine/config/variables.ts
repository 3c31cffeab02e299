/**
 * `${NAME}` resolution shared by the Apache and the dispatcher.any parsers
 * (dispatcher-behavior.md §1.4). Apache `Define`s win over the process environment, as
 * in httpd's own `${}` expansion; an undefined name is kept literally and reported once
 * per position by the caller.
 */

export class VariableScope {
  /**
   * Names given to `Define` (or `-D`): what `<IfDefine>` tests. As in httpd's set_define, a
   * `Define NAME` without a value (or with an empty one) defines the name only, not a variable:
   * `${NAME}` then falls back to the environment or stays literal (AH00111).
   */
  private readonly params = new Set<string>()
  /** Variables `Define NAME value` gave a value, for `${NAME}`. */
  private readonly vars = new Map<string, string>()

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = {}) {}

  /** `Define name value`; without a value (or `''`) the name only, keeping a value given before. */
  define(name: string, value?: string): void {
    this.params.add(name)
    if (value !== undefined && value !== '') this.vars.set(name, value)
  }

  undefine(name: string): void {
    this.params.delete(name)
    this.vars.delete(name)
  }

  /** `<IfDefine X>` tests whether X was defined with `Define` (or `-D` on the command line). */
  isDefined(name: string): boolean {
    return this.params.has(name)
  }

  lookup(name: string): string | undefined {
    const d = this.vars.get(name)
    if (d !== undefined) return d
    return this.env[name]
  }

  /** Names defined with `Define`, for the UI's config panel and `explain`. */
  definedNames(): string[] {
    return [...this.params]
  }

  /** A copy that later defines do not leak back into (per-vhost evaluation). */
  clone(): VariableScope {
    const c = new VariableScope(this.env)
    for (const k of this.params) c.params.add(k)
    for (const [k, v] of this.vars) c.vars.set(k, v)
    return c
  }

  /**
   * Replaces every `${NAME}`; names that resolve to nothing stay as written and are
   * returned in `undefinedNames` so the caller can warn with a position.
   */
  substitute(text: string): { value: string; undefinedNames: string[] } {
    if (!text.includes('${')) return { value: text, undefinedNames: [] }
    const undefinedNames: string[] = []
    const value = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      const v = this.lookup(name)
      if (v === undefined) {
        undefinedNames.push(name)
        return whole
      }
      return v
    })
    return { value, undefinedNames }
  }
}
