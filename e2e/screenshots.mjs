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
import creditCode from './lib/credit-code.js';
import xlsxLib from './lib/xlsx.js';

const { startServer } = serverLib;
const { chromiumLaunchOptions } = chromiumLib;
const { makeCode, withBadCheckChar } = creditCode;
const { readWorkbook, fillFirstSheet } = xlsxLib;

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
  { username: 'hrb_admin', role: '部门管理员（市）', division: '230102', bigImport: true },
  { username: 'daoli_admin', role: '部门管理员（区）', division: '230102' },
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
        '/objects': 'table.list tbody a[href^="/objects/"]',
        '/inspectors': 'table.list tbody a[href^="/inspectors/"]',
        '/items': 'table.list tbody a[href^="/items/"]',
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
    if (menu.includes('/objects')) await walkDirectories(page, vp, acct);
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

const ENTERPRISE_HEADER = [
  '统一社会信用代码*', '企业名称*', '法定代表人', '注册地址', '所在行政区划代码*', '企业类别*',
  '信用风险分类*', '列入经营异常名录', '重点关注对象', '严重违法失信', '近一年投诉举报次数', '联系电话',
];

/** Clicks a confirmation form's button, shoots the dialog, then answers it. */
async function shootDialog(page, vp, who, name, button, answer) {
  await button.click();
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await shot(page, vp, who, name);
  await dialog.getByRole('button', { name: answer }).click();
}

/** Uploads a file through the import form (kind 企业, the first department offered). */
async function uploadImport(page, file) {
  await goto(page, '/imports/new?kind=enterprise');
  await page.getByLabel('文件', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: '开始导入' }).click();
  await page.waitForURL(/\/imports(\/\d+)?$/);
}

/**
 * The 一单两库 pages: each kind's list, entry pages, the entry form with a
 * field error, a created and deactivated entry, the ID-number dialog and its
 * result, inspectors with the 利害关系 form, 认领, imports (form, error,
 * running, finished with problems), and the four templates (checked, not shot).
 */
