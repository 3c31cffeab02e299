/**
 * Loads every configuration of the real-world corpus (../shared/corpus, MANIFEST.md) and
 * checks the table in expectations.ts: configurations a real Dispatcher accepts load with no
 * error, the deliberately broken ones report the right code at the right file and line, and
 * the values MANIFEST and DOT's tests record come out as recorded.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/engine/config/load'
import { compileDiagnostics } from '../../src/main/engine/runtime/compile-check'
import { ROOTS, UNREACHED } from './expectations'
import { DEFECT_WARNING_CODES, type CorpusRoot } from './expectations/types'
import {
  compareErrors,
  compareWarnings,
  CORPUS_DIR,
  describeDiagnostics,
  listFiles,
  loadRoot,
  removeAssembledTrees,
  requireCorpus,
  rootId,
  setDir
} from './helpers'

requireCorpus()
afterAll(removeAssembledTrees)

describe('every corpus configuration loads with the outcome MANIFEST records', () => {
  it.each(ROOTS.map((r) => [rootId(r), r] as const))('%s', (_id, root) => {
    const result = loadRoot(root)
    const all = describeDiagnostics(result)
    const errors = compareErrors(result, root.errors)
    expect(errors.actual, `errors differ; every diagnostic:\n${all}`).toEqual(errors.expected)
    const warnings = compareWarnings(result, root.warnings ?? [], DEFECT_WARNING_CODES)
    expect(warnings.actual, `warnings differ; every diagnostic:\n${all}`).toEqual(warnings.expected)
    if (root.check && result.config) root.check(result.config)
  })
})

describe('what the workbench does not emulate is said at load time', () => {
  it("the SDK's own Alias and Require lines in WKND are information (immutable files), not warnings", () => {
    const loaded = loadConfig(path.join(CORPUS_DIR, 'adobe__aem-guides-wknd', 'dispatcher', 'src'))
    const said = compileDiagnostics(loaded).filter((d) => d.code === 'MODEL_NOT_EMULATED')
    expect(said.map((d) => `${d.severity} ${path.basename(d.pos!.file)}:${d.pos!.line}`)).toEqual(
      expect.arrayContaining(['info dispatcher_vhost.conf:17', 'info dispatcher_vhost.conf:19'])
    )
    expect(
      said.every((d) => d.severity === 'info' && d.message.endsWith('(in an SDK file the Cloud keeps immutable)'))
    ).toBe(true)
  })

  it("mod_include's INCLUDES filter (RHEL's AddOutputFilter INCLUDES .shtml) is a warning at its line", () => {
    const loaded = loadConfig(path.join(CORPUS_DIR, 'adobe__aem-cif-guides-venia', 'classic', 'dispatcher', 'src'))
    const said = loaded.diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED' && d.message.includes('mod_include'))
    expect(said.map((d) => `${d.severity} ${path.basename(d.pos!.file)}:${d.pos!.line}`)).toEqual([
      'warning httpd.conf:306'
    ])
    expect(said[0].message).toContain('.shtml answers keep their ETag and 304s')
  })
})

const byLabel = (label: string): CorpusRoot => {
  const root = ROOTS.find((r) => r.label === label)
  if (!root) throw new Error(`no corpus root labelled ${label}`)
  return root
}

describe('hostile inputs are refused instead of hanging the loader', () => {
  it('a dispatcher.any that includes itself (DOT resolver/infinite.any) stops at the loop', () => {
    const codes = loadRoot(byLabel('P/resolver')).diagnostics.map((d) => d.code)
    expect(codes).toContain('INCLUDE_LOOP')
  })

  it('an httpd.conf that includes itself (DOT infinite.conf) stops at the include limit', () => {
    const codes = loadRoot(byLabel('httpd/infinite_include/httpd_with_infinite_includes.conf')).diagnostics.map(
      (d) => d.code
    )
    expect(codes).toContain('APACHE_INCLUDE_LIMIT')
  })

  it('the 7,810-include bomb (DOT httpd_with_large_includes.conf) stops at the include limit', () => {
    const codes = loadRoot(byLabel('httpd/httpd_with_large_includes.conf')).diagnostics.map((d) => d.code)
    expect(codes).toContain('APACHE_INCLUDE_LIMIT')
  })
})

/** Dispatcher configuration files: what a root can reach with `$include`. */
const ANY_FILE = /\.(any|farm)$|\.any\.sample$/

