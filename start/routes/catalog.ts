/*
|--------------------------------------------------------------------------
| Catalog routes: products, photos, CSV import
|--------------------------------------------------------------------------
|
| Pages (session auth, CSRF, the current business) and the JSON API
| (Bearer tokens). The business logo shares the photo storage, so its
| routes live here too.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const CatalogController = () => import('#controllers/catalog_controller')
const ProductImportsController = () => import('#controllers/product_imports_controller')
const BusinessLogoController = () => import('#controllers/business_logo_controller')
const ApiProductsController = () => import('#controllers/api/products_controller')

router
  .group(() => {
    router.get('/catalog', [CatalogController, 'index']).as('catalog.index')
    router.get('/catalog/products/new', [CatalogController, 'create']).as('catalog.create')
    router.post('/catalog/products', [CatalogController, 'store']).as('catalog.store')
    router.get('/catalog/products/:id/edit', [CatalogController, 'edit']).as('catalog.edit')
    router.put('/catalog/products/:id', [CatalogController, 'update']).as('catalog.update')
    router.delete('/catalog/products/:id', [CatalogController, 'destroy']).as('catalog.destroy')

    router.get('/catalog/import', [ProductImportsController, 'show']).as('catalog.import')
    router
      .get('/catalog/import/template.csv', [ProductImportsController, 'template'])
      .as('catalog.import.template')
    router
      .post('/catalog/import/preview', [ProductImportsController, 'preview'])
      .as('catalog.import.preview')
    router.post('/catalog/import', [ProductImportsController, 'store']).as('catalog.import.store')

    router
      .post('/settings/business/logo', [BusinessLogoController, 'update'])
      .as('settings.business.logo')
    router
      .delete('/settings/business/logo', [BusinessLogoController, 'destroy'])
      .as('settings.business.logo.destroy')
  })
  .use([middleware.auth({ guards: ['web'] }), middleware.currentBusiness()])

router
  .group(() => {
    router.get('/products', [ApiProductsController, 'index']).as('products.index')
    router.post('/products', [ApiProductsController, 'store']).as('products.store')
    router.get('/products/:id', [ApiProductsController, 'show']).as('products.show')
    router.put('/products/:id', [ApiProductsController, 'update']).as('products.update')
    router.delete('/products/:id', [ApiProductsController, 'destroy']).as('products.destroy')
  })
  .as('api')
  .use([middleware.json(), middleware.auth({ guards: ['api'] })])
