/**
 * Each configuration file read and parsed once per load, however often it is included
 * (include bombs include one file thousands of times), and not parsed again by a later load
 * while its text stays the same (content-cache.ts). Its syntax diagnostics are held
 * back for the caller to report when the file is actually evaluated: the include budget
 * also parses files sitting in branches httpd never reads.
 */
import { DiagnosticSink, type Diagnostic } from '../../../../shared/diagnostics'
import { CONTENT_CACHE_SIZE, ContentCache } from '../content-cache'
import { readConfigFile } from '../files'
import type { FsMemo } from '../fs-memo'
import type { ApacheParseResult } from './ast'
import { copyParse, type ParseWithDiagnostics } from './parse-copy'
import { parseApacheText } from './parser'

export type ParsedFile =
  | { ok: true; parse: ApacheParseResult; file: string; via?: string; held: Diagnostic[] }
  | { ok: false; message: string }

export class ParsedFiles {
  private readonly cache = new Map<string, ParsedFile>()

  constructor(private readonly memo: FsMemo) {}

  get(file: string): ParsedFile {
    let p = this.cache.get(file)
    if (!p) {
      p = parseFile(file, this.memo)
      this.cache.set(file, p)
    }
    return p
  }

  /** The parse of a file this load has already read, without reading anything. */
  peek(file: string): ParsedFile | undefined {
    return this.cache.get(file)
  }
}

/** Parses of files whose text has not changed since an earlier load; handed out as copies. */
const parses = new ContentCache<string, ParseWithDiagnostics>(CONTENT_CACHE_SIZE)

/** A file starting with a UTF-8 BOM (httpd reads the three bytes as the start of line 1's first word). */
export const APACHE_BOM = 'APACHE_BOM'

/**
 * apache2 -t's refusal of a BOM: its bytes and the rest of the first word are an unknown command.
 * When that word opens a section (`<VirtualHost`), the section is not one to httpd, and it fails
 * sooner, while reading, at the end tag that now closes nothing.
 */
function bomRefusal(file: string, text: string): Diagnostic {
  const word = /^[^\s]*/.exec(text)?.[0] ?? ''
  const unmatched = word.startsWith('<') && !word.startsWith('</') ? unmatchedEndTag(text, word.slice(1)) : null
  if (unmatched)
    return {
      severity: 'error',
      code: APACHE_BOM,
      category: 'syntax',
      message: `</${unmatched.name}> without matching <${unmatched.name}> section (the file starts with a UTF-8 byte order mark, which httpd does not skip, so line 1's <${unmatched.name}> opens nothing: save it without BOM)`,
      pos: { file, line: unmatched.line, column: 1 }
    }
  return {
    severity: 'error',
    code: APACHE_BOM,
    category: 'syntax',
    message: `Invalid command '\\xef\\xbb\\xbf${word}', perhaps misspelled or defined by a module not included in the server configuration (the file starts with a UTF-8 byte order mark, which httpd does not skip: save it without BOM)`,
    pos: { file, line: 1, column: 1 }
  }
}

/** The first end tag of section `opener` (its name, `>` aside) that closes nothing once line 1 is not counted. */
function unmatchedEndTag(text: string, opener: string): { name: string; line: number } | null {
  const name = opener.replace(/>$/, '').toLowerCase()
  const lines = text.split('\n')
  let depth = 0
  for (let i = 1; i < lines.length; i++) {
    const m = /^\s*<(\/?)([^\s>]+)/.exec(lines[i])
    if (!m || m[2].toLowerCase() !== name) continue
    if (m[1] === '') depth++
    else if (depth > 0) depth--
    else return { name: m[2], line: i + 1 }
  }
  return null
}

function parseFile(file: string, memo: FsMemo): ParsedFile {
  const r = readConfigFile(file, memo)
  if (!r.ok) {
    const why =
      r.reason === 'missing'
        ? 'does not exist'
        : r.reason === 'directory'
          ? 'is a directory'
          : r.reason === 'binary'
            ? 'is a binary file'
            : r.reason === 'not-utf8'
              ? 'is not UTF-8 text'
              : `cannot be read (${r.detail ?? 'unknown error'})`
    return { ok: false, message: `${file} ${why}` }
  }
  let parsed = parses.get(r.file, r.text)
  if (parsed === undefined) {
    const held = new DiagnosticSink()
    parsed = { parse: parseApacheText(r.text, r.file, held), held: held.items }
    parses.set(r.file, r.text, parsed)
  }
  const { parse, held } = copyParse(parsed)
  if (r.bom) held.unshift(bomRefusal(r.file, r.text))
  return { ok: true, parse, file: r.file, via: r.via, held }
}
