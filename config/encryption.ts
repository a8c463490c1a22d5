import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/**
 * AES-256-GCM: authenticated encryption for every secret we keep
 * (business OpenAI keys, WhatsApp instance tokens and webhook secrets).
 */
const encryptionConfig = defineConfig({
  default: 'app',
  list: {
    app: drivers.aes256gcm({
      id: 'app',
      keys: [env.get('APP_KEY')],
    }),
  },
})

export default encryptionConfig
