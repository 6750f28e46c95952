// Shared fixtures and steps. Every test imports `test` and `expect` from here:
// `baseURL` is the demo server the global setup started.
const fs = require('node:fs');
const path = require('node:path');
const base = require('@playwright/test');

const DEMO_PASSWORD = 'Demo#2026';
// Meets the policy (8+ characters, 4 kinds) and contains no demo username.
const NEW_PASSWORD = 'Jc#Sj2026-hlj';

// The home page, with or without a one-off notice (`/?ok=password`).
const HOME = /^https?:\/\/[^/]+\/(\?[^#]*)?$/;

const test = base.test.extend({
  baseURL: async ({}, use) => {
    const url = process.env.SPOTCHECK_E2E_URL;
    if (!url) throw new Error('SPOTCHECK_E2E_URL 未设置：请用 npx playwright test 运行（全局初始化会启动演示服务）');
    await use(url);
  },
});
const { expect } = base;

/** Fills the login form and submits it. */
async function submitLogin(page, username, password) {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登 录' }).click();
}

/** On the forced change page: sets `next` and lands on the home page. */
async function changeForcedPassword(page, oldPassword, next) {
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel('原密码').fill(oldPassword);
  await page.getByLabel('新密码', { exact: true }).fill(next);
  await page.getByLabel('确认新密码').fill(next);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page).toHaveURL(HOME);
  await expect(page.getByRole('heading', { name: /^您好，/ })).toBeVisible();
}

// Demo accounts whose first-login change is done, kept next to the server's
// data for this run (global-setup.js makes a fresh directory each run), so
// that specs sharing an account work in any order without a failed login.
function changedFile() {
  const log = process.env.SPOTCHECK_E2E_LOG;
  return log ? path.join(path.dirname(log), 'e2e-changed-accounts.json') : null;
}

function changedAccounts() {
  const f = changedFile();
  try {
    return f ? JSON.parse(fs.readFileSync(f, 'utf8')) : [];
  } catch {
    return [];
  }
}

function markChanged(username) {
  const f = changedFile();
  if (!f) return;
  const all = new Set(changedAccounts());
  all.add(username);
  fs.writeFileSync(f, JSON.stringify([...all]));
}

/**
 * First login of a demo account: Demo#2026, the forced change to
 * NEW_PASSWORD, the home page. Returns the password now in force.
 */
async function firstLogin(page, username) {
  await submitLogin(page, username, DEMO_PASSWORD);
  await changeForcedPassword(page, DEMO_PASSWORD, NEW_PASSWORD);
  markChanged(username);
  return NEW_PASSWORD;
}

/**
 * Logs a demo account in whatever its state: the first login (with the
 * forced change) if no spec of this run has made it yet, else NEW_PASSWORD.
 * Lands on the home page; returns the password now in force.
 */
async function login(page, username) {
  if (!changedAccounts().includes(username)) return firstLogin(page, username);
  await submitLogin(page, username, NEW_PASSWORD);
  await expect(page).toHaveURL(HOME);
  await expect(page.getByRole('heading', { name: /^您好，/ })).toBeVisible();
  return NEW_PASSWORD;
}

/** Logs out through the top bar's 退出 button. */
async function logout(page) {
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
}

/** API login; returns the bearer token. */
async function apiLogin(request, username, password) {
  const res = await request.post('/api/v1/auth/login', { data: { username, password } });
  expect(res.status(), `API 登录 ${username}`).toBe(200);
  const body = await res.json();
  expect(body.token_type).toBe('Bearer');
  return { token: body.token, user: body.user };
}

/** API login of a demo account with its first-login password change done. */
async function apiFirstLogin(request, username) {
  const { token, user } = await apiLogin(request, username, DEMO_PASSWORD);
  expect(user.must_change_password).toBe(true);
  const auth = { Authorization: `Bearer ${token}` };
  const blocked = await request.get('/api/v1/users', { headers: auth });
  expect(blocked.status(), '未改密码前不能使用接口').toBe(403);
  const res = await request.post('/api/v1/auth/password', {
    headers: auth,
    data: { old_password: DEMO_PASSWORD, new_password: NEW_PASSWORD },
  });
  expect(res.status(), '修改初始密码').toBeLessThan(300);
  markChanged(username);
  return { token, auth };
}

/** API login of a demo account in whatever its state (see `login`); returns { token, auth }. */
async function apiLoginAs(request, username) {
  if (!changedAccounts().includes(username)) return apiFirstLogin(request, username);
  const { token } = await apiLogin(request, username, NEW_PASSWORD);
  return { token, auth: { Authorization: `Bearer ${token}` } };
}

/** document.scrollingElement.scrollWidth against the window. */
async function horizontalOverflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

module.exports = {
  test,
  expect,
  DEMO_PASSWORD,
  NEW_PASSWORD,
  HOME,
  submitLogin,
  changeForcedPassword,
  firstLogin,
  login,
  logout,
  apiLogin,
  apiFirstLogin,
  apiLoginAs,
  horizontalOverflow,
};
