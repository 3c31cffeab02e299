/**
 * A timeout argument as httpd's `ap_timeout_parameter_parse` (server/util.c) reads it, for
 * KeepAliveTimeout and the like: an integer (leading blanks skipped), then a unit of which only
 * the first letters count — `s…` seconds, `h…` hours, `ms…` milliseconds, `mi…` minutes — or
 * nothing for seconds. No digits read as 0, so the unit is then the whole argument.
 */

/** In milliseconds (negative ones as 0); undefined when httpd refuses it ("KeepAliveTimeout has wrong format"). */
export function parseTimeoutMs(arg: string): number | undefined {
  const digits = /^\s*([+-]?\d+)/.exec(arg)
  const n = digits ? Number(digits[1]) : 0
  const unit = digits ? arg.slice(digits[0].length) : arg
  let ms: number
  if (unit === '' || unit[0] === 's') ms = n * 1000
  else if (unit[0] === 'h') ms = n * 3_600_000
  else if (unit.startsWith('ms')) ms = n
  else if (unit.startsWith('mi')) ms = n * 60_000
  else return undefined
  return Math.max(0, ms)
}
