import { test } from '@japa/runner'
import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Product from '#models/product'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { images } from '#tests/helpers/catalog'

/**
 * An owner adds a product with a photo and finds it again by searching
 * with and without the accent.
 */
test.group('Catalog in the browser', () => {
  test('create a product with a photo, then search for it', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Juguetería Rosa')
    await browserContext.loginAs(user)
    const photo = join(await mkdtemp(join(tmpdir(), 'atiende-photo-')), 'camion.png')
    await writeFile(photo, images.png)

    const page = await visit('/catalog')
    await page.assertTextContains('[data-testid=catalog-empty]', 'Tu catálogo está vacío')
    await page.getByRole('link', { name: 'Agregar producto' }).click()
    await page.waitForURL('**/catalog/products/new')

    await page.getByLabel('Nombre del producto').fill('Camión de juguete')
    await page.getByLabel('Precio (MXN)').fill('349,9')
    await page.assertTextContains('#price-hint', 'Tus clientes verán $349.90')
    await page.getByLabel('Descripción').fill('De metal, con puertas que abren')
    await page.locator('#image').setInputFiles(photo)
    await page.locator('[data-testid=image-preview]').waitFor()
    await page.getByRole('button', { name: 'Guardar producto' }).click()

    await page.waitForURL('**/catalog')
    await page.assertTextContains('[data-testid=flash]', 'Guardamos «Camión de juguete»')
    await page.assertTextContains('[data-testid=product-price]', '$349.90')
    const photoLoaded = await page.locator('[data-testid=product] img').evaluate((img) => {
      const image = img as unknown as { complete: boolean; naturalWidth: number }
      return image.complete && image.naturalWidth > 0
    })
    assert.isTrue(photoLoaded)

    await page.getByRole('link', { name: 'Agregar producto' }).click()
    await page.getByLabel('Nombre del producto').fill('Zapato rojo')
    await page.getByLabel('Precio (MXN)').fill('899')
    await page.getByRole('button', { name: 'Guardar producto' }).click()
    await page.waitForURL('**/catalog')
    await page.assertTextContains('[data-testid=catalog-count]', '2 productos')

    const search = page.getByLabel('Buscar productos')
    await search.fill('camion')
    await page.assertTextContains('[data-testid=catalog-count]', '1 resultado para «camion»')
    await page.assertTextContains('[data-testid=product-list]', 'Camión de juguete')
    await page.assertNotExists('text=Zapato rojo')

    await search.fill('CAMIÓN')
    await page.assertTextContains('[data-testid=catalog-count]', '1 resultado para «CAMIÓN»')
    await page.assertTextContains('[data-testid=product-list]', 'Camión de juguete')

    const [product] = await Product.query()
      .where('business_id', business.id)
      .where('title', 'Camión de juguete')
    assert.equal(product.price, '349.90')
    assert.match(product.imageKey!, new RegExp(`^businesses/${business.id}/products/`))
  })
})
