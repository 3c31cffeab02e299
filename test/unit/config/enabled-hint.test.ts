/**
 * An include of `enabled_farms/` or `enabled_vhosts/` that finds nothing, in a tree whose
 * `available_*` folder has the files (a copy that lost its symbolic links, AMS's `/etc/httpd` as
 * shipped): the diagnostic says what is there and how a farm or vhost is switched on.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/engine/config/load'
import { enabledHint } from '../../../src/main/engine/config/enabled-hint'
import { FsMemo } from '../../../src/main/engine/config/fs-memo'

const made: string[] = []
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enabled-hint-'))
  made.push(dir)
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    fs.writeFileSync(path.join(dir, rel), text)
  }
  return dir
}

const FARM = '/publishfarm { /virtualhosts { "*" } /renders { /0 { /hostname "127.0.0.1" /port "4503" } } }\n'

describe('enabled_* includes that find nothing', () => {
  it('$include "enabled_farms/*.farm" with farms only in available_farms/ names them and says how they are enabled', () => {
    const dir = tree({
      'dispatcher.any': '/farms {\n  $include "enabled_farms/*.farm"\n}\n',
      'available_farms/a.farm': FARM,
      'available_farms/b.farm': FARM.replace('publishfarm', 'other'),
      'available_farms/notes.txt': 'not a farm'
    })
    fs.mkdirSync(path.join(dir, 'enabled_farms'))
    const empty = loadConfig(path.join(dir, 'dispatcher.any')).diagnostics.find((d) => d.code === 'INCLUDE_GLOB_EMPTY')
    expect(empty?.pos?.line).toBe(2)
    expect(empty?.message).toMatch(
      /matches no file \(looked for .*enabled_farms\/\*\.farm\); available_farms\/ has 2 file\(s\) that would match \(a\.farm, b\.farm\): a farm or vhost is switched on by a symbolic link \(or a copy\) in enabled_farms\/ to its file in available_farms\/$/
    )
  })

  it('says nothing more when available_* has no matching file, or the folder is not an enabled_* one', () => {
    const dir = tree({ 'available_farms/notes.txt': 'x', 'farms/a.farm': FARM })
    const memo = new FsMemo()
    expect(enabledHint(path.join(dir, 'enabled_farms', '*.farm'), memo)).toBe('')
    expect(enabledHint(path.join(dir, 'other', '*.farm'), memo)).toBe('')
  })

  it('a folder include (Include conf.d/enabled_vhosts) counts every file in available_vhosts/', () => {
    const dir = tree({ 'conf.d/available_vhosts/a.vhost': '', 'conf.d/available_vhosts/b.vhost': '' })
    expect(enabledHint(path.join(dir, 'conf.d', 'enabled_vhosts'), new FsMemo())).toContain(
      'available_vhosts/ has 2 file(s) that would match (a.vhost, b.vhost)'
    )
  })

  it('names a link whose target is missing, which the glob skipped without a word', () => {
    const dir = tree({
      'dispatcher.any': '/farms {\n  $include "enabled_farms/*.farm"\n}\n',
      'available_farms/wknd.farm': FARM
    })
    fs.mkdirSync(path.join(dir, 'enabled_farms'))
    fs.symlinkSync('../available_farms/wknd2.farm', path.join(dir, 'enabled_farms', 'wknd.farm'))
    const empty = loadConfig(path.join(dir, 'dispatcher.any')).diagnostics.find((d) => d.code === 'INCLUDE_GLOB_EMPTY')
    expect(empty?.message).toContain(
      '; enabled_farms/wknd.farm -> ../available_farms/wknd2.farm is a symbolic link whose target does not exist; available_farms/ has 1 file(s)'
    )
  })

  it("names the project's own vhost before the SDK's default.vhost, which is to be copied rather than enabled", () => {
    const dir = tree({ 'conf.d/available_vhosts/default.vhost': '', 'conf.d/available_vhosts/wknd.vhost': '' })
    const hint = enabledHint(path.join(dir, 'conf.d', 'enabled_vhosts', '*.vhost'), new FsMemo())
    expect(hint).toContain('available_vhosts/ has 2 file(s) that would match (wknd.vhost, default.vhost)')
    expect(hint).toMatch(
      /default\.vhost is the SDK's default, which its header says to copy rather than enable: link the project's own, wknd\.vhost\)$/
    )
    // Only the default there: nothing against linking it (the SDK's own tree does).
    const only = tree({ 'conf.d/available_vhosts/default.vhost': '' })
    expect(enabledHint(path.join(only, 'conf.d', 'enabled_vhosts', '*.vhost'), new FsMemo())).not.toContain(
      'copy rather'
    )
  })
})
