import env from '#start/env'

/**
 * A URL someone outside this server can open (the WhatsApp gateway
 * downloading a photo we send): a path on this server, like a signed
 * /uploads/... URL of the fs disk, is made absolute with APP_URL; an
 * absolute URL (S3) stays as it is.
 */
export function publicUrl(url: string) {
  return new URL(url, env.get('APP_URL')).toString()
}
