// A county user sees only its own jurisdiction: another county's users are
// absent from the list and a direct link to one is a 404 "未找到".
const { test, expect, NEW_PASSWORD, firstLogin, apiFirstLogin, apiLogin } = require('./support');

const COUNTY = 'daoli_admin'; // 部门管理员, 230102 道里区
const OTHER = 'nangang_admin'; // 部门管理员, 230103 南岗区
const PROVINCE = 'hlj_admin'; // 省级管理员

test('道里区管理员看不到南岗区、齐齐哈尔的用户，按编号访问得到“未找到”', async ({ page, request }) => {
  // The id of nangang_admin, looked up by the province through the API.
  const { auth } = await apiFirstLogin(request, PROVINCE);
  const res = await request.get(`/api/v1/users?q=${OTHER}`, { headers: auth });
  expect(res.status()).toBe(200);
  const found = (await res.json()).items.filter((u) => u.username === OTHER);
  expect(found, `省级管理员能查到 ${OTHER}`).toHaveLength(1);
  const otherId = found[0].id;
  expect(found[0].department_code).toBe('230103');

  await firstLogin(page, COUNTY);
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: '用户管理' })).toBeVisible();
  const rows = page.locator('table.list tbody tr');
  await expect(rows.filter({ hasText: COUNTY }), '列表里有本单位的用户').toHaveCount(1);
  await expect(page.locator('table.list tbody')).not.toContainText('南岗区');
  await expect(page.locator('table.list tbody')).not.toContainText('齐齐哈尔');
  await expect(page.locator('table.list tbody')).not.toContainText(OTHER);
  await expect(page.locator('table.list tbody')).not.toContainText('qqhr_admin');
  // Every row belongs to 道里区.
  for (const dept of await rows.locator('td:nth-child(4)').allInnerTexts()) {
    expect(dept).toContain('道里区');
  }
  // The department filter offers nothing outside the jurisdiction either.
  const options = await page.locator('select[name=department] option').allInnerTexts();
  expect(options.join('|')).not.toMatch(/南岗|齐齐哈尔/);
  // A search by the other user's name finds nothing.
  await page.getByLabel('用户名或姓名').fill(OTHER);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('table.list tbody')).toContainText('暂无符合条件的用户');

  // Direct links to the other county's user: the Chinese 404 page.
  for (const path of [`/users/${otherId}`, `/users/${otherId}/edit`]) {
    const resp = await page.goto(path);
    expect(resp.status(), path).toBe(404);
    await expect(page.locator('.login-head .title')).toHaveText('未找到');
    await expect(page.locator('body')).toContainText('不在您的管辖范围内');
    await expect(page.locator('body')).not.toContainText(OTHER);
  }

  // The same through the API with the county's own token.
  const { token } = await apiLogin(request, COUNTY, NEW_PASSWORD);
  const api = await request.get(`/api/v1/users/${otherId}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(api.status()).toBe(404);
  expect((await api.json()).error.message).toMatch(/未找到/);
});
