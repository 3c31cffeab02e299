/**
 * `${NAME}` resolution shared by the Apache and the dispatcher.any parsers
 * (dispatcher-behavior.md §1.4). Apache `Define`s win over the process environment, as
 * in httpd's own `${}` expansion; an undefined name is kept literally and reported once
 * per position by the caller.
 */

export class VariableScope {
  /** Apache `Define NAME [value]` (value `''` when defined without one). */
  private readonly defines = new Map<string, string>()

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = {}) {}

  define(name: string, value = ''): void {
    this.defines.set(name, value)
  }

  undefine(name: string): void {
    this.defines.delete(name)
  }

  /** `<IfDefine X>` tests whether X was defined with `Define` (or `-D` on the command line). */
  isDefined(name: string): boolean {
    return this.defines.has(name)
  }

  lookup(name: string): string | undefined {
    const d = this.defines.get(name)
    if (d !== undefined) return d
    return this.env[name]
  }

  /** Names defined with `Define`, for the UI's config panel and `explain`. */
  definedNames(): string[] {
    return [...this.defines.keys()]
  }

  /** A copy that later defines do not leak back into (per-vhost evaluation). */
  clone(): VariableScope {
    const c = new VariableScope(this.env)
    for (const [k, v] of this.defines) c.defines.set(k, v)
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
