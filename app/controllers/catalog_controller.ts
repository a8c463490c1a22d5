import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import Product from '#models/product'
import CreateProduct from '#actions/catalog/create_product'
import UpdateProduct from '#actions/catalog/update_product'
import DeleteProduct from '#actions/catalog/delete_product'
import ProductSearch from '#services/product_search'
import ProductTransformer from '#transformers/product_transformer'
import BusinessPolicy from '#policies/business_policy'
import {
  catalogPageValidator,
  createProductValidator,
  updateProductValidator,
} from '#validators/product'

const PER_PAGE = 24

/**
 * The catalog pages of the current business: list and search, create,
 * edit, delete.
 */
export default class CatalogController {
  @inject()
  async index(
    { inertia, request, response, business, bouncer }: HttpContext,
    search: ProductSearch
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { q, page } = await request.validateUsing(catalogPageValidator, {
      data: request.qs(),
    })
    const { rows, meta } = await search.paginate(business, q ?? '', {
      page: page ?? 1,
      perPage: PER_PAGE,
    })
    /**
     * Past the last page (its last product was just deleted): show the
     * last page instead of an empty one.
     */
    if (rows.length === 0 && meta.total > 0) {
      return response
        .redirect()
        .toPath(
          `/catalog?${new URLSearchParams({ ...(q ? { q } : {}), page: String(meta.lastPage) })}`
        )
    }
    const isEmpty = meta.total === 0 && !q ? !(await this.#hasProducts(business)) : false

    return inertia.render('catalog/index', {
      currency: business.currency,
      canEdit: business.$extras.pivot_role === 'owner',
      filters: { q: q ?? '' },
      catalogIsEmpty: isEmpty,
      products: { data: ProductTransformer.transform(rows), meta },
    })
  }

  async create({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    return inertia.render('catalog/form', { currency: business.currency, product: null })
  }

  @inject()
  async store(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    createProduct: CreateProduct
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(createProductValidator, {
      meta: { businessId: business.id },
    })
    const product = await createProduct.handle({ business, ...payload })
    session.flash('success', i18n.t('catalog.created', { title: product.title }))
    return response.redirect().toRoute('catalog.index')
  }

  async edit({ inertia, params, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const product = await Product.findInBusinessOrFail(business, params.id)
    return inertia.render('catalog/form', {
      currency: business.currency,
      product: ProductTransformer.transform(product),
    })
  }

  @inject()
  async update(
    { request, response, params, business, bouncer, session, i18n }: HttpContext,
    updateProduct: UpdateProduct
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const product = await Product.findInBusinessOrFail(business, params.id)
    const payload = await request.validateUsing(updateProductValidator, {
      meta: { businessId: business.id, productId: product.id },
    })
    await updateProduct.handle({ product, ...payload })
    session.flash('success', i18n.t('catalog.updated', { title: product.title }))
    return response.redirect().toRoute('catalog.index')
  }

  @inject()
  async destroy(
    { response, params, business, bouncer, session, i18n }: HttpContext,
    deleteProduct: DeleteProduct
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const product = await Product.findInBusinessOrFail(business, params.id)
    await deleteProduct.handle({ product })
    session.flash('success', i18n.t('catalog.deleted', { title: product.title }))
    return response.redirect().back()
  }

  async #hasProducts(business: HttpContext['business']) {
    return Boolean(await business.related('products').query().select('id').first())
  }
}
