import { HttpContext } from '@adonisjs/core/http'
import { BaseSerializer } from '@adonisjs/core/transformers'
import type { ApplicationService } from '@adonisjs/core/types'

/**
 * JSON answers are not wrapped: an item is the object itself, a collection
 * an array. Paginated lists answer `{ data, meta }`.
 */
class ApiSerializer extends BaseSerializer<{ PaginationMetaData: Record<string, unknown> }> {
  wrap = undefined

  definePaginationMetaData(metaData: unknown) {
    return metaData as Record<string, unknown>
  }
}

const serializer = new ApiSerializer()

/**
 * Adds `ctx.serialize()`: resolves transformers (with the request's
 * container) into plain JSON data.
 */
export default class ApiProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    HttpContext.getter('serialize', function (this: HttpContext) {
      return ((data: unknown) =>
        serializer.serialize(data as any, this.containerResolver)) as HttpContext['serialize']
    })
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    serialize: ApiSerializer['serialize']
  }
}
