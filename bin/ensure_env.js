/*
|--------------------------------------------------------------------------
| First run helper for `npm run dev`
|--------------------------------------------------------------------------
|
| Creates `.env` from `.env.example` with a fresh APP_KEY when it does not
| exist, so a fresh clone runs with no manual step.
|
*/
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const target = new URL('../.env', import.meta.url)
const template = new URL('../.env.example', import.meta.url)

if (!existsSync(target)) {
  const key = randomBytes(32).toString('base64url')
  const content = readFileSync(template, 'utf8').replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`)
  writeFileSync(target, content, { mode: 0o600 })
  console.log('Created .env from .env.example with a new APP_KEY.')
}
