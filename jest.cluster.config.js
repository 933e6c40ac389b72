/**
 * The cluster suites (test/cluster/): real multi-node database clusters brought up on this machine by test/support
 * (galera.ts, replication.ts). `npm run test:cluster` runs them one file at a time; `npm test` never does (jest.config.js ignores
 * test/cluster/).
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/test/cluster/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 180000,
};
