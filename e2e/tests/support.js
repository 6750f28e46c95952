// Shared fixtures and steps. Every test imports `test` and `expect` from here:
// `baseURL` is the demo server the global setup started.
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

/**
 * First login of a demo account: Demo#2026, the forced change to
 * NEW_PASSWORD, the home page. Returns the password now in force.
 */
async function firstLogin(page, username) {
  await submitLogin(page, username, DEMO_PASSWORD);
  await changeForcedPassword(page, DEMO_PASSWORD, NEW_PASSWORD);
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
  return { token, auth };
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
  logout,
  apiLogin,
  apiFirstLogin,
  horizontalOverflow,
};
