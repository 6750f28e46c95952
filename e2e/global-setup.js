// Starts one demo server for the whole run; the function it returns is the
// teardown Playwright calls at the end (after failures and Ctrl+C too; a
// watchdog ends the server should the runner die without it). The server's
// address reaches the tests through SPOTCHECK_E2E_URL.
const { startServer } = require('./lib/server');

module.exports = async function globalSetup() {
  const server = await startServer({ label: 'e2e' });
  process.env.SPOTCHECK_E2E_URL = server.url;
  process.env.SPOTCHECK_E2E_LOG = server.logFile;
  console.log(`[spotcheck] 演示服务已启动：${server.url}（pid ${server.pid}）`);
  return async () => {
    await server.stop();
  };
};
