import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, services } from '@adonisjs/drive'

/**
 * Product photos and logos. Private everywhere: browsers and the WhatsApp
 * gateway receive time-limited signed URLs.
 *
 * - fs: files under storage/uploads, served by a signed route (one machine)
 * - s3: MinIO or any S3-compatible service (production)
 */
const driveConfig = defineConfig({
  default: env.get('DRIVE_DISK', 'fs'),

  services: {
    fs: services.fs({
      location: app.makePath(env.get('DRIVE_FS_DIR') || 'storage/uploads'),
      serveFiles: true,
      routeBasePath: '/uploads',
      visibility: 'private',
    }),
    s3: services.s3({
      credentials: {
        accessKeyId: env.get('S3_ACCESS_KEY_ID', ''),
        secretAccessKey: env.get('S3_SECRET_ACCESS_KEY', ''),
      },
      endpoint: env.get('S3_ENDPOINT') || undefined,
      region: env.get('S3_REGION', 'us-east-1'),
      bucket: env.get('S3_BUCKET', 'atiende'),
      forcePathStyle: env.get('S3_FORCE_PATH_STYLE', true),
      /**
       * Checksums only where S3 requires them: MinIO and other
       * S3-compatible servers store streamed uploads corrupted otherwise.
       */
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      visibility: 'private',
      supportsACL: false,
    }),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
