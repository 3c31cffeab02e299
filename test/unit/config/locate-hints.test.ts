/**
 * A folder locateConfig does not take: the error names the folders below it that it would take
 * (a project root holding `httpd_conf/conf/httpd.conf`), found by a shallow, bounded search.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigInputError, locateConfig } from '../../../src/main/engine/config/load'

const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** A temporary folder holding `files` (relative paths, empty content). */
function tree(files: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'locate-'))
  made.push(root)
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true })
    fs.writeFileSync(path.join(root, f), '')
  }
  return root
}

function refusal(input: string): string {
  try {
    locateConfig(input)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigInputError)
    return (e as Error).message
  }
  throw new Error(`${input} was taken`)
}

const PLAIN = 'found neither conf.dispatcher.d/dispatcher.any (AEMaaCS or AMS layout) nor dispatcher.any'

describe('locateConfig on a folder holding its configuration deeper', () => {
  it('names the folder holding conf/httpd.conf, which locateConfig then takes', () => {
    const root = tree(['README.md', 'httpd_conf/conf/httpd.conf', 'httpd_conf/conf/dispatcher_config/farm.any'])
    expect(refusal(root)).toBe(`${root}: ${PLAIN}; pass this instead: ${path.join(root, 'httpd_conf')}`)
    expect(locateConfig(path.join(root, 'httpd_conf')).apacheRoot).toBe(path.join(root, 'httpd_conf/conf/httpd.conf'))
  })

  it('names an httpd.conf outside a conf/ folder as the file, and every candidate, the shallowest first, then in name order', () => {
    const root = tree(['b/apache/httpd.conf', 'a/conf.dispatcher.d/dispatcher.any', 'c/farm/dispatcher.any'])
    expect(refusal(root)).toBe(
      `${root}: ${PLAIN}; pass one of these instead: ${['a', 'b/apache/httpd.conf', 'c/farm'].map((p) => path.join(root, p)).join(', ')}`
    )
  })

  it('searches three levels down only, and never node_modules or hidden folders', () => {
    const root = tree(['a/b/c/d/dispatcher.any', 'node_modules/x/dispatcher.any', '.git/dispatcher.any'])
    expect(refusal(root)).toBe(`${root}: ${PLAIN}`)
    expect(refusal(path.join(root, 'a'))).toBe(
      `${path.join(root, 'a')}: ${PLAIN}; pass this instead: ${path.join(root, 'a/b/c/d')}`
    )
  })
})
