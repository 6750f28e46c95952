// Debian's chromium, with what a closed network and a root account need.
const fs = require('node:fs');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromiumPath() {
  const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(p)) {
    throw new Error(
      `找不到 Chromium：${p}。请先安装 Debian 的 chromium（apt-get install chromium），或用 CHROMIUM_PATH 指定。`,
    );
  }
  return p;
}

function chromiumLaunchOptions() {
  return { executablePath: chromiumPath(), args: CHROMIUM_ARGS };
}

module.exports = { CHROMIUM_ARGS, chromiumPath, chromiumLaunchOptions };
