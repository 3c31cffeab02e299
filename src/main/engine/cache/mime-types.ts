/**
 * Content-Type by file extension the way Apache's mod_mime does it with the stock
 * `mime.types`: every extension of the name counts and the last known one wins
 * (`page.model.json` → application/json, `clientlib.min.css` → text/css); case does not
 * matter; an unknown extension gives no Content-Type at all (Apache 2.4 has no DefaultType).
 *
 * The table comes from `mime-db`. It merges Apache's list with IANA's and nginx's, so where
 * one extension belongs to several types the one Apache's `mime.types` lists wins: entries
 * whose source is `apache`, then IANA entries, then the rest. For the few extensions claimed
 * by two IANA entries `APACHE_PICKS` holds Apache's choice.
 */
import mimeDb from 'mime-db'

const SOURCE_RANK: Record<string, number> = { apache: 0, iana: 1, nginx: 3 }
const UNKNOWN_SOURCE_RANK = 2

const APACHE_PICKS: Record<string, string> = {
  mp4: 'video/mp4',
  mpg4: 'video/mp4',
  xml: 'application/xml',
  xsl: 'application/xml',
  rtf: 'application/rtf',
  sub: 'text/vnd.dvb.subtitle',
  asc: 'application/pgp-signature',
  ac: 'application/pkix-attr-cert',
  mpp: 'application/vnd.ms-project',
  mts: 'model/vnd.mts',
  wmz: 'application/x-msmetafile'
}

let table: Map<string, string> | null = null

function buildTable(): Map<string, string> {
  const types = new Map<string, string>()
  const ranks = new Map<string, number>()
  for (const [type, entry] of Object.entries(mimeDb)) {
    if (!entry.extensions) continue
    const rank = entry.source !== undefined ? (SOURCE_RANK[entry.source] ?? UNKNOWN_SOURCE_RANK) : UNKNOWN_SOURCE_RANK
    for (const ext of entry.extensions) {
      const seen = ranks.get(ext)
      if (seen === undefined || rank < seen) {
        types.set(ext, type)
        ranks.set(ext, rank)
      }
    }
  }
  for (const [ext, type] of Object.entries(APACHE_PICKS)) types.set(ext, type)
  return types
}

export function typeForExtension(ext: string): string | undefined {
  table ??= buildTable()
  return table.get(ext.toLowerCase())
}

/** mod_mime: every dot-separated part after the first is an extension; the last known one decides. */
export function contentTypeFor(fileName: string): string | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1)
  const parts = base.split('.')
  let found: string | undefined
  for (let i = 1; i < parts.length; i++) {
    const t = parts[i] ? typeForExtension(parts[i]) : undefined
    if (t) found = t
  }
  return found
}

/** `ap_make_content_type`: the charset `AddDefaultCharset` appends, or the type as it is. */
export function withDefaultCharset(type: string, charset: string | null): string {
  if (charset === null || /charset=/i.test(type)) return type
  const lower = type.toLowerCase()
  return lower.includes('text/plain') || lower.includes('text/html') ? `${type}; charset=${charset}` : type
}
