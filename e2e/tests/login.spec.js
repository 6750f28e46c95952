// Login, the forced first-login password change, the home page, logout, and
// that only the new password opens the account afterwards.
const { test, expect, DEMO_PASSWORD, NEW_PASSWORD, HOME, submitLogin, logout } = require('./support');

const USER = 'hrb_deputy'; // 分管负责人, 哈尔滨市住房和城乡建设局

test('首次登录须改密码，改后进入首页；退出后新密码可登录、旧密码被拒绝', async ({ page }) => {
  await submitLogin(page, USER, DEMO_PASSWORD);

  // The forced change: nothing else of the platform until the password is set.
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole('heading', { name: '修改密码' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('请先设置您自己的密码');
  await expect(page.getByRole('link', { name: '取消' })).toHaveCount(0);
  await page.goto('/users');
  await expect(page, '改密码前访问其他页面会被带回改密码页').toHaveURL(/\/account\/password$/);

  // Too short: the policy error in Chinese, under the new-password field.
  await page.getByLabel('原密码').fill(DEMO_PASSWORD);
  await page.getByLabel('新密码', { exact: true }).fill('Ab#1');
  await page.getByLabel('确认新密码').fill('Ab#1');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  const newRow = page.locator('.form .row').filter({ has: page.locator('#new_password') });
  const err = newRow.locator('.err');
  await expect(err).toBeVisible();
  await expect(err).toContainText('密码至少8位');
  // "under the field": the message sits below the input, inside its column.
  const inputBox = await page.locator('#new_password').boundingBox();
  const errBox = await err.boundingBox();
  expect(errBox.y).toBeGreaterThan(inputBox.y + inputBox.height - 1);
  expect(Math.abs(errBox.x - inputBox.x)).toBeLessThan(4);

  // The real change.
  await page.getByLabel('原密码').fill(DEMO_PASSWORD);
  await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('确认新密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '保存' }).click();

  // Home: greeting with the user's name (as the top bar shows it) and figures from the database.
  await expect(page).toHaveURL(HOME);
  const greeting = page.getByRole('heading', { level: 1 });
  await expect(greeting).toHaveText(/^您好，\S+/);
  const name = (await greeting.innerText()).replace(/^您好，/, '').trim();
  expect(name.length).toBeGreaterThan(1);
  expect(name).not.toBe(USER);
  await expect(page.locator('.topbar .who')).toContainText(`${name}（分管负责人）`);
  await expect(page.locator('.welcome')).toContainText('单位：哈尔滨市住房和城乡建设局');
  const figures = page.locator('.figures .figure');
  expect(await figures.count()).toBeGreaterThanOrEqual(2);
  for (const fig of await figures.all()) {
    await expect(fig.locator('.label')).toHaveText(/\p{Script=Han}/u);
    await expect(fig.locator('.value')).toHaveText(/^\s*[0-9][0-9,]*\s*$/);
  }
  // At least one figure counts something that exists in the demo (not all zero).
  const values = await figures.locator('.value').allInnerTexts();
  expect(values.map((v) => Number(v.replace(/[,\s]/g, ''))).some((v) => v > 0)).toBe(true);

  await logout(page);
  await page.goto('/');
  await expect(page, '退出后不能再访问首页').toHaveURL(/\/login/);

  // The old password no longer works ...
  await submitLogin(page, USER, DEMO_PASSWORD);
  await expect(page.getByRole('alert')).toHaveText('用户名或密码错误');
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();

  // ... the new one does, straight to the home page.
  await submitLogin(page, USER, NEW_PASSWORD);
  await expect(page).toHaveURL(HOME);
  await expect(page.getByRole('heading', { name: `您好，${name}` })).toBeVisible();
});
