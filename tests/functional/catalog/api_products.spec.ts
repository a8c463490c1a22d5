import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { countProducts, createProduct } from '#tests/helpers/catalog'

/**
 * The products JSON API as a client sees it.
 */
test.group('API products', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('creates a product: 201 with the exact price and no image', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client.post('/products').bearerToken(token).json({
      business_id: business.id,
      title: '  Zapato de piel  ',
      description: 'Color café, tallas 22 a 28',
      price: '1999.99',
      sku: 'ZAP-001',
      stock: 12,
    })

    response.assertStatus(201)
    assert.containSubset(response.body(), {
      businessId: business.id,
      title: 'Zapato de piel',
      description: 'Color café, tallas 22 a 28',
      price: '1999.99',
      sku: 'ZAP-001',
      stock: 12,
      active: true,
      imageUrl: null,
    })

    const shown = await client.get(`/products/${response.body().id}`).bearerToken(token)
    shown.assertStatus(200)
    assert.equal(shown.body().price, '1999.99')
    assert.equal(shown.body().title, 'Zapato de piel')
  })

  test('keeps money exact: strings, commas, JSON numbers, no float drift', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const cases: [unknown, string][] = [
      ['1999.99', '1999.99'],
      ['0.1', '0.10'],
      ['1999,9', '1999.90'],
      [1999.99, '1999.99'],
      [0.3, '0.30'],
      ['9999999999.99', '9999999999.99'],
      ['$ 250', '250.00'],
    ]
    for (const [price, expected] of cases) {
      const response = await client
        .post('/products')
        .bearerToken(token)
        .json({ business_id: business.id, title: `Precio ${expected}`, price })
      response.assertStatus(201)
      assert.equal(response.body().price, expected, `price ${JSON.stringify(price)}`)
    }

    const rows = await db
      .from('products')
      .where('business_id', business.id)
      .select(db.raw('price::text as price'))
      .orderBy('products.price')
    assert.deepEqual(
      rows.map((row) => row.price),
      ['0.10', '0.30', '250.00', '1999.90', '1999.99', '1999.99', '9999999999.99']
    )

    const sum = await db
      .from('products')
      .where('business_id', business.id)
      .select(db.raw('sum(price)::text as total'))
      .first()
    assert.equal(sum.total, '10000006250.27')
  })

  test('answers 422 with translated messages in Spanish by default', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client
      .post('/products')
      .bearerToken(token)
      .json({ business_id: business.id, price: '19.999', stock: -1 })

    response.assertStatus(422)
    const byField = Object.fromEntries(
      response
        .body()
        .errors.map((error: { field: string; message: string }) => [error.field, error.message])
    )
    assert.deepEqual(byField, {
      title: 'Escribe el nombre del producto.',
      price: 'Escribe el precio como un número con hasta 2 decimales, por ejemplo 1999.90.',
      stock: 'El campo existencias no puede ser menor que 0.',
    })
    assert.equal(await countProducts(business), 0)
  })

  test('answers validation messages in English with accept-language: en', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client
      .post('/products')
      .bearerToken(token)
      .header('accept-language', 'en')
      .json({ business_id: business.id, title: 'Gorra', price: 'cheap', stock: 2.5 })

    response.assertStatus(422)
    const messages = response.body().errors.map((error: { message: string }) => error.message)
    assert.sameMembers(messages, [
      'Write the price as a number with up to 2 decimals, for example 1999.90.',
      'The stock must be a whole number.',
    ])
  })

  test('a SKU is unique inside the business, whatever its case', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const other = await createOwnerWithBusiness('Otra tienda')
    const token = await tokenFor(user)
    await createProduct(business, { sku: 'ZAP-001' })
    await createProduct(other.business, { sku: 'GOR-1' })

    const duplicate = await client
      .post('/products')
      .bearerToken(token)
      .json({ business_id: business.id, title: 'Otro zapato', price: '10', sku: 'zap-001' })
    duplicate.assertStatus(422)
    assert.deepEqual(duplicate.body().errors, [
      { field: 'sku', rule: 'database.unique', message: 'Ya tienes otro producto con este SKU.' },
    ])

    const sameAsOtherTenant = await client
      .post('/products')
      .bearerToken(token)
      .json({ business_id: business.id, title: 'Gorra', price: '10', sku: 'GOR-1' })
    sameAsOtherTenant.assertStatus(201)
  })

  test('lists with search and pagination: { data, meta }', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    for (let i = 1; i <= 30; i++) {
      await createProduct(business, { title: `Camiseta ${i}`, price: `${i}.50` })
    }
    await createProduct(business, { title: 'Camión de juguete', price: '350.00' })

    const firstPage = await client
      .get('/products')
      .qs({ business_id: business.id })
      .bearerToken(token)
    firstPage.assertStatus(200)
    assert.deepEqual(firstPage.body().meta, {
      total: 31,
      perPage: 25,
      currentPage: 1,
      lastPage: 2,
    })
    assert.lengthOf(firstPage.body().data, 25)

    const secondPage = await client
      .get('/products')
      .qs({ business_id: business.id, page: 2 })
      .bearerToken(token)
    assert.lengthOf(secondPage.body().data, 6)
    const ids = new Set([...firstPage.body().data, ...secondPage.body().data].map((p: any) => p.id))
    assert.equal(ids.size, 31)

    const searched = await client
      .get('/products')
      .qs({ business_id: business.id, q: 'camion' })
      .bearerToken(token)
    assert.deepEqual(
      searched.body().data.map((p: { title: string }) => p.title),
      ['Camión de juguete']
    )
    assert.equal(searched.body().meta.total, 1)
  })

  test('updates only the given fields and validates them', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const product = await createProduct(business, {
      title: 'Gorra',
      price: '150.00',
      sku: 'GOR-1',
      stock: 3,
    })

    const updated = await client
      .put(`/products/${product.id}`)
      .bearerToken(token)
      .json({ price: '175.5', stock: null, active: false })
    updated.assertStatus(200)
    assert.containSubset(updated.body(), {
      title: 'Gorra',
      price: '175.50',
      sku: 'GOR-1',
      stock: null,
      active: false,
    })

    const invalid = await client
      .put(`/products/${product.id}`)
      .bearerToken(token)
      .json({ title: '', price: '-3' })
    invalid.assertStatus(422)

    await product.refresh()
    assert.equal(product.price, '175.50')
    assert.equal(product.title, 'Gorra')
  })

  test('deletes: 204, then 404', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const product = await createProduct(business)

    const deleted = await client.delete(`/products/${product.id}`).bearerToken(token)
    deleted.assertStatus(204)
    assert.equal(deleted.text(), '')

    const again = await client.get(`/products/${product.id}`).bearerToken(token)
    again.assertStatus(404)
    assert.equal(again.body().message, 'No encontramos lo que buscas.')
  })

  test('requires business_id and a token', async ({ client, assert }) => {
    const { user } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const withoutBusiness = await client
      .post('/products')
      .bearerToken(token)
      .json({ title: 'Gorra', price: '10' })
    withoutBusiness.assertStatus(422)
    assert.equal(withoutBusiness.body().errors[0].field, 'business_id')

    const withoutToken = await client.get('/products').qs({ business_id: user.id })
    withoutToken.assertStatus(401)
  })
})
