import type { BenchDatabase } from './deployment.js'

/**
 * A shop's catalog of `count` products with Spanish titles and
 * descriptions, generated inside PostgreSQL in one statement
 * (generate_series), never one INSERT per product.
 */
export async function seedCatalog(database: BenchDatabase, businessId: string, count: number) {
  const kinds = [
    'Tenis para correr',
    'Zapato de vestir',
    'Bota de piel',
    'Sandalia',
    'Camiseta deportiva',
    'Sudadera con capucha',
    'Pantalón de mezclilla',
    'Chamarra impermeable',
    'Gorra',
    'Mochila escolar',
    'Bolsa de mano',
    'Cinturón de piel',
    'Vestido casual',
    'Calcetas',
    'Playera básica',
    'Short de running',
  ]
  const lines = [
    'Veloz',
    'Clásico',
    'Urbano',
    'Montaña',
    'Confort',
    'Pro',
    'Esencial',
    'Aventura',
    'Ligero',
    'Premium',
  ]
  const colors = ['negro', 'blanco', 'azul marino', 'rojo', 'gris', 'café', 'verde olivo', 'rosa']
  const materials = [
    'malla transpirable',
    'piel genuina',
    'algodón orgánico',
    'mezclilla elástica',
    'poliéster reciclado',
    'gamuza',
    'lona resistente',
    'tejido técnico',
  ]
  const uses = [
    'ideal para el uso diario',
    'pensado para entrenar en el gimnasio',
    'perfecto para la oficina',
    'para caminatas de fin de semana',
    'cómodo para viajar',
    'resistente a la lluvia',
    'con garantía de 90 días',
    'fabricado en León, Guanajuato',
  ]
  await database.query(
    `INSERT INTO products (business_id, title, description, price, sku, stock, active, created_at, updated_at)
     SELECT $1,
       ($3::text[])[1 + i % array_length($3, 1)] || ' ' || ($4::text[])[1 + (i / 16) % array_length($4, 1)]
         || ' ' || ($5::text[])[1 + (i / 7) % array_length($5, 1)]
         || CASE WHEN i % 3 = 0 THEN ' talla ' || (22 + i % 9) ELSE '' END,
       'Modelo ' || ($4::text[])[1 + (i / 16) % array_length($4, 1)] || ' en '
         || ($6::text[])[1 + (i / 5) % array_length($6, 1)] || ', color '
         || ($5::text[])[1 + (i / 7) % array_length($5, 1)] || '; '
         || ($7::text[])[1 + (i / 3) % array_length($7, 1)] || '. Disponible en tallas del '
         || (22 + i % 5) || ' al ' || (27 + i % 4) || '. Cambios sin costo dentro de 30 días.',
       round((199 + (i * 37) % 2800 + 0.9)::numeric, 2),
       'SKU-' || lpad(i::text, 6, '0'),
       CASE WHEN i % 10 = 0 THEN 0 ELSE (i * 13) % 60 END,
       true,
       now() - (i || ' minutes')::interval,
       now()
     FROM generate_series(1, $2::int) AS i`,
    [businessId, count, kinds, lines, colors, materials, uses]
  )
  await database.query('ANALYZE products')
}
