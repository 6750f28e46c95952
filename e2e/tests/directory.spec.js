// 检查对象名录库 as a city's 部门管理员 uses it: 身份证号 masked, revealed
// only after a confirmation and audited; a new enterprise by hand (field
// error first, values kept), deactivated with a reason and kept in the
// history; an entry claimed from the province's master list; a conflict of
// interest declared for an inspector.
const fs = require('node:fs');
const { test, expect, login, apiLoginAs } = require('./support');
const { readWorkbook } = require('../lib/xlsx');
const { makeCode, withBadCheckChar, isValid: validCode } = require('../lib/credit-code');
const { MASKED, isValid: validId } = require('../lib/id-number');

const ADMIN = 'hrb_admin'; // 部门管理员, 230100 哈尔滨市
const HEAD = 'hrb_head'; // 主要负责人, 230100: reads the directories, may not see full 身份证号
const AUDITOR = 'hlj_auditor';
const FULL_ID = /\b\d{17}[\dX]\b/;

/** The value cell of a row of the entry page's field table. */
function field(page, name) {
  return page.locator('table.kv tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) }).locator('td');
}

/** Opens the confirmation dialog of `button`, checks its text, presses `answer`. */
async function confirm(page, button, { title, text, answer }) {
  await button.click();
  const dialog = page.locator('dialog[open]');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading')).toHaveText(title);
  await expect(dialog).toContainText(text);
  await dialog.getByRole('button', { name: answer }).click();
}

test('从业人员身份证号默认遮蔽，确认后查看完整号码并记入审计日志', async ({ page, browser, baseURL }) => {
  await login(page, ADMIN);
  await page.goto('/objects?kind=practitioner');
  await expect(page.locator('.tabs a.active')).toHaveText(/^从业人员（\d+）$/);
  const rows = page.locator('table.list tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
  expect(await page.locator('main').innerText(), '列表中没有完整身份证号').not.toMatch(FULL_ID);

  const first = rows.first();
  const name = (await first.locator('td').nth(1).innerText()).trim();
  await first.getByRole('link', { name: '查看' }).click();
  await expect(page).toHaveURL(/\/objects\/\d+$/);
  const objectPath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { name: `从业人员：${name}` })).toBeVisible();
  const masked = (await field(page, '身份证号').innerText()).trim();
  expect(masked, '身份证号遮蔽为 230102********1234 的形式').toMatch(MASKED);
  expect(await page.content(), '页面源码里也没有完整号码').not.toMatch(FULL_ID);

  // 取消 in the dialog reveals nothing.
  const reveal = page.getByRole('button', { name: '查看完整身份证号' });
  await confirm(page, reveal, { title: '查看完整身份证号', text: '本次查看将记入审计日志', answer: '取消' });
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`${objectPath}$`));
  expect(await page.content()).not.toMatch(FULL_ID);

  // 确定: the full number, with the note that the viewing was audited.
  await confirm(page, reveal, { title: '查看完整身份证号', text: '完整身份证号属于个人信息', answer: '确定' });
  const note = page.getByRole('status').filter({ hasText: '完整身份证号' });
  await expect(note).toContainText('本次查看已记入审计日志');
  const full = (await note.locator('.code').innerText()).trim();
  expect(validId(full), `完整身份证号 ${full} 符合 GB 11643`).toBe(true);
  expect(full.slice(0, 6)).toBe(masked.slice(0, 6));
  expect(full.slice(-4)).toBe(masked.slice(-4));
  await expect(field(page, '身份证号')).toHaveText(masked);

  // Opened again, it is masked again.
  await page.goto(objectPath);
  await expect(field(page, '身份证号')).toHaveText(masked);
  expect(await page.content()).not.toContain(full);

  // The 审计员 finds the viewing in the trail.
  const ctx = await browser.newContext({ baseURL });
  try {
    const audit = await ctx.newPage();
    await login(audit, AUDITOR);
    await audit.goto('/audit?action=personal.id_viewed');
    const entry = audit.locator('table.list tbody tr').filter({ hasText: ADMIN }).filter({ hasText: name });
    await expect(entry).toHaveCount(1);
    await expect(entry.locator('.tag')).toHaveText('查看完整身份证号');
    expect(await audit.locator('main').innerText(), '审计日志里也不出现完整号码').not.toContain(full);
  } finally {
    await ctx.close();
  }
});

