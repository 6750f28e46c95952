// 一公开 in the browser: 哈尔滨's operator publishes the demo's finished task
// (late: the page says by how many working days) with one result withheld by
// law; asks for the correction of another; the 主要负责人 approves it and the
// public page shows the corrected result with its date and reason. The
// inspected enterprise then files an objection on the public site with the
// 核验码 of its 检查结果告知书; the operator records the review (维持) and the
// feedback, and the enterprise sees the outcome with the same code. The public
// search works on a phone without sideways scrolling. Bad input on each form
// (a blank reason, an unknown 核验码, a bad phone, 更正 without a result) is
// refused by the server in Chinese with what was typed kept.
const { test, expect, login, logout, horizontalOverflow } = require('./support');

const TASK = '2026年第三季度建筑施工安全生产许可证动态核查';

async function confirmDialog(page, text) {
  const dialog = page.locator('dialog[open]');
  await expect(dialog).toContainText(text);
  await dialog.getByRole('button', { name: '确定' }).click();
}

test('公示检查结果、经主要负责人批准更正、网上提出异议并复核反馈', async ({ page, browser }) => {
  await login(page, 'hrb_admin');
  await page.goto('/tasks');
  await page.getByRole('link', { name: TASK }).click();
  const panel = page.locator('#publication');
  await expect(panel.getByRole('heading', { name: '结果公示（第二十三条）' })).toBeVisible();
  await expect(panel).toContainText('2026-11-03');
  await expect(panel).toContainText(/已逾期 \d+ 个工作日/);
  const rows = panel.locator('table.list tbody tr');
  const withheldName = (await rows.nth(1).locator('td').first().locator('div').innerText()).trim();
  const correctedName = (await rows.nth(0).locator('td').first().locator('div').innerText()).trim();
  await rows.nth(1).getByRole('textbox').fill('涉及商业秘密（《政府信息公开条例》第十五条）');
  await panel.getByRole('button', { name: '公示检查结果' }).click();
  await confirmDialog(page, '不能撤回');
  await expect(page.locator('.notice.ok')).toContainText('已公示');
  await expect(panel).toContainText(/逾期 \d+ 个工作日完成/);
  await expect(panel).toContainText('其中依法不予公开 1 条');

  // A correction asked by the operator.
  await panel.locator('table.list tbody tr').filter({ hasText: correctedName }).getByRole('link', { name: '结果记录' }).click();
  await expect(page.getByRole('heading', { name: correctedName })).toBeVisible();
  const resultUrl = page.url();
  const inspectionId = resultUrl.match(/\/results\/(\d+)/)[1];
  await page.locator('#corrections summary', { hasText: '申请更正' }).click();
  await page.getByLabel('更正后的结果').selectOption({ label: '未发现问题' });
  await page.getByLabel('结果说明').fill('复核确认检查当日资料齐全');
  // A reason of blanks passes the browser's check, not the server's: the
  // refusal says what is missing and the form keeps what was typed.
  await page.getByLabel('更正理由').fill('   ');
  await page.getByRole('button', { name: '提交主要负责人审批' }).click();
  await expect(page.locator('.notice.error')).toContainText('请填写更正理由');
  await expect(page.getByLabel('结果说明')).toHaveValue('复核确认检查当日资料齐全');
  await expect(page.getByLabel('更正后的结果')).toHaveValue('no_problem');
  await expect(page.locator('#corrections')).not.toContainText('待审批');
  await page.getByLabel('更正理由').fill('检查记录误将已补正的资料认定为问题');
  await page.getByRole('button', { name: '提交主要负责人审批' }).click();
  await expect(page.locator('.notice.ok')).toContainText('待本单位主要负责人批准');
  await expect(page.locator('#corrections')).toContainText('待审批');
  await logout(page);

  // The 主要负责人 approves it from the list of requests awaiting them.
  await login(page, 'hrb_head');
  await page.goto('/objections');
  await expect(page.getByRole('heading', { name: '待我审批的更正申请' })).toBeVisible();
  await page.getByRole('link', { name: '审批' }).first().click();
  await page.getByRole('button', { name: '批准更正' }).click();
  await confirmDialog(page, '原结果保留在记录中');
  await expect(page.locator('.notice.ok')).toContainText('已批准更正');
  await expect(page.locator('#versions')).toContainText('第2版');
  await logout(page);

  // The public page shows the corrected result, when and why.
  await page.goto(`/public/results/${inspectionId}`);
  await expect(page.getByRole('heading', { name: correctedName })).toBeVisible();
  await expect(page.locator('.notice.warn')).toContainText('检查记录误将已补正的资料认定为问题');
  await expect(page.locator('table.kv')).toContainText('未发现问题');
  // The public search finds it by part of its name (the name index).
  await page.goto('/public/results');
  await page.getByLabel('检查对象').fill(correctedName.slice(1, 4));
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('table.list')).toContainText(correctedName);
  // The withheld result is not found by the public search.
  await page.goto('/public/results');
  await page.getByLabel('检查对象').fill(withheldName);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('table.list')).toContainText('没有符合条件的检查结果');

  // The 核验码 printed on the enterprise's 检查结果告知书.
  await login(page, 'hrb_admin');
  await page.goto(resultUrl);
  await page.getByRole('link', { name: '检查记录' }).click();
  const code = (await page.locator('tr', { hasText: '核验码' }).locator('td').innerText()).trim();
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  // The enterprise, without an account, files an objection with the code:
  // first with a code of no result, then with a phone number that is not
  // one; each refusal names the field and keeps everything typed.
  const visitor = await browser.newPage();
  await visitor.goto('/public/objections');
  const form = visitor.locator('form[enctype]');
  const content = '我公司对检查结果有异议，安全员证书当日已提交。';
  await form.getByLabel('核验码').fill('AAAA-BBBB-CCCC');
  await visitor.getByLabel('提交人').fill('赵六');
  await visitor.getByLabel('联系电话').fill('0451-87654321');
  await visitor.getByLabel('异议内容及理由').fill(content);
  await visitor.getByRole('button', { name: '提交异议' }).click();
  await expect(visitor.locator('.notice.error')).toContainText('未找到该核验码对应的检查结果');
  await expect(visitor.getByLabel('异议内容及理由')).toHaveValue(content);
  await expect(visitor.getByLabel('提交人')).toHaveValue('赵六');
  await form.getByLabel('核验码').fill(code.toLowerCase());
  await visitor.getByLabel('联系电话').fill('电话 8765');
  await visitor.getByRole('button', { name: '提交异议' }).click();
  await expect(visitor.locator('.notice.error')).toContainText('联系电话“电话 8765”格式不正确');
  await expect(form.getByLabel('核验码')).toHaveValue(code.toLowerCase());
  await expect(visitor.getByLabel('异议内容及理由')).toHaveValue(content);
  await visitor.getByLabel('联系电话').fill('0451-87654321');
  await visitor.getByRole('button', { name: '提交异议' }).click();
  await expect(visitor.getByRole('heading', { name: '异议已提交' })).toBeVisible();
  const receipt = (await visitor.locator('.notice.ok strong').innerText()).trim();
  expect(receipt).toMatch(/^YY2026-\d{6}$/);

  // The operator reviews it (维持) and records the feedback.
  await page.goto('/objections');
  const row = page.locator('tbody tr', { hasText: receipt });
  await expect(row).toContainText('待复核');
  await expect(row).toContainText('剩余 20 个工作日');
  await row.getByRole('link', { name: '办理' }).click();
  const objection = page.locator('.objection', { hasText: receipt });
  // 更正 without the corrected result is refused; the reason typed stays.
  await objection.getByLabel('更正', { exact: true }).check();
  await objection.getByLabel('复核理由').fill('经核实，检查当日未能提供证书，结果维持。');
  await objection.getByRole('button', { name: '记录复核结论' }).click();
  await expect(page.locator('.notice.error')).toContainText('请选择更正后的检查结果类别');
  await expect(objection.getByLabel('复核理由')).toHaveValue('经核实，检查当日未能提供证书，结果维持。');
  await expect(objection).toContainText('待复核');
  await objection.getByLabel('维持').check();
  await objection.getByLabel('复核理由').fill('经核实，检查当日未能提供证书，结果维持。');
  await objection.getByRole('button', { name: '记录复核结论' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已作出复核结论');
  await objection.getByLabel('反馈方式').selectOption({ label: '电话告知' });
  await objection.getByRole('button', { name: '登记反馈' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已登记反馈');
  await expect(page.locator('.objection', { hasText: receipt })).toContainText('已反馈');

  // The enterprise sees the outcome with its code.
  await visitor.goto('/public/objections/status?code=' + encodeURIComponent(code));
  const status = visitor.locator('table.list tbody tr', { hasText: receipt });
  await expect(status).toContainText('已反馈');
  await expect(status).toContainText('维持');

  // The public search on a phone: no sideways scrolling of the page.
  await visitor.setViewportSize({ width: 390, height: 844 });
  await visitor.goto('/public/results');
  await expect(visitor.getByRole('heading', { name: '抽查检查结果公示' })).toBeVisible();
  const o = await horizontalOverflow(visitor);
  expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
  await visitor.close();
});
