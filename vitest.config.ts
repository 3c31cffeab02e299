import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig } from 'vitest/config'

// Every run caches into a fresh folder of its own, never into the user's ~/.cache.
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-test-cache-'))

// Five projects so the README's commands map one-to-one onto suites:
// `npm test` = unit + integration; corpus, httpd and e2e run on their own.
export default defineConfig({
  test: {
    env: { DW_CACHE_DIR: cacheDir },
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'corpus', include: ['test/corpus/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'httpd', include: ['test/httpd/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      }
    ]
  }
})
