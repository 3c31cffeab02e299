/**
 * JSON renditions of a demo page: the Sling Model Exporter style `.model.json` that SPAs
 * and headless clients read, and the Sling default `.json` / `.N.json` / `.infinity.json`
 * dump of the page node, which real publish instances also answer and which Dispatcher
 * filters exist to block (dispatcher-behavior.md §12.1 F2, F4).
 */
import type { DemoPage, DemoSite } from './site'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** The JCR date format Sling's JSON writer uses, in UTC: `Mon May 12 2025 08:00:00 GMT+0000`. */
export function slingDate(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT+0000`
  )
}

export function pageModel(site: DemoSite, page: DemoPage, bodyHtml: string): Record<string, unknown> {
  return {
    ':type': 'demo/components/page',
    ':path': page.path,
    title: page.title,
    description: page.description,
    language: 'en-US',
    templateName: 'content-page',
    lastModifiedDate: site.lastModified.getTime(),
    ':items': {
      root: {
        ':type': 'demo/components/container',
        ':items': { text: { ':type': 'demo/components/text', text: bodyHtml, richText: true } },
        ':itemsOrder': ['text']
      }
    },
    ':itemsOrder': ['root']
  }
}

function childPages(site: DemoSite, parent: string): DemoPage[] {
  return [...site.pages.values()].filter((p) => p.path.slice(0, p.path.lastIndexOf('/')) === parent)
}

/** The page node to `depth` levels (`Infinity` for `.infinity.json`). */
export function slingJson(site: DemoSite, page: DemoPage, depth: number): Record<string, unknown> {
  const date = slingDate(site.lastModified)
  const node: Record<string, unknown> = { 'jcr:primaryType': 'cq:Page', 'jcr:createdBy': 'admin', 'jcr:created': date }
  if (depth < 1) return node
  const content: Record<string, unknown> = {
    'jcr:primaryType': 'cq:PageContent',
    'jcr:title': page.title,
    'jcr:description': page.description,
    'sling:resourceType': 'demo/components/page',
    'cq:lastModified': date,
    'cq:lastModifiedBy': 'admin'
  }
  if (page.vanityPath) content['sling:vanityPath'] = page.vanityPath
  node['jcr:content'] = content
  for (const child of childPages(site, page.path)) {
    node[child.path.slice(child.path.lastIndexOf('/') + 1)] = slingJson(site, child, depth - 1)
  }
  return node
}
