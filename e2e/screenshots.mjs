// Screenshots of every page of the platform, for each role, at an office
// screen (1366×768) and a phone (390×844), for people to look at.
//
//   cd e2e && npm ci && node screenshots.mjs      (→ e2e/screenshots/)
//
// Starts its own demo server as the test suite does ($SPOTCHECK_BIN, default
// ../target/debug/spotcheck), logs in as each demo role (making the forced
// first-login password change), walks the role's menu and the detail pages,
// and writes full-page PNGs plus screenshots/report.json: for each shot the
// page's status, its document width against the window, and the elements
// that stick out to the right or whose text is cut off.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import serverLib from './lib/server.js';
import chromiumLib from './lib/chromium.js';

const { startServer } = serverLib;
const { chromiumLaunchOptions } = chromiumLib;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'screenshots');
const DEMO_PASSWORD = 'Demo#2026';
const NEW_PASSWORD = 'Jc#Sj2026-hlj';

const VIEWPORTS = {
  desktop: { viewport: { width: 1366, height: 768 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

// One account per role; the department admins of three levels.
const ACCOUNTS = [
  { username: 'hlj_admin', role: '省级管理员' },
  { username: 'hlj_auditor', role: '审计员' },
  { username: 'hrb_admin', role: '部门管理员（市）' },
  { username: 'daoli_admin', role: '部门管理员（区）' },
  { username: 'hrb_deputy', role: '分管负责人' },
  { username: 'hrb_head', role: '主要负责人' },
  { username: 'hrb_inspector', role: '检查人员' },
  // Logs in first on the phone, so the forced change is shot there too.
  { username: 'hrb_inspector2', role: '检查人员', only: 'phone' },
];

const report = [];

/** What a demanding reader would want measured on the page. */
async function measure(page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const describe = (el) => {
      let s = el.tagName.toLowerCase();
      if (el.id) s += `#${el.id}`;
      if (typeof el.className === 'string' && el.className.trim()) s += `.${el.className.trim().split(/\s+/).join('.')}`;
      const t = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 30);
      return t ? `${s} “${t}”` : s;
    };
    const all = [...document.body.querySelectorAll('*')];
    const visible = (el) => {
      const cs = getComputedStyle(el);
      return cs.display !== 'none' && cs.visibility !== 'hidden' && el.getClientRects().length > 0;
    };
    // Elements that leave the window to the right, not inside a scrolling frame.
    const inScroller = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return true;
      }
      return false;
    };
    const sticking = all
      .filter((el) => visible(el) && !inScroller(el) && el.getBoundingClientRect().right > vw + 0.5)
      .filter((el, _, arr) => !arr.some((o) => o !== el && o.contains(el)))
      .slice(0, 8)
      .map((el) => `${describe(el)} right=${Math.round(el.getBoundingClientRect().right)}`);
    // Text cut off: a box narrower than its content and clipping it.
    const clipped = all
      .filter((el) => {
        if (!visible(el) || el.children.length > 3) return false;
        const cs = getComputedStyle(el);
        return (cs.overflowX === 'hidden' || cs.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1;
      })
      .slice(0, 8)
      .map(describe);
    // Frames that scroll sideways (tables on phones): say so, they are allowed.
    const scrollers = all
      .filter((el) => visible(el) && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${describe(el).slice(0, 40)} ${el.clientWidth}/${el.scrollWidth}`);
    // Text the CJK font could not draw would come out as tofu: list characters
    // outside the usual ranges, for the eye to check.
    const odd = [...new Set((document.body.innerText.match(/[^\u0000-\u024f\u2000-\u206f\u2100-\u218f\u2190-\u21ff\u2460-\u24ff\u2500-\u257f\u25a0-\u25ff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef×·—–…“”‘’]/g)) || [])];
    return {
      title: document.title,
      innerWidth: vw,
      scrollWidth: document.scrollingElement.scrollWidth,
      horizontalScroll: document.scrollingElement.scrollWidth > vw,
      height: document.scrollingElement.scrollHeight,
      sticking,
      clipped,
      scrollers,
      unusualCharacters: odd.join(''),
    };
  });
}

let counter = 0;
async function shot(page, viewportName, who, name, extra = {}) {
  counter += 1;
  const file = path.join(OUT, viewportName, `${String(counter).padStart(3, '0')}-${who}-${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Let the page and its fonts finish before drawing (Chromium's own error
  // page navigates once more after the failed load).
  let m;
  for (let attempt = 0; ; attempt++) {
    try {
      await page.waitForLoadState('load');
      await page.evaluate(() => document.fonts.ready);
      m = await measure(page);
      break;
    } catch (e) {
      if (attempt >= 5 || !/context was destroyed|navigation/i.test(e.message)) throw e;
      await page.waitForLoadState('load');
    }
  }
  await page.screenshot({ path: file, fullPage: true });
  // A long page: also what the screen shows first.
  const vh = page.viewportSize().height;
  if (m.height > vh * 1.5) await page.screenshot({ path: file.replace(/\.png$/, '-top.png') });
  const entry = { file: path.relative(HERE, file), viewport: viewportName, who, page: name, url: page.url(), ...extra, ...m };
  report.push(entry);
  const flags = [];
  if (m.horizontalScroll) flags.push(`横向滚动 ${m.scrollWidth}>${m.innerWidth}`);
  if (m.sticking.length) flags.push(`超出右边界 ${m.sticking.length}`);
  if (m.clipped.length) flags.push(`文字被截断 ${m.clipped.length}`);
  console.log(`${entry.file}${flags.length ? `  ⚠ ${flags.join('，')}` : ''}`);
  return entry;
}

async function goto(page, url) {
  try {
    const resp = await page.goto(url);
    return resp ? resp.status() : 0;
  } catch (e) {
    // An error status with an empty body: Chromium shows its own error page.
    if (/ERR_HTTP_RESPONSE_CODE_FAILURE/.test(e.message)) return 'empty-body-error';
    throw e;
  }
}

async function submitLogin(page, username, password) {
  await goto(page, '/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登 录' }).click();
  // The fresh login page has no alert: wait for the error, or the next page.
  await page.locator('[role=alert], h1:text-matches("修改密码|您好")').first().waitFor();
}

/** Logs in; on the first login makes the forced change (shooting that page). */
async function login(page, vp, acct) {
  await submitLogin(page, acct.username, acct.password);
  if (new URL(page.url()).pathname === '/account/password') {
    // The policy error under the field first, then the real change.
    await page.getByLabel('原密码').fill(acct.password);
    await page.getByLabel('新密码', { exact: true }).fill('short');
    await page.getByLabel('确认新密码').fill('short');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('.err').first().waitFor();
    await shot(page, vp, acct.username, 'account-password-forced-error');
    await page.getByLabel('原密码').fill(acct.password);
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('确认新密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('heading', { name: /^您好，/ }).waitFor();
    acct.password = NEW_PASSWORD;
  }
  await page.getByRole('heading', { name: /^您好，/ }).waitFor();
}

function slug(href) {
  return href.replace(/^\//, '').replace(/[/?=&]+/g, '-') || 'home';
}

async function walkRole(browser, vp, acct) {
  const context = await browser.newContext({ ...VIEWPORTS[vp], locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL });
  const page = await context.newPage();
  try {
    await login(page, vp, acct);
    await shot(page, vp, acct.username, 'home');
    const menu = await page
      .getByRole('navigation', { name: '功能菜单' })
      .getByRole('link')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of menu) {
      if (href === '/') continue;
      const status = await goto(page, href);
      await shot(page, vp, acct.username, slug(href), { status });
      // One level deeper: the first detail page of each list.
      const detail = {
        '/users': 'table.list tbody a[href^="/users/"]',
        '/departments': 'table.list tbody a[href^="/departments/"]',
        '/audit': 'table.list tbody a[href^="/audit/"]',
        '/experts': 'table.list tbody a[href^="/experts/"]',
      }[href];
      if (detail) {
        const links = await page.locator(detail).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        // The departments page lists the tree: take a 归口部门 with units (the city) and a unit.
        const picks = href === '/departments'
          ? [links.find((l) => /\/departments\/\d{6}$/.test(l) && l.endsWith('00')) ?? links[0], links.find((l) => /-\d+$/.test(l))]
          : [links[0]];
        for (const l of picks.filter(Boolean)) {
          const s = await goto(page, l);
          await shot(page, vp, acct.username, slug(l), { status: s });
        }
      }
    }
    if (menu.includes('/users')) {
      // The new-user form, with a field error.
      await goto(page, '/users/new');
      await shot(page, vp, acct.username, 'users-new');
      await page.getByLabel('用户名').fill('9 Bad Name');
      await page.getByLabel('姓名').fill('演示用户');
      await page.getByRole('button', { name: '保存' }).click();
      await page.locator('.err').first().waitFor();
      await shot(page, vp, acct.username, 'users-new-error');
      // A created user with its one-time password, then the reset dialog.
      const uname = `shot${vp}${acct.username.replace(/_.*/, '')}`.replace(/[^a-z0-9]/g, '');
      await page.getByLabel('用户名').fill(uname);
      await page.getByLabel('角色').selectOption({ label: '检查人员' });
      await page.getByRole('button', { name: '保存' }).click();
      await page.locator('.secret').waitFor();
      await shot(page, vp, acct.username, 'users-created-secret');
      await page.getByRole('button', { name: '重置密码' }).click();
      await page.locator('dialog[open]').waitFor();
      await shot(page, vp, acct.username, 'users-reset-dialog');
      await page.locator('dialog[open]').getByRole('button', { name: '取消' }).click();
      // The user list filtered to nothing: the empty state.
      await goto(page, '/users?q=zzzz-nobody');
      await shot(page, vp, acct.username, 'users-empty');
    }
    if (menu.includes('/audit')) {
      await goto(page, '/audit?action=auth.login_failed');
      await shot(page, vp, acct.username, 'audit-login-failed');
      await page.getByRole('button', { name: '校验审计链' }).click();
      await page.locator('.notice').first().waitFor();
      await shot(page, vp, acct.username, 'audit-verified');
    }
    if (acct.username === 'hrb_inspector') {
      // The second factor's enrolment: QR code and secret (not completed).
      await goto(page, '/account/totp');
      const begin = page.getByRole('button', { name: '开始绑定' });
      if (await begin.count()) await begin.click(); // else begun on the other viewport
      await page.getByLabel('动态口令').waitFor();
      await shot(page, vp, acct.username, 'account-totp-enrol');
    }
    // A 404 inside the jurisdiction check.
    const s404 = await goto(page, '/users/999999');
    await shot(page, vp, acct.username, 'not-found', { status: s404 });
  } finally {
    await context.close();
  }
}

let baseURL;

async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startServer({ label: 'shots' });
  baseURL = server.url;
  console.log(`演示服务：${baseURL}`);
  const browser = await chromium.launch({ headless: true, ...chromiumLaunchOptions() });
  try {
    const accounts = ACCOUNTS.map((a) => ({ ...a, password: DEMO_PASSWORD }));
    for (const vp of Object.keys(VIEWPORTS)) {
      // Before anyone logs in: the login page, a failed login, a lock.
      const ctx = await browser.newContext({ ...VIEWPORTS[vp], locale: 'zh-CN', baseURL });
      const page = await ctx.newPage();
      await goto(page, '/login');
      await shot(page, vp, 'anon', 'login');
      await submitLogin(page, 'nobody', 'Wrong#123');
      await page.getByRole('alert').waitFor();
      await shot(page, vp, 'anon', 'login-error');
      const locked = vp === 'desktop' ? 'qqhr_admin' : 'nangang_admin';
      for (let i = 0; i < 5; i++) await submitLogin(page, locked, `Wrong#${i}x`);
      await page.getByRole('alert').filter({ hasText: '账号已锁定' }).waitFor();
      await shot(page, vp, 'anon', 'login-locked');
      await goto(page, '/login?expired=1');
      await shot(page, vp, 'anon', 'login-expired');
      const s = await goto(page, '/no-such-page');
      await shot(page, vp, 'anon', 'unknown-path', { status: s });
      await ctx.close();
      for (const acct of accounts) {
        if (!acct.only || acct.only === vp) await walkRole(browser, vp, acct);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  fs.writeFileSync(path.join(OUT, 'report.json'), JSON.stringify(report, null, 2));
  const bad = report.filter((r) => r.horizontalScroll || r.sticking.length || r.clipped.length);
  console.log(`\n共 ${report.length} 张截图，写入 ${path.relative(process.cwd(), OUT)}/；需要注意的 ${bad.length} 张（见 report.json）。`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
