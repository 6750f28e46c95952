// Starts a throwaway spotcheck demo server: a fresh temporary data dir, a free
// port on 127.0.0.1, `spotcheck demo --data-dir DIR --listen 127.0.0.1:PORT`,
// ready when /readyz answers 200. Used by the test suite's global setup and by
// screenshots.mjs.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const E2E_DIR = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 60_000;

function spotcheckBin() {
  const bin = path.resolve(E2E_DIR, process.env.SPOTCHECK_BIN || '../target/debug/spotcheck');
  if (!fs.existsSync(bin)) {
    throw new Error(
      `找不到 spotcheck 可执行文件：${bin}。请先构建（cargo build -p spotcheck），或用 SPOTCHECK_BIN 指定路径。`,
    );
  }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls /readyz until it answers 200, the process exits, or the time is up. */
async function waitReady(url, child, log) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`spotcheck 启动失败（退出码 ${child.exitCode ?? child.signalCode}）：\n${log()}`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`spotcheck 在 ${READY_TIMEOUT_MS / 1000} 秒内没有就绪（${url}/readyz）：\n${log()}`);
}

/** A detached watchdog ends the server if this process dies without its
 * teardown (SIGKILL, a crashed runner), so no server outlives its run. */
function watchdog(parentPid, serverPid, dataDir) {
  const script = `
    const [parent, server] = process.argv.slice(1, 3).map(Number);
    const dir = process.argv[3];
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(server)) process.exit(0);
      if (!alive(parent)) {
        try { process.kill(server, 'SIGKILL'); } catch {}
        if (dir) setTimeout(() => { require('fs').rmSync(dir, { recursive: true, force: true }); process.exit(0); }, 500);
        else process.exit(0);
      }
    }, 500);`;
  const keep = process.env.SPOTCHECK_E2E_KEEP === '1';
  spawn(process.execPath, ['-e', script, String(parentPid), String(serverPid), keep ? '' : dataDir], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}

/** A child environment without SPOTCHECK_* settings of the caller's shell
 * (a SPOTCHECK_DATABASE_URL there must not send the demo to a real database). */
function childEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('SPOTCHECK_')) env[k] = v;
  }
  return env;
}

/**
 * Starts the demo server. Returns { url, dataDir, logFile, pid, stop() }.
 * stop() is idempotent, ends the server (SIGTERM, SIGKILL after 5 s) and
 * removes the data dir unless SPOTCHECK_E2E_KEEP=1.
 */
async function startServer({ label = 'e2e' } = {}) {
  const bin = spotcheckBin();
  let lastError;
  // A port found free can be taken before the server binds it: try again.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `spotcheck-${label}-`));
    const logFile = path.join(dataDir, 'server.log');
    const logFd = fs.openSync(logFile, 'a');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(bin, ['demo', '--data-dir', path.join(dataDir, 'data'), '--listen', `127.0.0.1:${port}`], {
      cwd: dataDir,
      env: childEnv(),
      stdio: ['ignore', logFd, logFd],
    });
    fs.closeSync(logFd);
    watchdog(process.pid, child.pid, dataDir);
    const log = () => {
      try {
        return fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      } catch {
        return '';
      }
    };
    const exited = new Promise((r) => child.once('exit', r));
    let stopped = false;
    const onExit = () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    };
    process.on('exit', onExit);
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      if (process.env.SPOTCHECK_E2E_KEEP === '1') {
        console.log(`[spotcheck] 保留数据目录：${dataDir}`);
      } else {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    };
    try {
      await waitReady(url, child, log);
      return { url, dataDir, logFile, pid: child.pid, stop };
    } catch (e) {
      lastError = e;
      await stop();
      if (!/address|in use|AddrInUse|占用/i.test(String(e.message))) break;
    }
  }
  throw lastError;
}

module.exports = { startServer, spotcheckBin };
