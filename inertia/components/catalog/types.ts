/**
 * A product as pages receive it (app/transformers/product_transformer.ts).
 */
export type ProductData = {
  id: string
  businessId: string
  title: string
  description: string | null
  /**
   * Exact decimal text, "1999.90".
   */
  price: string
  sku: string | null
  stock: number | null
  active: boolean
  imageUrl: string | null
  createdAt: string
  updatedAt: string
}

export type PageMeta = {
  total: number
  perPage: number
  currentPage: number
  lastPage: number
}

export type ImportRowError = { line: number; field: string | null; message: string }

export type ImportPreview = {
  totalRows: number
  validRows: number
  errorCount: number
  errors: ImportRowError[]
  ignoredColumns: string[]
  imagesToFetch: number
  sample: {
    line: number
    title: string
    price: string
    sku: string | null
    stock: number | null
    hasImage: boolean
  }[]
}
