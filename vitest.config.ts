import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // better-sqlite3 is a native addon: worker threads have crashed with such addons, forks do not.
    pool: 'forks',
    restoreMocks: true,
    unstubEnvs: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Fails CI without the OpenAPI files, counts skipped conformance checks, rebuilds a stale dist/.
    globalSetup: ['test/setup/global-setup.ts'],
    // Two tiers: `npm run test:unit` (pure logic, in-process, seconds) and `npm run test:integration`.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
    ],
  },
})
