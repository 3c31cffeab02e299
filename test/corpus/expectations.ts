/**
 * The corpus table: every configuration root in ../shared/corpus (MANIFEST.md), what it is
 * loaded with and what loading it must produce. One test per row (corpus.test.ts); a further
 * test makes sure no corpus file is left out of the table.
 */
import { AMS_ROOTS } from './expectations/ams-sets'
import { ARCHETYPE_ROOTS } from './expectations/archetype'
import { CLOUD_ROOTS } from './expectations/cloud-sets'
import { DOT_ANALYZER_ROOTS } from './expectations/dot-analyzer'
import { DOT_HTTPD_ROOTS } from './expectations/dot-httpd'
import { DOT_MODEL_ROOTS } from './expectations/dot-model'
import { DOT_PROJECT_ROOTS } from './expectations/dot-projects'
import { SMALL_SET_ROOTS } from './expectations/small-sets'
import type { CorpusRoot, UnreachedFragment } from './expectations/types'

export const ROOTS: CorpusRoot[] = [
  ...ARCHETYPE_ROOTS,
  ...CLOUD_ROOTS,
  ...AMS_ROOTS,
  ...SMALL_SET_ROOTS,
  ...DOT_MODEL_ROOTS,
  ...DOT_ANALYZER_ROOTS,
  ...DOT_PROJECT_ROOTS,
  ...DOT_HTTPD_ROOTS
]

const COMMENTED_OUT =
  'included only from a commented-out /ignoreUrlParams in default.farm; the same file is loaded through wknd'

/**
 * `.any` files no root reaches. Copies standing in for symlinks (`available_farms/x` whose
 * `enabled_farms/x` twin is loaded) are recognised by the coverage test and need no entry.
 */
export const UNREACHED: UnreachedFragment[] = [
  {
    set: 'adobe__aem-project-archetype',
    file: 'src/main/archetype/dispatcher.cloud/src/conf.dispatcher.d/cache/marketing_query_parameters.any',
    reason: COMMENTED_OUT
  },
  {
    set: 'adobe__aem-guides-wknd',
    file: 'dispatcher/src/conf.dispatcher.d/available_farms/default.farm',
    reason:
      'the immutable default farm, not enabled in wknd (wknd.farm replaces it); the archetype and the SDK load the same farm'
  },
  {
    set: 'aem-design__docker-dispatcher-sdk',
    file: 'src/conf.dispatcher.d/cache/marketing_query_parameters.any',
    reason: COMMENTED_OUT
  },
  {
    set: 'aem-design__docker-dispatcher-sdk',
    file: 'build/source/etc/httpd/conf.dispatcher.d/cache/marketing_query_parameters.any',
    reason: COMMENTED_OUT
  }
]
