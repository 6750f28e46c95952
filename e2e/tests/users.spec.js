// A 部门管理员 creates an inspector in one of its units, sees the one-time
// password once, finds the user enabled in the list, and resets the password
// through the confirmation dialog.
const { test, expect, login } = require('./support');

const ADMIN = 'hrb_admin'; // 部门管理员, 230100 哈尔滨市

test('新增检查人员：用户名校验、一次性密码、列表显示启用、确认后重置密码', async ({ page }) => {
  const username = `e2e.jc${Date.now().toString(36)}`;
  const displayName = '测试检查员';

  await login(page, ADMIN);
  await page.goto('/users');
  await page.getByRole('link', { name: '新增用户' }).click();
  await expect(page).toHaveURL(/\/users\/new$/);
  await expect(page.getByRole('heading', { name: '新增用户' })).toBeVisible();

  // A unit of 哈尔滨 (not the bureau itself).
  const deptSelect = page.getByLabel('所属部门');
  const units = await deptSelect.locator('option').evaluateAll((os) =>
    os.map((o) => ({ value: o.value, label: o.textContent.trim() })),
  );
  const unit = units.find((o) => /^230100-/.test(o.value));
  expect(unit, `可选部门里有哈尔滨市的执行单位：${JSON.stringify(units)}`).toBeTruthy();
  expect(units.map((o) => o.label).join('|')).not.toMatch(/齐齐哈尔|牡丹江|佳木斯/); // 南岗区 is part of 哈尔滨市

  // A bad username first: the error under the username field, the input kept.
  await page.getByLabel('用户名').fill('9 Zhang San');
  await page.getByLabel('姓名').fill(displayName);
  await page.getByLabel('角色').selectOption({ label: '检查人员' });
  await deptSelect.selectOption(unit.value);
  await page.getByRole('button', { name: '保存' }).click();
  const userRow = page.locator('.form .row').filter({ has: page.locator('#username') });
  await expect(userRow.locator('.err')).toBeVisible();
  await expect(userRow.locator('.err')).toHaveText(/\p{Script=Han}/u);
  await expect(page.getByLabel('姓名')).toHaveValue(displayName);
  await expect(page.getByLabel('所属部门')).toHaveValue(unit.value);

  // Then a good one.
  await page.getByLabel('用户名').fill(username);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toContainText('用户已创建');
  await expect(page.getByRole('heading', { name: `${displayName}（${username}）` })).toBeVisible();
  await expect(page.getByText('此密码只显示这一次')).toBeVisible();
  const secret = (await page.locator('.secret').innerText()).trim();
  expect(secret.length).toBeGreaterThanOrEqual(8);
  await expect(page.locator('table.kv')).toContainText('检查人员');
  await expect(page.locator('table.kv')).toContainText(unit.value);
  await expect(page.locator('table.kv')).toContainText('待首次修改密码');

  // Shown once: the user's page, opened again, no longer has it.
  const userUrl = await page.getByRole('link', { name: '编辑' }).getAttribute('href');
  const userPath = userUrl.replace(/\/edit$/, '');
  await page.goto(userPath);
  await expect(page.getByRole('heading', { name: `${displayName}（${username}）` })).toBeVisible();
  await expect(page.locator('.secret')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(secret);

  // In the list, enabled.
  await page.goto('/users');
  const row = page.locator('table.list tbody tr').filter({ hasText: username });
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').nth(1)).toHaveText(displayName);
  await expect(row.locator('td').nth(2)).toHaveText('检查人员');
  await expect(row.locator('td').nth(4).locator('.tag')).toHaveText('启用');

  // Reset the password: a dialog states what happens; 取消 does nothing ...
  await row.getByRole('link', { name: '查看 / 编辑' }).click();
  await expect(page).toHaveURL(new RegExp(`${userPath}$`));
  await page.getByRole('button', { name: '重置密码' }).click();
  let dialog = page.locator('dialog[open]');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`将为 ${username} 生成新的一次性密码`);
  await dialog.getByRole('button', { name: '取消' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(page.locator('.secret')).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`${userPath}$`));

  // ... 确定 resets it and shows the new one-time password, different from the first.
  await page.getByRole('button', { name: '重置密码' }).click();
  dialog = page.locator('dialog[open]');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByRole('heading', { name: '新的一次性密码' })).toBeVisible();
  const second = (await page.locator('.secret').innerText()).trim();
  expect(second.length).toBeGreaterThanOrEqual(8);
  expect(second).not.toBe(secret);
});