test('手工新增企业：代码校验错误显示在字段下并保留填写内容，改正后保存；填写原因停用，显示已停用和变更历史', async ({ page }) => {
  const tag = Date.now().toString(36).toUpperCase();
  const name = `哈尔滨测试${tag}建筑工程有限公司`;
  const code = makeCode('230102', name);
  const bad = withBadCheckChar(code);

  await login(page, ADMIN);
  await page.goto('/objects?kind=enterprise');
  await page.getByRole('link', { name: '新增企业' }).click();
  await expect(page).toHaveURL(/\/objects\/new\?kind=enterprise$/);
  await expect(page.getByRole('heading', { name: '新增企业' })).toBeVisible();

  // The form is the template's columns, mandatory ones marked.
  for (const req of ['统一社会信用代码', '企业名称', '所在行政区划代码', '企业类别', '信用风险分类']) {
    await expect(page.locator('.form .row > label.req', { hasText: new RegExp(`^${req}$`) })).toHaveCount(1);
  }
  await page.getByLabel('统一社会信用代码').fill(bad);
  await page.getByLabel('企业名称').fill(name);
  await page.getByLabel('法定代表人').fill('孙志刚');
  await page.getByLabel('注册地址').fill('哈尔滨市道里区测试大街8号');
  await page.getByLabel('所在行政区划代码').fill('230102');
  await page.getByRole('checkbox', { name: '建筑业企业' }).check();
  await page.getByRole('checkbox', { name: '工程监理企业' }).check();
  await page.getByLabel('信用风险分类').selectOption('C类');
  await page.getByLabel('近一年投诉举报次数').fill('2');
  await page.getByLabel('联系电话').fill('0451-86123456');
  await page.getByRole('button', { name: '保存' }).click();

  // The error under the code field, in Chinese, with the fix; everything typed is kept.
  await expect(page).toHaveURL(/\/objects\?kind=enterprise$/);
  await expect(page.getByRole('alert')).toContainText('请修改下方标红的项目');
  const codeInput = page.getByLabel('统一社会信用代码');
  const codeRow = page.locator('.form .row').filter({ has: codeInput });
  const err = codeRow.locator('.err');
  await expect(err).toHaveCount(1);
  await expect(err).toContainText('第18位校验码');
  await expect(err).toContainText(`应为"${code[17]}"`);
  const inputBox = await codeInput.boundingBox();
  const errBox = await err.boundingBox();
  expect(errBox.y, '错误提示在输入框下方').toBeGreaterThan(inputBox.y + inputBox.height - 1);
  expect(Math.abs(errBox.x - inputBox.x), '错误提示与输入框左对齐').toBeLessThan(4);
  await expect(page.locator('.form .err'), '只有代码一处错误').toHaveCount(1);
  await expect(codeInput).toHaveValue(bad);
  await expect(page.getByLabel('企业名称')).toHaveValue(name);
  await expect(page.getByLabel('法定代表人')).toHaveValue('孙志刚');
  await expect(page.getByLabel('注册地址')).toHaveValue('哈尔滨市道里区测试大街8号');
  await expect(page.getByLabel('所在行政区划代码')).toHaveValue('230102');
  await expect(page.getByRole('checkbox', { name: '建筑业企业' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: '工程监理企业' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: '物业服务企业' })).not.toBeChecked();
  await expect(page.getByLabel('信用风险分类')).toHaveValue('C类');
  await expect(page.getByLabel('近一年投诉举报次数')).toHaveValue('2');

  // The right code: saved, on its own page.
  expect(validCode(code)).toBe(true);
  await codeInput.fill(code);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page).toHaveURL(/\/objects\/\d+\?ok=created$/);
  const objectPath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { name: `企业：${name}` })).toBeVisible();
  await expect(page.getByRole('status')).toBeVisible();
  await expect(field(page, '统一社会信用代码')).toHaveText(code);
  await expect(field(page, '企业类别')).toHaveText('建筑业企业、工程监理企业');
  await expect(field(page, '信用风险分类')).toHaveText('C类');
  await expect(field(page, '来源')).toHaveText('手工录入');
  await expect(field(page, '状态').locator('.tag')).toHaveText('在录');

  // In the list, found by its name.
  await page.goto(`/objects?kind=enterprise&q=${encodeURIComponent(name)}`);
  const listed = page.locator('table.list tbody tr').filter({ hasText: name });
  await expect(listed).toHaveCount(1);
  await expect(listed.locator('td').first()).toHaveText(code);

  // Deactivate with a reason: 取消 keeps it, 确定 deactivates it.
  await page.goto(objectPath);
  const reason = `企业已注销（测试${tag}）`;
  await page.getByLabel('原因').fill(reason);
  const stop = page.getByRole('button', { name: '停用', exact: true });
  await confirm(page, stop, { title: '停用', text: '停用后不再参与随机抽取', answer: '取消' });
  await expect(field(page, '状态').locator('.tag')).toHaveText('在录');
  await confirm(page, stop, { title: '停用', text: '记录和历史保留', answer: '确定' });
  await expect(page).toHaveURL(new RegExp(`${objectPath}\\?ok=saved$`));
  await expect(field(page, '状态').locator('.tag')).toHaveText('已停用');
  const history = page.locator('.panel').filter({ has: page.getByRole('heading', { name: '变更历史' }) });
  const change = history.locator('tbody tr').filter({ hasText: reason });
  await expect(change).toHaveCount(1);
  await expect(change).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  // The panel now offers to enable it again.
  await expect(page.getByRole('button', { name: '启用', exact: true })).toBeVisible();

  // In the list as 已停用, and no longer among the active ones.
  await page.goto(`/objects?kind=enterprise&q=${encodeURIComponent(name)}`);
  await expect(page.locator('table.list tbody tr').filter({ hasText: name }).locator('.tag', { hasText: '已停用' })).toBeVisible();
  await page.goto(`/objects?kind=enterprise&active=true&q=${encodeURIComponent(name)}`);
  await expect(page.locator('table.list tbody tr').filter({ hasText: name })).toHaveCount(0);
});

