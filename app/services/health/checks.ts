import { access, constants } from 'node:fs/promises'
import { dirname } from 'node:path'
import { BaseCheck, Result } from '@adonisjs/core/health'
import app from '@adonisjs/core/services/app'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import type { S3Driver } from '@adonisjs/drive/drivers/s3'
import { Redis } from 'ioredis'
import { JobQueue } from '#services/queue/job_queue'
import { redisConnectionOptions } from '#services/redis_connection'

/**
 * The database answers a query. The connection is looked up on each run
 * (Lucid's DbCheck keeps the one it was given: made while a transaction
 * was the default connection, it would keep asking that transaction).
 */
export class DatabaseCheck extends BaseCheck {
  name = 'Database'

  async run() {
    try {
      await db.connection().rawQuery('SELECT 1')
      return Result.ok('The database answers')
    } catch (error) {
      return Result.failed('The database does not answer', error as Error)
    }
  }
}

/**
 * The disk photos and media are stored on answers: the S3 bucket lists (so
 * it exists and the keys work), or the local folder is writable.
 */
export class StorageCheck extends BaseCheck {
  name = 'Storage'

  constructor(
    private disk: 'fs' | 's3',
    private fsLocation: string
  ) {
    super()
  }

  async run() {
    try {
      if (this.disk === 's3') {
        const s3 = drive.use('s3').driver as S3Driver
        await s3.listAll('health/', { recursive: false, maxResults: 1 })
      } else {
        await assertWritable(this.fsLocation)
      }
      return Result.ok(`The ${this.disk} disk answers`)
    } catch (error) {
      return Result.failed(`The ${this.disk} disk does not answer`, error as Error)
    }
  }
}

/**
 * The folder can be written, or (before the first upload) the closest of
 * its parents that exists, where it will be created.
 */
async function assertWritable(folder: string) {
  for (let current = folder; ; current = dirname(current)) {
    try {
      await access(current, constants.W_OK)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) {
        throw error
      }
    }
  }
}

/**
 * The job queue (pg-boss) answers.
 */
export class QueueCheck extends BaseCheck {
  name = 'Job queue'

  async run() {
    try {
      const queue = await app.container.make(JobQueue)
      await queue.ping()
      return Result.ok('The job queue answers')
    } catch (error) {
      return Result.failed('The job queue does not answer', error as Error)
    }
  }
}

/**
 * Redis, which carries live events between replicas, answers PING.
 */
export class RedisCheck extends BaseCheck {
  name = 'Redis'
  #client: Redis

  constructor(url: string) {
    super()
    this.#client = new Redis({
      ...redisConnectionOptions(url),
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    })
    this.#client.on('error', () => {})
  }

  async run() {
    try {
      if (this.#client.status !== 'ready') {
        this.#client.disconnect()
        await this.#client.connect()
      }
      await this.#client.ping()
      return Result.ok('Redis answers')
    } catch (error) {
      return Result.failed('Redis does not answer', error as Error)
    }
  }

  close() {
    this.#client.disconnect()
  }
}
