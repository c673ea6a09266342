// Lint rules, including the layering rules of ARCHITECTURE.md (which folder may import which).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const kafkaClient = {
  group: ['@platformatic/kafka', '@platformatic/kafka/*'],
  message: 'only src/kafka/** may import the Kafka client'
}
const layer = (name, why) => ({ group: [`**/${name}/**`, `../${name}/*`, `./${name}/*`], message: why })

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', '.data/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }]
        }
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'use an `as const` object instead of an enum' },
        { selector: 'TSModuleDeclaration:not([declare=true])', message: 'namespaces are not erasable' }
      ]
    }
  },
  {
    files: ['test/**', 'bench/**', 'tools/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  },
  {
    files: ['src/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [kafkaClient, layer('kafka', 'http may not import kafka/: go through services')] }
      ]
    }
  },
  {
    files: ['src/http/v2/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            kafkaClient,
            layer('kafka', 'http may not import kafka/'),
            layer('v3', 'v2 and v3 never import each other')
          ]
        }
      ]
    }
  },
  {
    files: ['src/http/v3/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            kafkaClient,
            layer('kafka', 'http may not import kafka/'),
            layer('v2', 'v2 and v3 never import each other')
          ]
        }
      ]
    }
  },
  {
    files: ['src/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'fastify', message: 'services never import fastify' }],
          patterns: [kafkaClient, layer('http', 'services never import http/')]
        }
      ]
    }
  },
  {
    files: ['src/serde/**', 'src/errors/**', 'src/model/**', 'src/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'fastify', message: 'lower layers never import fastify' }],
          patterns: [
            kafkaClient,
            layer('http', 'lower layers import nothing above them'),
            layer('services', 'lower layers import nothing above them'),
            layer('kafka', 'lower layers import nothing above them')
          ]
        }
      ]
    }
  }
)
