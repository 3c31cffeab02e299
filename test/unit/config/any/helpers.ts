import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DiagnosticSink } from '../../../../src/shared/diagnostics'
import { parseAnyFile, parseAnyText, type ParseAnyOptions } from '../../../../src/main/engine/config/any/parser'
import { VariableScope } from '../../../../src/main/engine/config/variables'
import type { AnyDocument, AnyItem } from '../../../../src/main/engine/config/any/ast'

export const ROOT_FILE = '/virtual/conf.dispatcher.d/dispatcher.any'

export function parseText(
  text: string,
  env: Record<string, string> = {},
  extra: Partial<ParseAnyOptions> = {}
): { doc: AnyDocument; sink: DiagnosticSink } {
  const sink = new DiagnosticSink()
  const doc = parseAnyText(text, ROOT_FILE, { scope: new VariableScope(env), sink, ...extra })
  return { doc, sink }
}

export function parseFile(
  file: string,
  env: Record<string, string> = {},
  extra: Partial<ParseAnyOptions> = {}
): { doc: AnyDocument; sink: DiagnosticSink } {
  const sink = new DiagnosticSink()
  const doc = parseAnyFile(file, { scope: new VariableScope(env), sink, ...extra })
  return { doc, sink }
}

/** The tree without positions, for comparing structure. */
export type Shape =
  | { block: string | null; items: Shape[] }
  | { prop: string; value: string; quote?: string }
  | { empty: string }
  | { str: string; quote?: string }

export function shape(items: AnyItem[]): Shape[] {
  return items.map((it): Shape => {
    switch (it.kind) {
      case 'block':
        return { block: it.name, items: shape(it.items) }
      case 'property':
        return { prop: it.name, value: it.value.value }
      case 'empty':
        return { empty: it.name }
      case 'string':
        return { str: it.value }
    }
  })
}

export function codes(sink: DiagnosticSink): string[] {
  return sink.items.map((d) => d.code)
}

/** Finds a direct child by name (block, property or empty). */
export function child(items: AnyItem[], name: string): AnyItem | undefined {
  return items.find((i) => i.kind !== 'string' && i.name === name)
}

export function block(items: AnyItem[], name: string): AnyItem[] {
  const c = child(items, name)
  if (!c || c.kind !== 'block') throw new Error(`no block /${name}`)
  return c.items
}

/** Writes `files` (relative path → content or Buffer) into a fresh temp folder. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'any-parser-')))
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel)
    fs.mkdirSync(path.dirname(p), { recursive: true })
    fs.writeFileSync(p, content)
  }
  return dir
}

export function removeTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}
