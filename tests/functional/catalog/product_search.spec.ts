import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import ProductSearch, { searchTokens } from '#services/product_search'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import { countProducts, createProduct as createAnyProduct } from '#tests/helpers/catalog'

/**
 * Search quality as a shop owner (and the agent) would judge it.
 */
test.group('Product search', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /**
   * One minute apart, in the order they are made: "newest first" is the
   * last one below, however fast the machine.
   */
  let madeAt = DateTime.now().minus({ hours: 1 })
  function createProduct(business: Business, fields: Parameters<typeof createAnyProduct>[1]) {
    madeAt = madeAt.plus({ minutes: 1 })
    return createAnyProduct(business, { ...fields, createdAt: madeAt })
  }

  async function catalog() {
    const { business } = await createOwnerWithBusiness()
    const other = await createOwnerWithBusiness('Otra tienda')
    await createProduct(business, { title: 'Camión de juguete', description: 'Metal, a escala' })
    await createProduct(business, {
      title: 'Zapato rojo',
      description: 'Piel, para dama',
      sku: 'ZAP-01',
      price: '899.00',
    })
    await createProduct(business, { title: 'Zapato negro escolar', price: '650.00' })
    await createProduct(business, {
      title: 'Camiseta básica',
      description: 'Algodón',
      price: '199.00',
    })
    await createProduct(business, {
      title: 'Camisa de vestir',
      description: 'Manga larga',
      price: '450.00',
    })
    await createProduct(business, {
      title: 'Pantalón de mezclilla',
      price: '720.00',
      active: false,
    })
    await createProduct(business, {
      title: 'Bolsa de mano',
      description: 'Combina con el zapato rojo',
      price: '1200.00',
    })
    await createProduct(other.business, { title: 'Zapato rojo de otra tienda' })
    return business
  }

  const titles = (rows: { title: string }[]) => rows.map((row) => row.title)

  test('accents and case do not matter: "camion" finds "Camión"', async ({ assert }) => {
    const business = await catalog()
    const search = new ProductSearch()
    assert.deepEqual(titles(await search.search(business, 'camion')), ['Camión de juguete'])
    assert.deepEqual(titles(await search.search(business, 'CAMIÓN')), ['Camión de juguete'])
  })

  test('Spanish stemming: "zapatos rojos" finds "Zapato rojo" first', async ({ assert }) => {
    const business = await catalog()
    const found = titles(await new ProductSearch().search(business, 'zapatos rojos'))
    assert.equal(found[0], 'Zapato rojo')
    assert.notInclude(found, 'Zapato negro escolar')
    assert.notInclude(found, 'Zapato rojo de otra tienda')
  })

  test('partial words: "zapat" finds every shoe, title matches first', async ({ assert }) => {
    const business = await catalog()
    const found = titles(await new ProductSearch().search(business, 'zapat'))
    assert.sameMembers(found.slice(0, 2), ['Zapato rojo', 'Zapato negro escolar'])
    assert.include(found, 'Bolsa de mano')
    assert.equal(found.at(-1), 'Bolsa de mano')
  })

  test('"camisa" finds the shirt first and also the T-shirt', async ({ assert }) => {
    const business = await catalog()
    const found = titles(await new ProductSearch().search(business, 'camisa'))
    assert.equal(found[0], 'Camisa de vestir')
    assert.include(found, 'Camiseta básica')
    assert.notInclude(found, 'Camión de juguete')
  })

  test('typos: "zapatso" still finds shoes', async ({ assert }) => {
    const business = await catalog()
    const found = titles(await new ProductSearch().search(business, 'zapatso'))
    assert.include(found, 'Zapato rojo')
    assert.include(found, 'Zapato negro escolar')
    assert.notInclude(found, 'Camisa de vestir')
  })

  test('finds by SKU and falls back to any word when none has them all', async ({ assert }) => {
    const business = await catalog()
    const search = new ProductSearch()
    assert.deepEqual(titles(await search.search(business, 'zap-01')), ['Zapato rojo'])

    const found = titles(await search.search(business, 'camisa azul talla m'))
    assert.equal(found[0], 'Camisa de vestir')
  })

  test('filters for the agent: active only and a maximum price', async ({ assert }) => {
    const business = await catalog()
    const search = new ProductSearch()
    assert.deepEqual(titles(await search.search(business, 'pantalon')), ['Pantalón de mezclilla'])
    assert.deepEqual(titles(await search.search(business, 'pantalon', { activeOnly: true })), [])

    const cheap = titles(await search.search(business, 'zapato', { maxPrice: '700.00' }))
    assert.deepEqual(cheap, ['Zapato negro escolar'])
    assert.lengthOf(await search.search(business, '', { limit: 3 }), 3)
  })

  test('SQL and tsquery metacharacters are harmless', async ({ assert }) => {
    const business = await catalog()
    const search = new ProductSearch()
    for (const query of [
      "'; DROP TABLE products; --",
      'zapato & | ! ( ) : * <-> "',
      "zapato' OR '1'='1",
      '\\',
      '%_%',
      '¼ ½ ß æ',
      '   ',
    ]) {
      await search.search(business, query)
      await search.paginate(business, query, { page: 1, perPage: 10 })
    }
    assert.equal(await countProducts(business), 7)
    assert.sameMembers(titles(await search.search(business, "zapato' OR '1'='1")), [
      'Zapato rojo',
      'Zapato negro escolar',
      'Bolsa de mano',
    ])
    // Markup's leftovers ("script", "alert", "1") do not find an unrelated product.
    await createProduct(business, { title: 'Playera 100 % algodón' })
    assert.deepEqual(titles(await search.search(business, '<script>alert(1)</script>')), [])
    assert.deepEqual(searchTokens("Camión's <b>ROJO</b> & ZAP-01"), [
      'camion',
      's',
      'b',
      'rojo',
      'b',
      'zap',
      '01',
    ])
  })

  test('paginates: newest first without a query, totals with one', async ({ assert }) => {
    const business = await catalog()
    const search = new ProductSearch()
    const page1 = await search.paginate(business, '', { page: 1, perPage: 4 })
    const page2 = await search.paginate(business, '', { page: 2, perPage: 4 })
    assert.deepEqual(page1.meta, { total: 7, perPage: 4, currentPage: 1, lastPage: 2 })
    assert.lengthOf(page1.rows, 4)
    assert.lengthOf(page2.rows, 3)
    assert.equal(page1.rows[0].title, 'Bolsa de mano')

    const shoes = await search.paginate(business, 'zapato', { page: 1, perPage: 1 })
    assert.equal(shoes.meta.total, 3)
    assert.equal(shoes.meta.lastPage, 3)
  })
})