test('从全省名录认领一家企业，认领后在本部门名录中查到', async ({ page }) => {
  await login(page, ADMIN);
  await page.goto('/objects?kind=enterprise');
  await page.getByRole('link', { name: '从全省名录认领' }).click();
  await expect(page).toHaveURL(/\/claim\?kind=enterprise$/);
  await expect(page.getByRole('heading', { name: '从全省名录认领检查对象' })).toBeVisible();

  const rows = page.locator('table.list tbody tr').filter({ has: page.getByRole('checkbox') });
  expect(await rows.count(), '有可认领的企业').toBeGreaterThan(0);
  // Every code offered is a valid one of 哈尔滨市 (2301xx).
  for (const c of await rows.locator('td.code.nowrap').allInnerTexts()) {
    expect(validCode(c.trim()), c).toBe(true);
    expect(c.trim().slice(2, 6)).toBe('2301');
  }
  const pick = rows.first();
  const code = (await pick.locator('td').nth(1).innerText()).trim();
  const name = (await pick.locator('td').nth(2).innerText()).trim();
  await page.getByRole('checkbox', { name: `认领 ${name}` }).check();
  await page.getByRole('button', { name: '认领选中的对象' }).click();

  await expect(page).toHaveURL(/\/objects\?kind=enterprise&ok=created$/);
  await expect(page.getByRole('status')).toBeVisible();
  await page.getByLabel('名称或代码').fill(code);
  await page.getByRole('button', { name: '查询' }).click();
  const found = page.locator('table.list tbody tr').filter({ hasText: code });
  await expect(found).toHaveCount(1);
  await expect(found).toContainText(name);
  await expect(found.locator('.tag', { hasText: '在录' })).toBeVisible();
  await found.getByRole('link', { name: '查看' }).click();
  await expect(field(page, '来源')).toHaveText('从全省名录认领');

  // No longer offered for claiming.
  await page.goto(`/claim?kind=enterprise&q=${encodeURIComponent(code)}`);
  await expect(page.locator('table.list tbody')).not.toContainText(code);
});

