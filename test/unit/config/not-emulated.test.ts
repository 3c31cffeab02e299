/**
 * Sections the workbench reads but does not act on say so when the configuration loads, at
 * their own line, instead of being ignored silently.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-emulated-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function load(farmBody: string): ReturnType<typeof loadConfig> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.any`)
  fs.writeFileSync(
    file,
    `/farms {\n  /site {\n    /renders { /0 { /hostname "127.0.0.1" /port "4503" } }\n    /virtualhosts { "*" }\n${farmBody}\n  }\n}\n`
  )
  return loadConfig(file)
}

describe('sections read but not emulated', () => {
  it('/sessionmanagement loads, with a warning at its line that cached pages go out without the session check', () => {
    const loaded = load(`    /sessionmanagement {\n      /directory "/tmp/.sessions"\n    }`)
    const warning = loaded.diagnostics.find((d) => d.code === 'MODEL_NOT_EMULATED')
    expect(warning?.severity).toBe('warning')
    expect(warning?.pos?.line).toBe(5)
    expect(warning?.message).toContain('/sessionmanagement is read but not emulated')
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('/propagateSyndPost "1" loads with a warning at its line; "0" says nothing', () => {
    const on = load(`    /propagateSyndPost "1"`)
    const warning = on.diagnostics.find((d) => d.code === 'MODEL_NOT_EMULATED')
    expect(warning?.pos?.line).toBe(5)
    expect(warning?.message).toContain('/propagateSyndPost "1" is read but not emulated')
    expect(load(`    /propagateSyndPost "0"`).diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED')).toEqual([])
  })

  it('/auth_checker is emulated: no such warning', () => {
    const loaded = load(`    /auth_checker {\n      /url "/bin/permissioncheck"\n    }`)
    expect(loaded.diagnostics.filter((d) => d.code === 'MODEL_NOT_EMULATED')).toEqual([])
  })
})
