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
function s3Options(endpoint: string | undefined) {
  return {
    credentials: {
      accessKeyId: env.get('S3_ACCESS_KEY_ID', ''),
      secretAccessKey: env.get('S3_SECRET_ACCESS_KEY', ''),
    },
    endpoint: endpoint || undefined,
    region: env.get('S3_REGION', 'us-east-1'),
    bucket: env.get('S3_BUCKET', 'atiende'),
    forcePathStyle: env.get('S3_FORCE_PATH_STYLE', true),
    /**
     * Checksums only where S3 requires them: MinIO and other
     * S3-compatible servers store streamed uploads corrupted otherwise.
     */
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
    visibility: 'private' as const,
    supportsACL: false,
  }
}

const driveConfig = defineConfig({
  default: env.get('DRIVE_DISK', 'fs'),

  services: {
    fs: services.fs({
      location: app.makePath(env.get('DRIVE_FS_DIR') || 'storage/uploads'),
      serveFiles: true,
      routeBasePath: '/uploads',
      visibility: 'private',
    }),
    s3: services.s3(s3Options(env.get('S3_ENDPOINT'))),
    /**
     * The same bucket, for signing the links browsers and the WhatsApp
     * gateway open: with S3_PUBLIC_ENDPOINT, the app talks to MinIO on the
     * internal network and the links name its public host.
     */
    s3_links: services.s3(s3Options(env.get('S3_PUBLIC_ENDPOINT') || env.get('S3_ENDPOINT'))),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