async function walkDirectories(page, vp, acct) {
  const who = acct.username;
  acct = { ...acct, division: acct.division ?? '230102' };
  const tag = `${vp}${Date.now().toString(36)}`.toUpperCase();
  await goto(page, '/objects');
  const canManage = (await page.getByRole('link', { name: /^新增/ }).count()) > 0;
  // Every kind's list and its first entry.
  for (const kind of ['enterprise', 'practitioner', 'project']) {
    const st = await goto(page, `/objects?kind=${kind}`);
    await shot(page, vp, who, `objects-${kind}`, { status: st });
    const first = await page.locator('table.list tbody a[href^="/objects/"]').first().getAttribute('href').catch(() => null);
    if (first) {
      const s2 = await goto(page, first);
      await shot(page, vp, who, `objects-${kind}-entry`, { status: s2 });
    }
  }
  const sEmpty = await goto(page, '/objects?kind=enterprise&q=zzzz-nobody&risk=D');
  await shot(page, vp, who, 'objects-empty', { status: sEmpty });
  // A second page of the list (the pager).
  const sPage = await goto(page, '/objects?kind=enterprise&page=2');
  await shot(page, vp, who, 'objects-enterprise-page2', { status: sPage });
  // An inspector's page (with the 利害关系 section for managers).
  const insp = await page.goto('/inspectors').then(() =>
    page.locator('table.list tbody a[href^="/inspectors/"]').first().getAttribute('href').catch(() => null));
  if (!canManage) {
    if (insp) {
      const s = await goto(page, insp);
      await shot(page, vp, who, 'inspectors-entry', { status: s });
    }
    return;
  }

  // Templates: downloadable from a logged-in page, with the right header row.
  for (const kind of ['enterprise', 'practitioner', 'project', 'inspector']) {
    const res = await page.request.get(`/templates/${kind}.xlsx`);
    const entry = { who, viewport: vp, page: `template-${kind}`, url: res.url(), status: res.status(), contentType: res.headers()['content-type'], disposition: res.headers()['content-disposition'] };
    try {
      const wb = await readWorkbook(await res.body());
      entry.sheets = wb.sheets.map((x) => x.name);
      entry.header = wb.sheets[0].rows[0];
    } catch (e) {
      entry.error = e.message;
    }
    report.push(entry);
    console.log(`template ${kind}: ${entry.status} ${entry.sheets?.join('/')} ${entry.header?.join(',') ?? entry.error}`);
  }

  // The entry forms, and a field error with the values kept.
  for (const kind of ['practitioner', 'project']) {
    const s = await goto(page, `/objects/new?kind=${kind}`);
    await shot(page, vp, who, `objects-new-${kind}`, { status: s });
  }
  await goto(page, '/objects/new?kind=enterprise');
  await shot(page, vp, who, 'objects-new-enterprise');
  const name = `截图测试${tag}建筑工程有限公司`;
  const code = makeCode(acct.division, name);
  await page.getByLabel('统一社会信用代码').fill(withBadCheckChar(code));
  await page.getByLabel('企业名称').fill(name);
  await page.getByLabel('法定代表人').fill('周建华');
  await page.getByLabel('注册地址').fill('哈尔滨市道里区截图测试大街100号');
  await page.getByLabel('所在行政区划代码').fill(acct.division);
  await page.getByLabel('联系电话').fill('12345');
  await page.getByRole('button', { name: '保存' }).click();
  await page.locator('.err').first().waitFor();
  await shot(page, vp, who, 'objects-new-error');
  await page.getByLabel('统一社会信用代码').fill(code);
  await page.getByLabel('联系电话').fill('0451-86120000');
  await page.getByRole('checkbox', { name: '建筑业企业' }).check();
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/\/objects\/\d+\?ok=created$/).catch(() => {});
  await shot(page, vp, who, 'objects-created');
  if (/\/objects\/\d+/.test(page.url())) {
    const objectPath = new URL(page.url()).pathname;
    const sEdit = await goto(page, `${objectPath}/edit`);
    await shot(page, vp, who, 'objects-edit', { status: sEdit });
    await goto(page, objectPath);
    await page.getByLabel('原因').fill('企业已注销（截图演示）');
    await shootDialog(page, vp, who, 'objects-deactivate-dialog', page.getByRole('button', { name: '停用', exact: true }), '确定');
    await page.waitForURL(/ok=saved/);
    await shot(page, vp, who, 'objects-deactivated');
  }

  // A 从业人员: the reveal dialog and the revealed number.
  await goto(page, '/objects?kind=practitioner');
  const pr = await page.locator('table.list tbody a[href^="/objects/"]').first().getAttribute('href').catch(() => null);
  if (pr) {
    await goto(page, pr);
    await shootDialog(page, vp, who, 'objects-reveal-dialog', page.getByRole('button', { name: '查看完整身份证号' }), '确定');
    await page.getByText('本次查看已记入审计日志').waitFor();
    await shot(page, vp, who, 'objects-revealed');
  }

  // Inspectors: the page, a 利害关系 error, a declared one; the new-inspector form.
  if (insp) {
    await goto(page, insp);
    await shot(page, vp, who, 'inspectors-entry');
    await page.getByLabel('检查对象代码').fill(makeCode(acct.division, `none-${tag}`));
    await page.getByLabel('利害关系说明').fill('近亲属在该企业任职');
    await page.getByRole('button', { name: '登记' }).click();
    await page.getByRole('alert').waitFor();
    await shot(page, vp, who, 'inspectors-conflict-error');
    await page.getByLabel('检查对象代码').fill(code);
    await page.getByLabel('利害关系说明').fill('近亲属在该企业任职（截图演示）');
    await page.getByRole('button', { name: '登记' }).click();
    await page.waitForURL(/ok=saved/).catch(() => {});
    await shot(page, vp, who, 'inspectors-conflict-declared');
  }
  const sInew = await goto(page, '/inspectors/new');
  await shot(page, vp, who, 'inspectors-new', { status: sInew });

  // 认领: the list with checkboxes, then one claimed.
  for (const kind of ['enterprise', 'practitioner']) {
    const s = await goto(page, `/claim?kind=${kind}`);
    await shot(page, vp, who, `claim-${kind}`, { status: s });
  }
  await goto(page, '/claim?kind=enterprise');
  const box = page.locator('table.list tbody input[type=checkbox]').first();
  if (await box.count()) {
    await box.check();
    await page.getByRole('button', { name: '认领选中的对象' }).click();
    await page.waitForURL(/ok=created/).catch(() => {});
    await shot(page, vp, who, 'claim-done');
  }

  // Imports: the form, a refused file, a file with one bad row, and a large one while it runs.
  const sImp = await goto(page, '/imports/new?kind=enterprise');
  await shot(page, vp, who, 'imports-new', { status: sImp });
  await uploadImport(page, { name: '随便一个文件.txt', mimeType: 'text/plain', buffer: Buffer.from('这不是表格\n') });
  await shot(page, vp, who, 'imports-new-error');
  const tpl = await (await page.request.get('/templates/enterprise.xlsx')).body();
  const rows = [0, 1, 2].map((i) => {
    const n = `截图导入${tag}${['甲', '乙', '丙'][i]}物业服务有限公司`;
    const c = makeCode(acct.division, n);
    return [i === 1 ? withBadCheckChar(c) : c, n, '', '', acct.division, '物业服务企业', 'B类', '', '', '', i, ''];
  });
  await uploadImport(page, {
    name: `企业名录-${tag}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: await fillFirstSheet(tpl, rows),
  });
  await page.locator('#import-job[data-status=done], #import-job[data-status=failed]').waitFor({ timeout: 30_000 });
  await shot(page, vp, who, 'imports-done-with-problems');

  if (acct.bigImport) {
    // 50,000 rows: the page while it runs (the status poll is held while shooting).
    const codes = new Set();
    for (let i = 0; codes.size < 50_000; i++) codes.add(makeCode(acct.division, `${tag}-${i}`));
    const lines = [ENTERPRISE_HEADER.join(',')];
    let i = 0;
    for (const c of codes) lines.push(`${c},批量${tag}企业${++i}有限公司,,,${acct.division},建筑业企业,B类,,,,,`);
    let release;
    const hold = new Promise((r) => (release = r));
    let held = false;
    let running = false;
    await page.route(/\/imports\/\d+\/status$/, async (route) => {
      if (held) {
        await hold;
        return route.continue();
      }
      const res = await route.fetch();
      const j = await res.json();
      if (j.status !== 'done' && j.processed_rows > 0) {
        held = true;
        running = true;
      }
      await route.fulfill({ response: res });
    });
    await uploadImport(page, { name: `企业名录-批量5万行-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\r\n')}\r\n`) });
    for (let t = 0; t < 100 && !held && (await page.locator('#import-job').getAttribute('data-status')) !== 'done'; t++) {
      await page.waitForResponse(/\/imports\/\d+\/status$/, { timeout: 5_000 }).catch(() => {});
    }
    await shot(page, vp, who, running ? 'imports-running' : 'imports-running-missed');
    release();
    await page.unroute(/\/imports\/\d+\/status$/);
    await page.locator('#import-job[data-status=done]').waitFor({ timeout: 60_000 });
    await shot(page, vp, who, 'imports-done-large');
    const s3 = await goto(page, '/objects?kind=enterprise&page=2000');
    await shot(page, vp, who, 'objects-enterprise-many-pages', { status: s3 });
  }
  const sRecent = await goto(page, '/imports/new?kind=enterprise');
  await shot(page, vp, who, 'imports-recent', { status: sRecent });
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
  const bad = report.filter((r) => r.horizontalScroll || r.sticking?.length || r.clipped?.length);
  console.log(`\n共 ${report.length} 张截图，写入 ${path.relative(process.cwd(), OUT)}/；需要注意的 ${bad.length} 张（见 report.json）。`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
