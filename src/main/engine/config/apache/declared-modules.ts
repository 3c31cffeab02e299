/**
 * Whether a configuration carries its own module list. httpd loads only what its LoadModule
 * lines name, so a classic `httpd.conf` that loads mod_mime (every server that serves files
 * does, in RHEL's `conf.modules.d/00-base.conf` or in a one-file configuration) says which
 * modules run: one that does not load mod_dir serves no `DirectoryIndex`, one that does not load
 * mod_headers skips its `<IfModule headers_module>` blocks. A project that commits only part of
 * the server root (AMS projects often keep just `conf.modules.d/02-dispatcher.conf`) does not:
 * the runtime's list stands in for the rest (modules.ts).
 *
 * Decided before evaluation, because `<IfModule>` reads the list as the files are read: every
 * file the configuration can include is looked at, whichever branch its Include sits in.
 */
import type { ApacheNode } from './ast'
import type { BudgetSources } from './include-budget'
import { isIncludeDirective } from './parser'

/** Whether a `LoadModule <identifier> …` line is in `root` or in any file it may include. */
export function mayLoadModule(root: string, identifier: string, src: BudgetSources): boolean {
  const seen = new Set<string>()
  const visit = (file: string): boolean => {
    if (seen.has(file)) return false
    seen.add(file)
    const parse = src.parse(file)
    return parse !== undefined && inNodes(parse.nodes)
  }
  const inNodes = (nodes: ApacheNode[]): boolean => {
    for (const n of nodes) {
      if (n.type === 'section') {
        if (inNodes(n.children)) return true
      } else if (n.name.toLowerCase() === 'loadmodule') {
        if (n.args[0] === identifier) return true
      } else if (isIncludeDirective(n.name)) {
        for (const t of src.targets(n)) if (visit(t)) return true
      }
    }
    return false
  }
  return visit(root)
}
