/**
 * AuthUserFile passwords as `htpasswd` 2.4 writes them: the hashes below were made with
 * `htpasswd -nbm` (APR MD5-crypt), `-nbs` (SHA-1) and `-nbB -C 5` (bcrypt); `-nbd` (crypt) is
 * not checked.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { apr1, checkPassword, readUserFile } from '../../../src/main/engine/runtime/htpasswd'

describe('htpasswd formats', () => {
  it('$apr1$ (the default): the same hash as htpasswd -m, spaces included', () => {
    expect(apr1('s3cret', '$apr1$AmFdfMuC$')).toBe('$apr1$AmFdfMuC$AnFX/c2CO1bji2UXYaZ8j/')
    expect(checkPassword('longer password with spaces', '$apr1$fQaGzHIF$7ZMfwDordPcZw8oK87AFw/')).toBe('match')
    expect(checkPassword('s3cret!', '$apr1$AmFdfMuC$AnFX/c2CO1bji2UXYaZ8j/')).toBe('mismatch')
  })

  it('{SHA} and bcrypt; crypt(3) is not checked', () => {
    expect(checkPassword('p@ss', '{SHA}SAv9mAXCuLCIWvLrguJf85sCv4E=')).toBe('match')
    expect(checkPassword('p@sS', '{SHA}SAv9mAXCuLCIWvLrguJf85sCv4E=')).toBe('mismatch')
    expect(checkPassword('wonder', '$2y$05$xeAN.v4TJm14yv1v9hEIfOU7ISmlCGY93ORXGE1LDq2KFoEEB611u')).toBe('match')
    expect(checkPassword('des', 'xmL4DToULG.k.')).toBe('unsupported')
  })

  it('the file: comments and blank lines skipped, the first entry of a user counts, read again when it changes', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'htpasswd-')), 'users')
    fs.writeFileSync(file, '# users\n\nalice:{SHA}one\nalice:{SHA}two\n')
    expect(readUserFile(file)?.get('alice')).toBe('{SHA}one')
    fs.writeFileSync(file, 'bob:{SHA}three\n')
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000))
    expect(readUserFile(file)?.get('bob')).toBe('{SHA}three')
    expect(readUserFile(path.join(path.dirname(file), 'missing'))).toBeNull()
  })
})
