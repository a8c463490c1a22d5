import { HttpContext } from '@adonisjs/core/http'
import type { ApplicationService } from '@adonisjs/core/types'
import { serializer, type ApiSerializer } from '#services/serializer'

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
