/**
 * C's number parsing as httpd's code runs it (glibc on Linux): leading white space, an optional
 * sign, then digits up to the first non-digit; nothing readable is 0. Hand-written because the
 * overflow behaviour is the point: JavaScript's parseInt neither saturates nor truncates.
 */

export const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)

/** `apr_atoi64` / `strtol` on a 64-bit system: a value beyond 64 bits saturates at the nearest bound. */
export function atoi64(s: string): bigint {
  const m = /^[ \t\n\r\f\v]*([+-]?)(\d*)/.exec(s) as RegExpExecArray
  if (!m[2]) return 0n
  const n = m[1] === '-' ? -BigInt(m[2]) : BigInt(m[2])
  return n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n
}

/**
 * `atoi`: glibc's `(int) strtol(s, NULL, 10)`, so a value beyond 32 bits keeps its low 32 bits
 * (99999999999 is 1215752191; one beyond 64 bits saturates first and so reads -1).
 */
export function atoi(s: string): number {
  return Number(BigInt.asIntN(32, atoi64(s)))
}
