import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import Product from '#models/product'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { ImageHost, countProducts, createProduct, imageShape, images } from '#tests/helpers/catalog'
import { allowOutboundTo } from '#tests/helpers/outbound'
import type Business from '#models/business'

/**
 * CSV import from the catalog page: preview, then import all or nothing.
 */
test.group('CSV import', (group) => {
  const host = new ImageHost()

  group.setup(async () => {
    await host.start()
    const restore = allowOutboundTo(new URL(host.origin).host)
    return () => {
      restore()
      return host.stop()
    }
  })
  group.each.setup(() => {
    host.requests = []
    return testUtils.db().withGlobalTransaction()
  })

  function csv(lines: string[]) {
    return Buffer.from(lines.join('\n') + '\n')
  }

  function send(client: any, url: string, user: any, contents: Buffer, locale?: 'en') {
    let request = client
      .post(url)
      .loginAs(user)
      .withCsrfToken()
      .header('accept', 'application/json')
      .file('file', contents, { filename: 'productos.csv', contentType: 'text/csv' })
    if (locale) request = request.header('accept-language', locale)
    return request
  }

  async function storedKeys(business: Business) {
    const listing = await drive.use('fs').listAll(`businesses/${business.id}/`, { recursive: true })
    return [...listing.objects].map((object) => ('key' in object ? object.key : object.prefix))
  }

  test('previews without importing, then imports every row with its image', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const file = csv([
      'title,description,price,sku,stock,image_url',
      `Zapato rojo,"Piel, para dama",1999.99,ZAP-01,5,${host.url('/zapato.png')}`,
      'Gorra,,189.5,,,',
      `Camiseta básica,Algodón,249,CAM-1,0,${host.url('/moved.png')}`,
    ])

    const preview = await send(client, '/catalog/import/preview', user, file)
    preview.assertStatus(200)
    assert.containSubset(preview.body().preview, {
      totalRows: 3,
      validRows: 3,
      errorCount: 0,
      errors: [],
      imagesToFetch: 2,
    })
    assert.deepEqual(preview.body().preview.sample[1], {
      line: 3,
      title: 'Gorra',
      price: '189.50',
      sku: null,
      stock: null,
      hasImage: false,
    })
    assert.equal(await countProducts(business), 0)
    assert.lengthOf(host.requests, 0)

    const imported = await send(client, '/catalog/import', user, file)
    imported.assertStatus(200)
    assert.deepEqual(imported.body(), { imported: 3 })

    const products = await Product.query().where('business_id', business.id).orderBy('title')
    assert.deepEqual(
      products.map((p) => [p.title, p.description, p.price, p.sku, p.stock]),
      [
        ['Camiseta básica', 'Algodón', '249.00', 'CAM-1', 0],
        ['Gorra', null, '189.50', null, null],
        ['Zapato rojo', 'Piel, para dama', '1999.99', 'ZAP-01', 5],
      ]
    )
    const zapato = products.find((p) => p.title === 'Zapato rojo')!
    assert.match(zapato.imageKey!, new RegExp(`^businesses/${business.id}/products/.+\\.png$`))
    assert.deepEqual(
      await imageShape(await drive.use('fs').getBytes(zapato.imageKey!)),
      await imageShape(images.png)
    )
    assert.isNotNull(products.find((p) => p.title === 'Camiseta básica')!.imageKey)
  })

  test('a bad row is reported by line and nothing is imported', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    await createProduct(business, { title: 'Ya existe', sku: 'OLD-1' })
    const file = csv([
      'titulo;precio;sku;existencias',
      'Zapato rojo;1999,99;ZAP-01;5',
      ';100;;',
      'Gorra;barata;;2.5',
      'Bolsa;300;ZAP-01;',
      'Cinturón;150;old-1;',
    ])

    const preview = await send(client, '/catalog/import/preview', user, file)
    preview.assertStatus(200)
    const { errors, validRows, totalRows, errorCount } = preview.body().preview
    assert.equal(totalRows, 5)
    assert.equal(validRows, 1)
    assert.equal(errorCount, 5)
    assert.deepEqual(errors, [
      { line: 3, field: 'title', message: 'Escribe el nombre del producto.' },
      {
        line: 4,
        field: 'price',
        message: 'Escribe el precio como un número con hasta 2 decimales, por ejemplo 1999.90.',
      },
      { line: 4, field: 'stock', message: 'El campo existencias debe ser un número entero.' },
      { line: 5, field: 'sku', message: 'El SKU ZAP-01 ya aparece en la línea 2 de este archivo.' },
      { line: 6, field: 'sku', message: 'Ya tienes un producto con el SKU old-1.' },
    ])

    const imported = await send(client, '/catalog/import', user, file)
    imported.assertStatus(422)
    assert.equal(
      imported.body().message,
      'No importamos nada: 5 filas tienen problemas. Corrígelas y vuelve a intentarlo.'
    )
    assert.equal(await countProducts(business), 1)
  })

  test('a bad image_url is a row error; images already fetched are removed', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const file = csv([
      'title,price,image_url',
      `Zapato,100,${host.url('/zapato.png')}`,
      `Disfrazado,100,${host.url('/disguised.jpg')}`,
      `Enorme,100,${host.url('/huge.jpg')}`,
      `Perdido,100,${host.url('/missing.png')}`,
      'Local,100,file:///etc/passwd',
    ])

    /**
     * A URL that is not http(s) is refused while reading: nothing fetched.
     */
    const response = await send(client, '/catalog/import', user, file)
    response.assertStatus(422)
    assert.deepEqual(response.body().preview.errors, [
      {
        line: 6,
        field: 'image_url',
        message: 'Escribe una URL completa de la imagen, que empiece con http:// o https://.',
      },
    ])
    assert.lengthOf(host.requests, 0)

    const withoutLocal = csv([
      'title,price,image_url',
      `Zapato,100,${host.url('/zapato.png')}`,
      `Disfrazado,100,${host.url('/disguised.jpg')}`,
      `Enorme,100,${host.url('/huge.jpg')}`,
      `Perdido,100,${host.url('/missing.png')}`,
    ])
    const second = await send(client, '/catalog/import', user, withoutLocal)
    second.assertStatus(422)
    assert.deepEqual(second.body().preview.errors, [
      { line: 3, field: 'image_url', message: 'La URL no apunta a una imagen JPG, PNG o WebP.' },
      { line: 4, field: 'image_url', message: 'La imagen pesa más de 5 MB.' },
      {
        line: 5,
        field: 'image_url',
        message:
          'El servidor de la imagen no la entregó (revisa que la URL sea correcta y pública).',
      },
    ])
    assert.equal(await countProducts(business), 0)
    assert.deepEqual(await storedKeys(business), [])
  })

  test('file problems are answered in the person’s language', async ({ client, assert }) => {
    const { user } = await createOwnerWithBusiness()

    const noPrice = await send(client, '/catalog/import/preview', user, csv(['title', 'Gorra']))
    noPrice.assertStatus(422)
    assert.equal(noPrice.body().errors[0].message, 'Faltan columnas obligatorias: price.')

    const english = await send(
      client,
      '/catalog/import/preview',
      user,
      csv(['title,price', 'Cap,cheap']),
      'en'
    )
    assert.deepEqual(english.body().preview.errors, [
      {
        line: 2,
        field: 'price',
        message: 'Write the price as a number with up to 2 decimals, for example 1999.90.',
      },
    ])

    const binary = await send(client, '/catalog/import/preview', user, images.png)
    binary.assertStatus(422)

    const empty = await send(client, '/catalog/import/preview', user, csv(['title,price']))
    assert.equal(
      empty.body().errors[0].message,
      'El archivo no tiene productos: necesita una fila de encabezados y al menos una fila más.'
    )
  })

  test('reads Windows-1252 files from Excel', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const latin1 = Buffer.from('title;price\r\nCamión azul;99,5\r\n', 'latin1')

    const response = await send(client, '/catalog/import', user, latin1)
    response.assertStatus(200)
    const [product] = await Product.query().where('business_id', business.id)
    assert.equal(product.title, 'Camión azul')
    assert.equal(product.price, '99.50')
  })
})
