/**
 * Temporary configuration folders: a `dispatcher.any` (plus any other files) written to a
 * fresh folder under the OS temp dir, with a way to find the line a rule was written on so
 * tests can assert the file:line a trace points at.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { onTestFinished } from 'vitest'
import { resourcesDir } from '../../../src/main/engine/resources'

/** A copy of the embedded AEMaaCS-shaped configuration, in a temp folder removed after the test. */
export function embeddedConfigCopy(prefix = 'dw-config-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.cpSync(path.join(resourcesDir(), 'default-config'), dir, { recursive: true })
  return dir
}

/**
 * The embedded configuration with its enabled vhost (default.vhost) edited: `vhostExtra` added
 * just inside `</VirtualHost>`, and `edit` applied to the vhost's text first.
 */
export function embeddedConfigWithVhost(vhostExtra: string, edit: (text: string) => string = (t) => t): string {
  const dir = embeddedConfigCopy('dw-vhost-')
  const text = fs.readFileSync(path.join(dir, 'conf.d', 'available_vhosts', 'default.vhost'), 'utf8')
  // enabled_vhosts/default.vhost may be a link to the available one: replaced, not written through.
  const enabled = path.join(dir, 'conf.d', 'enabled_vhosts', 'default.vhost')
  fs.rmSync(enabled, { force: true })
  fs.writeFileSync(enabled, edit(text).replace('</VirtualHost>', `${vhostExtra}\n</VirtualHost>`))
  return dir
}

export interface TempConfig {
  /** The folder: what `Engine({ config })` and the CLI are pointed at. */
  dir: string
  anyFile: string
  text: string
  /** 1-based line of the first line of dispatcher.any containing `needle`. */
  lineOf(needle: string): number
  remove(): void
}

export function writeConfig(anyText: string, extraFiles: Record<string, string> = {}): TempConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-integration-'))
  const anyFile = path.join(dir, 'dispatcher.any')
  fs.writeFileSync(anyFile, anyText)
  for (const [name, content] of Object.entries(extraFiles)) {
    const file = path.join(dir, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
  return {
    dir,
    anyFile,
    text: anyText,
    lineOf(needle: string): number {
      const i = anyText.split('\n').findIndex((l) => l.includes(needle))
      if (i < 0) throw new Error(`'${needle}' is not in the written dispatcher.any`)
      return i + 1
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true })
  }
}

export interface FarmSpec {
  name: string
  virtualhosts?: string[]
  /** host:port pairs, one render each (labelled r0, r1, …). */
  renders?: { host: string; port: number; extra?: string }[]
  /** The body of `/filter { … }`; no `/filter` section when undefined. */
  filter?: string
  /** `/clientheaders` names; `"*"` when undefined; no section at all when null. */
  clientheaders?: string[] | null
  /** Further farm properties, written as is. */
  extra?: string
}

/** One farm in dispatcher.any syntax. */
export function farmText(f: FarmSpec): string {
  const vh = (f.virtualhosts ?? ['*']).map((v) => `      "${v}"`).join('\n')
  const renders = (f.renders ?? [])
    .map((r, i) => `      /r${i} { /hostname "${r.host}" /port "${r.port}" ${r.extra ?? ''} }`)
    .join('\n')
  const ch = f.clientheaders === null ? null : (f.clientheaders ?? ['*']).map((h) => `      "${h}"`).join('\n')
  return [
    `  /${f.name} {`,
    ...(ch === null ? [] : [`    /clientheaders {`, ch, `    }`]),
    `    /virtualhosts {`,
    vh,
    `    }`,
    `    /renders {`,
    renders,
    `    }`,
    ...(f.filter !== undefined ? [`    /filter {`, f.filter, `    }`] : []),
    ...(f.extra ? [f.extra] : []),
    `  }`
  ].join('\n')
}

/** A whole dispatcher.any: `/farms { … }` around the given farms. */
export function dispatcherAny(farms: FarmSpec[]): string {
  return `/farms {\n${farms.map(farmText).join('\n')}\n}\n`
}

/** Filter F of dispatcher-behavior.md §12, one rule per line, plus optional extra rules. */
export function filterF(extraRules: string[] = []): string {
  return [
    `      /0001 { /type "deny"  /url "*" }`,
    `      /0010 { /type "allow" /path "/content/*" /extension '(html|json|css|js|png)' }`,
    `      /0011 { /type "deny"  /selectors '(feed|rss|infinity|tidy|query|[0-9-]+)' /extension '(json|xml|html)' }`,
    `      /0012 { /type "allow" /method "GET" /url "/etc.clientlibs/*" }`,
    `      /0013 { /type "deny"  /method "GET" /query "debug=*" }`,
    `      /0014 { /type "allow" /method "POST" /url "/content/*.form.html" }`,
    ...extraRules.map((r) => `      ${r}`)
  ].join('\n')
}
