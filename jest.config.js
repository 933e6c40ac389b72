const { availableParallelism } = require("node:os");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The cluster suites bring up real database clusters: `npm run test:cluster` (jest.cluster.config.js) runs them.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/cluster/"],
  setupFiles: ["reflect-metadata"],
  // A run of its own: its files under one TMPDIR, its databases and Redis keys under its id; the teardown fails the
  // run when any of them is left (test/support/test-run.ts).
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  transform: {
    "^.+\\.(t|j)sx?$": [
      "@swc/jest",
      {
        jsc: {
          target: "es2022",
          parser: { syntax: "typescript", decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
        },
        module: { type: "commonjs" },
      },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  testTimeout: 60000,
  // Most of a suite's time is spent waiting (on MariaDB, on the processes it starts, on timers), not computing: two
  // suites at once even on two cores (Jest's default there is one, in band).
  maxWorkers: Math.max(2, availableParallelism()),
};
