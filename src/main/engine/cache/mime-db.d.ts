/** The slice of the `mime-db` package (a JSON database, no types of its own) that the cache uses. */
declare module 'mime-db' {
  interface MimeEntry {
    source?: string
    extensions?: string[]
    charset?: string
    compressible?: boolean
  }
  const db: Record<string, MimeEntry>
  export default db
}
