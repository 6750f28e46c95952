// A county user sees only its own jurisdiction: another county's users are
// absent from the list and a direct link to one is a 404 "未找到".
const { test, expect, NEW_PASSWORD, login, apiLoginAs, apiLogin } = require('./support');
const { makeCode } = require('../lib/credit-code');

const COUNTY = 'daoli_admin'; // 部门管理员, 230102 道里区
const OTHER = 'nangang_admin'; // 部门管理员, 230103 南岗区
const PROVINCE = 'hlj_admin'; // 省级管理员

test('道里区管理员看不到南岗区、齐齐哈尔的用户，按编号访问得到“未找到”', async ({ page, request }) => {
  // The id of nangang_admin, looked up by the province through the API.
  const { auth } = await apiLoginAs(request, PROVINCE);
  const res = await request.get(`/api/v1/users?q=${OTHER}`, { headers: auth });
  expect(res.status()).toBe(200);
  const found = (await res.json()).items.filter((u) => u.username === OTHER);
  expect(found, `省级管理员能查到 ${OTHER}`).toHaveLength(1);
  const otherId = found[0].id;
  expect(found[0].department_code).toBe('230103');

  await login(page, COUNTY);
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

test('道里区管理员只看到本区的名录，南岗区的检查对象按编号访问得到“未找到”，也不能导入到南岗区', async ({ page, request }) => {
  // An enterprise of 南岗区's own directory, found by the province through the API.
  const { auth } = await apiLoginAs(request, PROVINCE);
  const res = await request.get('/api/v1/objects?kind=enterprise&department=230103&page_size=5', { headers: auth });
  expect(res.status()).toBe(200);
  const other = (await res.json()).items[0];
  expect(other, '南岗区名录中有企业').toBeTruthy();

  await login(page, COUNTY);
  await page.goto('/objects?kind=enterprise');
  const divisions = await page.locator('table.list tbody tr td:nth-child(3)').allInnerTexts();
  expect(divisions.length).toBeGreaterThan(0);
  for (const d of divisions) expect(d.trim(), '列表中只有道里区的对象').toMatch(/^230102/);
  await page.getByLabel('名称或代码').fill(other.key_code);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('table.list tbody')).not.toContainText(other.key_code);

  for (const path of [`/objects/${other.id}`, `/objects/${other.id}/edit`]) {
    const resp = await page.goto(path);
    expect(resp.status(), path).toBe(404);
    await expect(page.locator('body')).toContainText('不在您的管辖范围内');
    await expect(page.locator('body')).not.toContainText(other.name);
  }

  // The import form offers only 道里区; a forged post into 南岗区 is refused and saves nothing.
  await page.goto('/imports/new?kind=enterprise');
  const offered = await page.getByLabel('导入到').locator('option').evaluateAll((os) => os.map((o) => o.value));
  expect(offered.every((v) => v.startsWith('230102')), `导入到：${offered}`).toBe(true);
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const name = `越权导入测试${Date.now().toString(36)}有限公司`;
  const header = '统一社会信用代码*,企业名称*,法定代表人,注册地址,所在行政区划代码*,企业类别*,信用风险分类*,列入经营异常名录,重点关注对象,严重违法失信,近一年投诉举报次数,联系电话';
  const csv = `${header}\r\n${makeCode('230103', name)},${name},,,230103,建筑业企业,A类,,,,,\r\n`;
  const forged = await page.request.post('/imports', {
    multipart: {
      _csrf: csrf,
      kind: 'enterprise',
      department: '230103',
      file: { name: 'nangang.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') },
    },
    maxRedirects: 0,
  });
  expect([403, 404, 422], `越权导入被拒绝（${forged.status()}）`).toContain(forged.status());
  expect(await forged.text()).toContain('不在您的管辖范围内');
  const after = await request.get(`/api/v1/objects?kind=enterprise&q=${encodeURIComponent(name)}`, { headers: auth });
  expect((await after.json()).items, '没有保存任何记录').toHaveLength(0);
});
