/**
 * Each configuration file read and parsed once per load, however often it is included
 * (include bombs include one file thousands of times). Its syntax diagnostics are held
 * back for the caller to report when the file is actually evaluated: the include budget
 * also parses files sitting in branches httpd never reads.
 */
import { DiagnosticSink, type Diagnostic } from '../../../../shared/diagnostics'
import { readConfigFile } from '../files'
import type { ApacheParseResult } from './ast'
import { parseApacheText } from './parser'

export type ParsedFile =
  | { ok: true; parse: ApacheParseResult; file: string; via?: string; held: Diagnostic[] }
  | { ok: false; message: string }

export class ParsedFiles {
  private readonly cache = new Map<string, ParsedFile>()

  get(file: string): ParsedFile {
    let p = this.cache.get(file)
    if (!p) {
      p = parseFile(file)
      this.cache.set(file, p)
    }
    return p
  }
}

function parseFile(file: string): ParsedFile {
  const r = readConfigFile(file)
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
  const held = new DiagnosticSink()
  const parse = parseApacheText(r.text, r.file, held)
  return { ok: true, parse, file: r.file, via: r.via, held: held.items }
}
