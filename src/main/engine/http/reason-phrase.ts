/**
 * The reason phrase of a status line as httpd writes it (its `status_lines` table). Node's
 * table follows newer RFC wording for a few codes; browsers and curl show the phrase, so the
 * workbench writes httpd's, for its own answers and for the ones it relays.
 */
import { STATUS_CODES } from 'node:http'
import { HTTPD_REASON_PHRASES } from '../../../shared/status-wording'

export function reasonPhrase(status: number): string {
  return HTTPD_REASON_PHRASES[status] ?? STATUS_CODES[status] ?? 'unknown'
}