test('检查人员：登记利害关系，未知代码给出提示，登记后显示回避中', async ({ page }) => {
  await login(page, ADMIN);
  // An object of the department to declare against.
  await page.goto('/objects?kind=enterprise&active=true');
  const objectCode = (await page.locator('table.list tbody tr td.code.nowrap').first().innerText()).trim();
  const objectName = (await page.locator('table.list tbody tr td.wrap').first().innerText()).trim();

  await page.goto('/inspectors');
  await expect(page.getByRole('heading', { name: '执法检查人员名录库' })).toBeVisible();
  const first = page.locator('table.list tbody tr').first();
  const inspector = (await first.locator('td').first().innerText()).trim();
  await first.getByRole('link', { name: '查看' }).click();
  await expect(page).toHaveURL(/\/inspectors\/\d+$/);
  await expect(page.getByRole('heading', { name: `检查人员：${inspector}` })).toBeVisible();
  const panel = page.locator('.panel').filter({ has: page.getByRole('heading', { name: '利害关系（回避）' }) });
  await expect(panel).toBeVisible();

  // A code outside the directory: a plain message, nothing registered.
  const unknown = makeCode('230102', `unknown-${Date.now()}`);
  await page.getByLabel('检查对象代码').fill(unknown);
  await page.getByLabel('利害关系说明').fill('测试：不存在的对象');
  await page.getByRole('button', { name: '登记' }).click();
  await expect(page.getByRole('alert')).toContainText(`没有代码为“${unknown}”的检查对象`);

  // A real one, typed in lower case with spaces as people paste it.
  const reason = `近亲属在该企业任职（测试${Date.now().toString(36)}）`;
  await page.getByLabel('检查对象代码').fill(` ${objectCode.toLowerCase()} `);
  await page.getByLabel('利害关系说明').fill(reason);
  await page.getByRole('button', { name: '登记' }).click();
  await expect(page).toHaveURL(/\/inspectors\/\d+\?ok=saved$/);
  const declared = panel.locator('tbody tr').filter({ hasText: reason });
  await expect(declared).toHaveCount(1);
  await expect(declared).toContainText(objectName);
  await expect(declared).toContainText(objectCode);
  await expect(declared.locator('.tag')).toHaveText('回避中');
});

test('无权查看的角色在页面、导出和接口中都看不到完整身份证号；有权的管理员导出的也是遮蔽号码', async ({ page, request }) => {
  await login(page, HEAD);
  await page.goto('/objects?kind=practitioner');
  const first = page.locator('table.list tbody tr').first();
  await first.getByRole('link', { name: '查看' }).click();
  await expect(page).toHaveURL(/\/objects\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await expect(field(page, '身份证号')).toHaveText(MASKED);
  await expect(page.getByRole('button', { name: '查看完整身份证号' }), '没有查看按钮').toHaveCount(0);
  await expect(page.getByRole('link', { name: '编辑' }), '不能编辑').toHaveCount(0);
  expect(await page.content()).not.toMatch(FULL_ID);

  // Posting the reveal anyway (with the page's own session and CSRF token) is refused.
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const forced = await page.request.post(`/objects/${id}/id-number`, { form: { _csrf: csrf } });
  expect(forced.status(), '直接提交查看请求被拒绝').toBe(403);
  expect(await forced.text()).not.toMatch(FULL_ID);

  // The export of the list: every 身份证号 masked.
  await page.goto('/objects?kind=practitioner');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出' }).click()]);
  const sheet = (await readWorkbook(await fs.promises.readFile(await dl.path()))).sheets[0].rows;
  const col = sheet[0].findIndex((h) => h.replace(/\*$/, '') === '身份证号');
  expect(col, '导出含身份证号列').toBeGreaterThanOrEqual(0);
  const ids = sheet.slice(1).map((r) => r[col]).filter(Boolean);
  expect(ids.length).toBeGreaterThan(0);
  for (const v of ids) expect(v, '导出的身份证号已遮蔽').toMatch(MASKED);

  // The API: the list and the entry carry the masked number; the reveal is refused.
  const { auth } = await apiLoginAs(request, HEAD);
  const list = await request.get('/api/v1/objects?kind=practitioner&page_size=100', { headers: auth });
  expect(list.status()).toBe(200);
  expect(await list.text(), '接口列表中没有完整号码').not.toMatch(FULL_ID);
  const one = await request.get(`/api/v1/objects/${id}`, { headers: auth });
  expect(one.status()).toBe(200);
  expect(await one.text()).not.toMatch(FULL_ID);
  const reveal = await request.post(`/api/v1/objects/${id}/id-number`, { headers: auth });
  expect(reveal.status()).toBe(403);

  // A 部门管理员 may reveal one number on screen, but the export is masked for everyone.
  await page.context().clearCookies();
  await login(page, ADMIN);
  await page.goto('/objects?kind=practitioner');
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出' }).click()]);
  const rows2 = (await readWorkbook(await fs.promises.readFile(await dl2.path()))).sheets[0].rows;
  const col2 = rows2[0].findIndex((h) => h.replace(/\*$/, '') === '身份证号');
  for (const r of rows2.slice(1)) if (r[col2]) expect(r[col2], '管理员导出的身份证号也已遮蔽').toMatch(MASKED);
});
