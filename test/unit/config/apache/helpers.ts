/** Temp-folder configurations and a one-call loader for the Apache tests. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'
import { DiagnosticSink, type Diagnostic } from '../../../../src/shared/diagnostics'
import {
  loadApacheConfig,
  type LoadApacheOptions,
  type LoadedApache
} from '../../../../src/main/engine/config/apache/load'
import { VariableScope } from '../../../../src/main/engine/config/variables'

const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** Writes `files` (relative path → content) into a fresh temp folder and returns the folder. */
export function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apache-conf-'))
  made.push(dir)
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel)
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, text)
  }
  return dir
}

export interface Loaded extends LoadedApache {
  sink: DiagnosticSink
  scope: VariableScope
  dir: string
  codes: string[]
}

/** Loads `root` (default `httpd.conf`) of a temp tree with the tree as ServerRoot. */
export function load(
  files: Record<string, string>,
  opts: Partial<LoadApacheOptions> & { root?: string; env?: Record<string, string> } = {}
): Loaded {
  const dir = tree(files)
  return loadAt(dir, path.join(dir, opts.root ?? 'httpd.conf'), { serverRoot: dir, ...opts })
}

export function loadAt(
  serverRoot: string,
  rootFile: string,
  opts: Partial<LoadApacheOptions> & { env?: Record<string, string> } = {}
): Loaded {
  const sink = opts.sink ?? new DiagnosticSink()
  const scope = opts.scope ?? new VariableScope(opts.env ?? {})
  const r = loadApacheConfig({ ...opts, rootFile, serverRoot, scope, sink })
  return { ...r, sink, scope, dir: serverRoot, codes: sink.items.map((d) => d.code) }
}

export function only(items: Diagnostic[], code: string): Diagnostic[] {
  return items.filter((d) => d.code === code)
}
