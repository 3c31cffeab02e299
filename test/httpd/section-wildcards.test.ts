/**
 * Whether a `<Files>` or `<Directory>` argument is a wildcard pattern is apr_fnmatch_test's word
 * (core.c's filesection and dirsection set d_is_fnmatch with it): a `*` or `?`, or a `]` closing
 * a `[`, a backslash making the next character plain. An argument with only escaped wildcards
 * (`f\*g`) or an unclosed `[` is compared as written, so it names the file `f\*g`, not `f*g`.
 * Real files and folders with those names in the docroot; Debian's apache2 against the workbench.
 */
import { describe, expect, it } from 'vitest'
import { compareAll, type HttpdRequest } from './harness'
import { classicSideBySide, serverLines } from './classic'

const FILES = {
  'f\\*g': 'f backslash star g\n',
  'f*g': 'f star g\n',
  'a[b': 'a bracket b\n',
  'a\\[b]': 'a backslash bracket b bracket\n',
  'a[b]': 'a bracket b bracket\n',
  'q\\?.txt': 'q backslash question\n',
  'q1.txt': 'q one\n',
  'x\\*y/in.txt': 'in x backslash star y\n',
  'x*y/in.txt': 'in x star y\n',
  'xzy/in.txt': 'in xzy\n',
  'd[e/in.txt': 'in d bracket e\n',
  'd[e]/in.txt': 'in d bracket e bracket\n',
  'plain/in.txt': 'in plain\n'
}

/** The names in a target: `\` as %5C, `[`, `]`, `?`, `*` escaped where a client must or may. */
const TARGETS = [
  '/f%5C*g',
  '/f*g',
  '/a%5Bb',
  '/a%5C%5Bb%5D',
  '/a%5Bb%5D',
  '/q%5C%3F.txt',
  '/q1.txt',
  '/x%5C*y/in.txt',
  '/x*y/in.txt',
  '/xzy/in.txt',
  '/d%5Be/in.txt',
  '/d%5Be%5D/in.txt',
  '/plain/in.txt'
]

describe('<Files> and <Directory> arguments with escaped wildcards or an unclosed [', () => {
  const running = classicSideBySide(FILES, (d) => [
    ...serverLines(['mime', 'alias', 'dir', 'headers'], d),
    '<Files "f\\*g">',
    '  Header always append X-Sec files-escaped-star',
    '</Files>',
    '<Files "a[b">',
    '  Header always append X-Sec files-unclosed-bracket',
    '</Files>',
    '<Files "a\\[b]">',
    '  Header always append X-Sec files-escaped-bracket',
    '</Files>',
    '<Files "q\\?.txt">',
    '  Header always append X-Sec files-escaped-question',
    '</Files>',
    `<Directory "${d}/x\\*y">`,
    '  Header always append X-Sec dir-escaped-star',
    '</Directory>',
    `<Directory "${d}/d[e">`,
    '  Header always append X-Sec dir-unclosed-bracket',
    '</Directory>',
    // Still patterns: a real wildcard beside an escaped one.
    '<Files "f\\**">',
    '  Header always append X-Sec files-star-after-escape',
    '</Files>',
    `<Directory "${d}/x?y">`,
    '  Header always append X-Sec dir-question',
    '</Directory>'
  ])
  it('applies each section where apache2 applies it', async () => {
    const requests = TARGETS.map((t): HttpdRequest => ['GET', t, {}])
    expect(await compareAll(requests, running.apachePort, running.enginePort)).toBe('')
  })
})
