/**
 * Folder entries the workbench cannot name. Node reads a file name whose bytes are not UTF-8
 * (one the module wrote for `/caf%E9.html`) with U+FFFD in their place, a name no file has:
 * listing it would offer a file that cannot be opened, and a flush would plan to delete a file
 * its handle does not name (the module compares bytes: `caf` U+FFFD is not `caf` 0xE9). Only
 * names with U+FFFD are checked, so ordinary folders cost no extra system call.
 */
import fs from 'node:fs'
import path from 'node:path'

export function isUnnamedEntry(dirAbs: string, name: string): boolean {
  return name.includes('\u{fffd}') && !fs.existsSync(path.join(dirAbs, name))
}
