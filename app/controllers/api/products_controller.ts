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
  createProductValidator,
  productBusinessValidator,
  productListValidator,
  updateProductValidator,
} from '#validators/product'

/**
 * Products over the JSON API. The business comes from `business_id` (lists,
 * creation) or from the product itself, always through the user's own
 * memberships: another tenant's id is a 404.
 */
export default class ProductsController {
  @inject()
  async index({ auth, request, bouncer, serialize }: HttpContext, search: ProductSearch) {
    const {
      business_id: businessId,
      q,
      page,
      perPage,
    } = await request.validateUsing(productListValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('view', business)

    const { rows, meta } = await search.paginate(business, q ?? '', {
      page: page ?? 1,
      perPage: perPage ?? 25,
    })
    return serialize({ data: ProductTransformer.transform(rows), meta })
  }

  @inject()
  async store(
    { auth, request, response, bouncer, serialize }: HttpContext,
    createProduct: CreateProduct
  ) {
    const { business_id: businessId } = await request.validateUsing(productBusinessValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    const payload = await request.validateUsing(createProductValidator, {
      meta: { businessId: business.id },
    })
    const product = await createProduct.handle({ business, ...payload })
    response.status(201)
    return serialize(ProductTransformer.transform(product))
  }

  async show({ auth, params, bouncer, serialize }: HttpContext) {
    const { product, business } = await Product.findForUserOrFail(auth.getUserOrFail(), params.id)
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return serialize(ProductTransformer.transform(product))
  }

  @inject()
  async update(
    { auth, params, request, bouncer, serialize }: HttpContext,
    updateProduct: UpdateProduct
  ) {
    const { product, business } = await Product.findForUserOrFail(auth.getUserOrFail(), params.id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    const payload = await request.validateUsing(updateProductValidator, {
      meta: { businessId: business.id, productId: product.id },
    })
    await updateProduct.handle({ product, ...payload })
    return serialize(ProductTransformer.transform(product))
  }

  @inject()
  async destroy({ auth, params, response, bouncer }: HttpContext, deleteProduct: DeleteProduct) {
    const { product, business } = await Product.findForUserOrFail(auth.getUserOrFail(), params.id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    await deleteProduct.handle({ product })
    return response.noContent()
  }
}
