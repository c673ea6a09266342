// The README stays true: every setting is documented in its configuration table.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { settings } from '../../src/config/settings.ts'

test('every setting has a row in the README configuration table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  for (const key of Object.keys(settings))
    assert.match(readme, new RegExp(`^\\| \`${key.replaceAll('.', '\\.')}\` \\|`, 'm'), key)
})
