/*
|--------------------------------------------------------------------------
| Page shell
|--------------------------------------------------------------------------
|
| The page's data goes as JSON inside a script element, written by the
| layout's {{{ inertiaPage(page) }}} (in place of the framework's @inertia
| tag, whose JSON escapes only "/"): with the framework's, a stored text holding
| "<!--<script" (a customer's WhatsApp name, a product title) left the
| browser's parser inside the element: the JSON never closed and the page
| rendered nothing. This one escapes every character that can open or
| close markup, and the two line separators JavaScript once refused.
|
*/
import edge from 'edge.js'

const UNSAFE = /[<>&/\u2028\u2029]/g
const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '/': '\\/',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/**
 * JSON that is safe between <script> and </script>: still the same value
 * for JSON.parse.
 */
export function scriptSafeJson(value: unknown) {
  return JSON.stringify(value).replace(UNSAFE, (character) => ESCAPES[character])
}

edge.global(
  'inertiaPage',
  (
    page: { ssrBody?: string } = {},
    attributes: { id?: string; class?: string; as?: string } = {}
  ) => {
    if (page.ssrBody) return page.ssrBody
    const className = attributes.class ? ` class="${attributes.class}"` : ''
    const id = attributes.id || 'app'
    const tag = attributes.as || 'div'
    return `<script data-page="${id}" type="application/json">${scriptSafeJson(page)}</script><${tag} id="${id}"${className}></${tag}>`
  }
)
