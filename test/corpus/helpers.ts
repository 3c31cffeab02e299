/**
 * Loading corpus roots for the corpus suite: finding the corpus, building assembled trees in a
 * temp folder, running the real loader (or the Apache loader alone), and turning absolute
 * diagnostic positions back into corpus paths so expectations read like MANIFEST.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ApacheConfig, Farm, LoadedConfig } from '../../src/shared/config-model'
import { DiagnosticSink, type Diagnostic } from '../../src/shared/diagnostics'
import { DEFAULT_LOADED_MODULES, loadApacheConfig } from '../../src/main/engine/config/apache/load'
import { etcHttpdMapper, loadConfig } from '../../src/main/engine/config/load'
import { amsEnvironment } from '../../src/main/engine/config/loaders/environment'
import { VariableScope } from '../../src/main/engine/config/variables'
import type { CorpusRoot, ExpectedDiagnostic } from './expectations/types'

const here = path.dirname(fileURLToPath(import.meta.url))

/** `../shared/corpus` beside the repository, unless `DW_CORPUS_DIR` says otherwise. */
export const CORPUS_DIR = process.env.DW_CORPUS_DIR
  ? path.resolve(process.env.DW_CORPUS_DIR)
  : path.resolve(here, '../../../shared/corpus')

/** The suite must fail, not skip, without its inputs: a missing corpus would pass everything. */
export function requireCorpus(): void {
  const manifest = path.join(CORPUS_DIR, 'MANIFEST.md')
  if (!fs.existsSync(manifest)) {
    throw new Error(
      `The configuration corpus is missing: ${manifest} does not exist. ` +
        'Put the corpus at ../shared/corpus beside the repository or set DW_CORPUS_DIR.'
    )
  }
}

export function setDir(set: string): string {
  return path.join(CORPUS_DIR, set)
}

export function rootId(root: CorpusRoot): string {
  return `${root.set} › ${root.label}`
}

/** What loading one root produced, with every path already mapped back to the corpus. */
export interface RootResult {
  config?: LoadedConfig
  apache?: ApacheConfig
  diagnostics: Diagnostic[]
  /** Corpus files read (absolute, after mapping assembled copies back to their source). */
  corpusFiles: string[]
  /** The file the loader treated as dispatcher.any (mapped back), if any. */
  anyFile?: string
  /** Diagnostic position → `file:line` relative to the set. */
  display: (d: Diagnostic) => string
}

const tempDirs: string[] = []

/** Removes every assembled tree; called once after the suite. */
export function removeAssembledTrees(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
}

/** Copies a corpus folder into a writable tree (the corpus itself is read-only). */
function copyTree(src: string, dst: string, provenance: Map<string, string>): void {
  fs.mkdirSync(dst, { recursive: true })
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, entry.name)
    const d = path.join(dst, entry.name)
    if (entry.isDirectory()) copyTree(s, d, provenance)
    else copyFile(s, d, provenance)
  }
}

function copyFile(src: string, dst: string, provenance: Map<string, string>): void {
  fs.mkdirSync(path.dirname(dst), { recursive: true })
  fs.copyFileSync(src, dst)
  fs.chmodSync(dst, 0o644)
  provenance.set(dst, src)
}

interface Prepared {
  /** Folder `input` and `httpd.file` are relative to. */
  base: string
  /** Assembled file → the corpus file it is a copy of, or a `<assembled>/…` label. */
  provenance: Map<string, string>
  tree?: string
}

function prepare(root: CorpusRoot): Prepared {
  const set = setDir(root.set)
  const provenance = new Map<string, string>()
  if (!root.assemble) return { base: set, provenance }
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-corpus-'))
  tempDirs.push(tree)
  const a = root.assemble
  if (a.from) copyTree(path.join(set, a.from), tree, provenance)
  for (const c of a.copies ?? []) copyFile(path.join(set, c.from), path.join(tree, c.to), provenance)
  for (const w of a.write ?? []) {
    const dst = path.join(tree, w.to)
    fs.mkdirSync(path.dirname(dst), { recursive: true })
    fs.writeFileSync(
      dst,
      w.text((rel) => path.join(set, rel))
    )
    provenance.set(dst, path.join(set, '<assembled>', w.to))
  }
  return { base: tree, provenance, tree }
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return p
  }
}

function mapBack(file: string, prep: Prepared): string {
  const direct = prep.provenance.get(file)
  if (direct) return direct
  if (prep.tree) {
    // Positions may come back through realpath (macOS /private/var); compare both forms.
    const real = realOrSelf(file)
    for (const [copy, source] of prep.provenance) if (realOrSelf(copy) === real) return source
  }
  return file
}

function displayFor(root: CorpusRoot, prep: Prepared): (d: Diagnostic) => string {
  const set = setDir(root.set)
  return (d) => {
    if (!d.pos) return `${d.code} <no position>`
    const file = mapBack(d.pos.file, prep)
    const rel = file.startsWith(set + path.sep) ? path.relative(set, file).split(path.sep).join('/') : file
    return `${d.code} ${rel}:${d.pos.line}`
  }
}

