import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))))

/** The real-world configurations: `shared/corpus` beside the checkout, or DW_CORPUS_DIR. */
export const CORPUS_DIR = process.env.DW_CORPUS_DIR || path.join(path.dirname(root), 'shared', 'corpus')

export const WKND_CONFIG = path.join(CORPUS_DIR, 'adobe__aem-guides-wknd', 'dispatcher', 'src')
export const SDK_CONFIG = path.join(CORPUS_DIR, 'aem-design__docker-dispatcher-sdk', 'src')
