/**
 * What answers a request for a folder depends on the modules httpd runs with, as `<IfModule>`
 * sees them: without mod_autoindex a folder without an index is the default handler's 404 (not
 * 403); without mod_dir there is no trailing-slash redirect and no index.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { compileConfig } from '../../../src/main/engine/runtime/active-config'
import { RenderRegistry } from '../../../src/main/engine/runtime/render-registry'
import { explainRequest } from '../../../src/main/engine/explain'

const registry = new RenderRegistry()
const made: string[] = []
afterAll(() => {
  registry.closeAll()
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** A classic configuration serving a docroot with `/folder/index.html` and `/bare/`, minus `without` modules. */
function explainer(without: string[]): (url: string) => ReturnType<typeof explainRequest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-folder-modules-'))
  made.push(dir)
  const docroot = path.join(dir, 'docroot')
  fs.mkdirSync(path.join(docroot, 'folder'), { recursive: true })
  fs.mkdirSync(path.join(docroot, 'bare'))
  fs.writeFileSync(path.join(docroot, 'folder', 'index.html'), 'index')
  fs.writeFileSync(
    path.join(dir, 'dispatcher.any'),
    '/farms { /f { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "9" } } } }\n'
  )
  fs.writeFileSync(
    path.join(dir, 'httpd.conf'),
    `<VirtualHost *:*>\n  ServerName localhost\n  DocumentRoot "${docroot}"\n</VirtualHost>\n`
  )
  const loaded = loadConfig(path.join(dir, 'dispatcher.any'))
  expect(loaded.apache?.modules).toContain('autoindex_module')
  loaded.apache!.modules = loaded.apache!.modules!.filter((m) => !without.includes(m))
  const active = compileConfig(loaded, 1, registry, new Set())
  let seq = 0
  return (url) => explainRequest(active, { method: 'GET', url }, ++seq)
}

const last = (t: ReturnType<typeof explainRequest>): string =>
  t.stages.filter((s) => s.stage === 'render').at(-1)?.summary ?? ''

describe('a folder, by the modules httpd runs with', () => {
  it('with mod_dir and mod_autoindex (the SDK image): redirect, index, 403', () => {
    const explain = explainer([])
    expect(explain('/folder').response.status).toBe(301)
    expect(explain('/folder/').response.status).toBe(200)
    expect(explain('/bare/').response.status).toBe(403)
  })

  it('without mod_autoindex: a folder without an index is the default handler’s 404', () => {
    const explain = explainer(['autoindex_module'])
    const t = explain('/bare/')
    expect(t.response.status).toBe(404)
    expect(last(t)).toMatch(/a folder, which the default handler does not serve \(mod_autoindex is not loaded\), 404$/)
  })

  it('without mod_dir: no redirect and no index; mod_autoindex still refuses the folder', () => {
    const explain = explainer(['dir_module'])
    expect(explain('/folder').response.status).toBe(403)
    expect(explain('/folder/').response.status).toBe(403)
    const t = explain('/folder/')
    expect(t.stages.some((s) => s.summary.startsWith('mod_dir'))).toBe(false)
    expect(t.stages.find((s) => s.summary.includes('mod_autoindex'))?.log?.[0]).toMatch(
      /No matching DirectoryIndex \(none\) found/
    )
  })
})