/** Turns `/` of a filesystem snapshot (`private/…`, `usr/…`) into the snapshot's folder. */
function snapshotMapper(snapshotRoot: string): (p: string) => string {
  return (p) => {
    if (!path.isAbsolute(p)) return p
    const inside = path.join(snapshotRoot, p)
    return fs.existsSync(inside) || fs.existsSync(path.dirname(inside)) ? inside : p
  }
}

/** The Apache-only result in LoadedConfig's shape, so structural checks read it the same way. */
function apacheOnly(file: string, apache: ApacheConfig, diagnostics: Diagnostic[], files: string[]): LoadedConfig {
  return {
    layout: 'classic',
    input: file,
    baseDir: path.dirname(file),
    anyFile: '',
    dispatcher: { ignoreEINTR: { value: false }, farms: [] },
    apache,
    variables: {},
    environment: {},
    diagnostics,
    files,
    watchDirs: [],
    loadedAt: Date.now()
  }
}

const cache = new Map<string, RootResult>()

/** Loads a root once per run; the coverage test reuses what the per-root tests loaded. */
export function loadRoot(root: CorpusRoot): RootResult {
  const id = rootId(root)
  const hit = cache.get(id)
  if (hit) return hit
  const prep = prepare(root)
  const display = displayFor(root, prep)
  let result: RootResult
  if (root.httpd) {
    const file = path.join(prep.base, root.httpd.file)
    const serverRoot = root.httpd.serverRoot ? path.join(prep.base, root.httpd.serverRoot) : path.dirname(file)
    const sink = new DiagnosticSink()
    const scope = new VariableScope(amsEnvironment({ env: root.env }))
    const loaded = loadApacheConfig({
      rootFile: file,
      serverRoot,
      scope,
      sink,
      modules: DEFAULT_LOADED_MODULES,
      mapAbsolute: root.httpd.filesystemRoot
        ? snapshotMapper(path.join(prep.base, root.httpd.filesystemRoot))
        : etcHttpdMapper(serverRoot)
    })
    result = {
      config: apacheOnly(file, loaded.config, sink.items, loaded.files),
      apache: loaded.config,
      diagnostics: sink.items,
      corpusFiles: loaded.files.map((f) => mapBack(f, prep)),
      display
    }
  } else {
    const config = loadConfig(path.join(prep.base, root.input), {
      env: root.env,
      runMode: root.runMode,
      sdkValidation: root.sdkValidation
    })
    result = {
      config,
      apache: config.apache,
      diagnostics: config.diagnostics,
      corpusFiles: config.files.map((f) => mapBack(f, prep)),
      anyFile: mapBack(config.anyFile, prep),
      display
    }
  }
  cache.set(id, result)
  return result
}

function expectedKey(e: ExpectedDiagnostic): string {
  return `${e.code} ${e.file}:${e.line ?? '*'}`
}

/**
 * Renders actual diagnostics as `CODE file:line`; where the expectation leaves the line open,
 * the actual line is rendered as `*` so the comparison ignores it.
 */
function actualKeys(ds: Diagnostic[], expected: ExpectedDiagnostic[], display: (d: Diagnostic) => string): string[] {
  const open = new Set(expected.filter((e) => e.line === undefined).map((e) => `${e.code} ${e.file}`))
  return ds
    .map((d) => {
      const key = display(d)
      const cut = key.lastIndexOf(':')
      return cut > 0 && open.has(key.slice(0, cut)) ? `${key.slice(0, cut)}:*` : key
    })
    .sort()
}

export function compareErrors(
  result: RootResult,
  expected: ExpectedDiagnostic[]
): { actual: string[]; expected: string[] } {
  const errors = result.diagnostics.filter((d) => d.severity === 'error')
  return { actual: actualKeys(errors, expected, result.display), expected: expected.map(expectedKey).sort() }
}

export function compareWarnings(
  result: RootResult,
  expected: ExpectedDiagnostic[],
  defectCodes: ReadonlySet<string>
): { actual: string[]; expected: string[] } {
  const codes = new Set([...defectCodes, ...expected.map((e) => e.code)])
  const warnings = result.diagnostics.filter((d) => d.severity !== 'error' && codes.has(d.code))
  return { actual: actualKeys(warnings, expected, result.display), expected: expected.map(expectedKey).sort() }
}

/** Every diagnostic, one per line, for failure messages. */
export function describeDiagnostics(result: RootResult): string {
  return result.diagnostics.map((d) => `  ${d.severity} ${result.display(d)} ${d.message}`).join('\n')
}

/** The farm named `name`; fails the check with the names that exist. */
export function farmNamed(config: LoadedConfig, name: string): Farm {
  const farm = config.dispatcher.farms.find((f) => f.name === name)
  if (!farm)
    throw new Error(`no farm /${name}; farms are ${config.dispatcher.farms.map((f) => f.name).join(', ') || 'none'}`)
  return farm
}

/** Files under `dir` (recursively) whose names match `pattern`. */
export function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name)
      if (e.isDirectory()) walk(full)
      else if (pattern.test(e.name)) out.push(full)
    }
  }
  walk(dir)
  return out.sort()
}
