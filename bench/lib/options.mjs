/** A positive number from the environment, or `fallback` when unset; exits on nonsense. */
export function envNumber(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name}=${raw}: expected a positive number`)
    process.exit(2)
  }
  return value
}
