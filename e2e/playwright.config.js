// Browser tests of the spotcheck web UI.
//
//   cd e2e && npm ci && npx playwright test
//
// The suite starts its own demo server (global-setup.js): a fresh temporary
// data dir, a free port on 127.0.0.1, the binary from $SPOTCHECK_BIN
// (default ../target/debug/spotcheck; build it with `cargo build -p spotcheck`).
// It drives Debian's /usr/bin/chromium ($CHROMIUM_PATH overrides); no browser
// is ever downloaded.
const { defineConfig } = require('@playwright/test');
const { chromiumLaunchOptions } = require('./lib/chromium');

module.exports = defineConfig({
  testDir: './tests',
  testMatch: /.*\.spec\.js$/,
  // One server, shared accounts: tests run one after another. Each spec uses
  // its own demo accounts (a first login changes the password for good), so a
  // retry could not start from a clean state: failures must be looked at.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: require.resolve('./global-setup.js'),
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
