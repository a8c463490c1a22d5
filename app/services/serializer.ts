import { BaseSerializer } from '@adonisjs/core/transformers'

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

export const serializer = new ApiSerializer()

/**
 * Resolves transformers into plain JSON data outside a request (live
 * events, jobs). In a request, use `ctx.serialize()`.
 */
export const serialize = serializer.serialize.bind(serializer) as ApiSerializer['serialize']
export type { ApiSerializer }