interface Manifest {
  sets: { dir: string; symlinks_materialized: { path: string; resolved: string }[] }[]
}

function sameBytes(a: string, b: string): boolean {
  return fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b))
}

/** Every corpus file some root read, plus the targets of materialized symlinks read through their link. */
function coveredFiles(): { covered: Set<string>; failures: string[] } {
  const covered = new Set<string>()
  const failures: string[] = []
  for (const root of ROOTS) {
    try {
      const r = loadRoot(root)
      for (const f of r.corpusFiles) covered.add(f)
      if (r.anyFile) covered.add(r.anyFile)
    } catch (e) {
      failures.push(`${rootId(root)}: ${(e as Error).message}`)
    }
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as Manifest
  for (const set of manifest.sets) {
    for (const link of set.symlinks_materialized) {
      if (covered.has(path.join(CORPUS_DIR, set.dir, link.path)))
        covered.add(path.join(CORPUS_DIR, set.dir, link.resolved))
    }
  }
  // Regular-file copies standing in for links (SDK sample, DOT plugin-it): available_x twin of a loaded enabled_x.
  for (const f of [...listFiles(CORPUS_DIR, ANY_FILE)]) {
    const twin = f.replace(`${path.sep}available_farms${path.sep}`, `${path.sep}enabled_farms${path.sep}`)
    if (twin !== f && covered.has(twin) && sameBytes(f, twin)) covered.add(f)
  }
  return { covered, failures }
}

describe('the table covers the whole corpus', () => {
  it('every .any/.farm file is loaded by some root or listed as an unreached fragment with a reason', () => {
    const { covered, failures } = coveredFiles()
    const listed = new Set(UNREACHED.map((u) => path.join(setDir(u.set), u.file)))
    const missing = listFiles(CORPUS_DIR, ANY_FILE)
      .filter((f) => !covered.has(f) && !listed.has(f))
      .map((f) => path.relative(CORPUS_DIR, f))
    expect(missing, failures.length ? `roots that failed to load:\n${failures.join('\n')}` : undefined).toEqual([])
  })

  it('every unreached-fragment entry names an existing file that really is unreached', () => {
    const { covered } = coveredFiles()
    for (const u of UNREACHED) {
      const file = path.join(setDir(u.set), u.file)
      expect(fs.existsSync(file), `${u.set}/${u.file} does not exist`).toBe(true)
      expect(covered.has(file), `${u.set}/${u.file} is loaded by a root; drop it from UNREACHED`).toBe(false)
    }
  })

  it('every file named dispatcher.any is a root of the table', () => {
    const roots = new Set(ROOTS.filter((r) => !r.assemble).map((r) => path.resolve(setDir(r.set), r.input)))
    const notRoots = listFiles(CORPUS_DIR, /^dispatcher\.any$/)
      .filter((f) => !roots.has(f) && !roots.has(path.dirname(path.dirname(f))) && !roots.has(path.dirname(f)))
      .map((f) => path.relative(CORPUS_DIR, f))
    expect(notRoots).toEqual([])
  })

  it('every file that declares /farms is loaded by a root, never excused as a fragment', () => {
    const { covered } = coveredFiles()
    const declaresFarms = (f: string) =>
      /(^|[\s{}])\/farms\b/.test(fs.readFileSync(f, 'latin1').replace(/#[^\n]*/g, ''))
    const listed = new Set(UNREACHED.map((u) => path.join(setDir(u.set), u.file)))
    const bad = listFiles(CORPUS_DIR, ANY_FILE)
      .filter((f) => declaresFarms(f) && (!covered.has(f) || listed.has(f)))
      .map((f) => path.relative(CORPUS_DIR, f))
    expect(bad).toEqual([])
  })
})
