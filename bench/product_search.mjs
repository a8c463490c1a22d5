/**
 * Product search at catalog scale: 10,000 products in one business (and
 * 10,000 in another), then the queries ProductSearch runs, timed with
 * EXPLAIN ANALYZE. Needs a migrated database whose name contains "bench"
 * or "test"; leaves it as it was.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_test node bench/product_search.mjs
 */
import pg from 'pg'

const url = process.env.DATABASE_URL
if (!url || !/bench|test/.test(new URL(url).pathname)) {
  console.error('Set DATABASE_URL to a migrated database whose name contains "bench" or "test".')
  process.exit(1)
}

const client = new pg.Client({ connectionString: url })
await client.connect()

const words = [
  'Zapato',
  'Camisa',
  'Camiseta',
  'Pantalón',
  'Camión',
  'Gorra',
  'Bolsa',
  'Cinturón',
  'Vestido',
  'Sudadera',
]
const colors = ['rojo', 'azul', 'negro', 'blanco', 'verde', 'café', 'gris', 'rosa']

async function seedBusiness(name) {
  const { rows } = await client.query(
    `INSERT INTO businesses (name, created_at, updated_at) VALUES ($1, now(), now()) RETURNING id`,
    [name]
  )
  const id = rows[0].id
  await client.query(
    `INSERT INTO products (business_id, title, description, price, sku, created_at, updated_at)
     SELECT $1,
            ($2::text[])[1 + i % 10] || ' ' || ($3::text[])[1 + i % 8] || ' modelo ' || i,
            'Descripción del producto número ' || i || ', de ' || ($3::text[])[1 + (i / 8) % 8],
            (i % 5000) + 0.99,
            'SKU-' || i,
            now() - (i || ' seconds')::interval, now()
     FROM generate_series(1, 10000) AS i`,
    [id, words, colors]
  )
  return id
}

const businessId = await seedBusiness('Bench A')
const otherId = await seedBusiness('Bench B')
await client.query('ANALYZE products')

/**
 * [label, tsquery, trigram text or null]: the first query ProductSearch
 * runs (every word, full-text only), or its fallback (any word or a close
 * title) when the first finds nothing.
 */
const cases = [
  ['zapatos rojos', 'zapatos:* & rojos:*', null],
  ['camion', 'camion:*', null],
  ['zapat', 'zapat:*', null],
  ['sku-4242', 'sku:* & 4242:*', null],
  ['zapatso (typo)', 'zapatso:*', 'zapatso'],
  ['camisa talla xl', 'camisa:* | talla:* | xl:*', 'camisa talla xl'],
]

for (const [label, tsquery, fuzzy] of cases) {
  const match = fuzzy
    ? `(search_vector @@ to_tsquery('spanish', $2) OR $3 <% search_text)`
    : `(search_vector @@ to_tsquery('spanish', $2) AND $3::text IS NULL)`
  const rank = fuzzy
    ? `ts_rank_cd(search_vector, to_tsquery('spanish', $2), 1) + word_similarity($3, search_text)`
    : `ts_rank_cd(search_vector, to_tsquery('spanish', $2), 1)`
  const page = `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id, title FROM products
    WHERE business_id = $1 AND ${match} ORDER BY ${rank} DESC, title LIMIT 24`
  const count = `EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM products WHERE business_id = $1 AND ${match}`
  const timings = []
  for (const sql of [page, count]) {
    const runs = []
    for (let i = 0; i < 5; i++) {
      const { rows } = await client.query(sql, [businessId, tsquery, fuzzy])
      runs.push(rows[0]['QUERY PLAN'][0]['Execution Time'])
    }
    timings.push(Math.min(...runs).toFixed(1))
  }
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM products WHERE business_id = $1 AND ${match}`,
    [businessId, tsquery, fuzzy]
  )
  console.log(
    `${label.padEnd(16)} matches ${String(rows[0].n).padStart(5)}  page ${timings[0]} ms  count ${timings[1]} ms`
  )
}

const list = await client.query(
  `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM products WHERE business_id = $1 ORDER BY created_at DESC, id LIMIT 24 OFFSET 9000`,
  [businessId]
)
console.log(
  `list page 376      page ${list.rows[0]['QUERY PLAN'][0]['Execution Time'].toFixed(1)} ms`
)

if (!process.env.KEEP)
  await client.query('DELETE FROM businesses WHERE id = ANY($1)', [[businessId, otherId]])
await client.end()
