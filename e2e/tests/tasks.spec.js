// A whole task in the browser, from the published plan to matched teams
// (第十五条—第十七条): 哈尔滨's operator starts a task from the plan, sees who may
// be drawn, locks and reveals the object draw, confirms and dispatches the
// list, previews and locks the inspectors draw of the 执法支队, reveals it,
// and sees the teams; the public page shows the teams with their 执法证号 and
// every record verifies.
const { test, expect, login } = require('./support');

// Not 道里: import.spec.js fills 道里's directory with 50,000 enterprises.
const USER = 'hrb_admin';

/** Submits a form that asks for confirmation, and confirms. */
async function confirmDialog(page, text) {
  const dialog = page.locator('dialog[open]');
  await expect(dialog).toBeVisible();
  if (text) await expect(dialog).toContainText(text);
  await dialog.getByRole('button', { name: '确定' }).click();
}

test('从年度计划到检查组：新建任务、抽取对象、派发、匹配检查人员', async ({ page, request }) => {
  await login(page, USER);
  await page.goto('/tasks');
  await expect(page.getByRole('heading', { name: '新建双随机抽查任务' })).toBeVisible();
  await page.getByLabel('任务名称').fill('2026年12月建筑业企业资质动态核查（浏览器测试）');
  await page.locator('input[name=plan_entry_ids]').first().check();
  await page.locator('#window_start').fill('2026-12-01');
  await page.getByLabel('结束日期').fill('2026-12-20');
  await page.getByRole('button', { name: '新建任务' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已新建任务');
  const taskUrl = page.url().replace(/\?.*$/, '');
  const id = taskUrl.split('/').pop();

  // Before anything is committed: the strata, candidates and quotas.
  await expect(page.getByRole('heading', { name: '可抽取对象（尚未提交）' })).toBeVisible();
  await page.getByLabel('不使用信标').first().check();
  await page.getByRole('button', { name: '锁定抽取' }).click();
  await confirmDialog(page, '锁定后抽取记录立即向社会公布');
  await expect(page.locator('.notice.ok')).toContainText('已锁定');
  await page.getByRole('button', { name: '揭晓' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已揭晓');
  const drawn = page.locator('h3', { hasText: '抽中的检查对象' });
  await expect(drawn).toBeVisible();
  await page.getByRole('button', { name: '确认名单' }).click();
  await confirmDialog(page);
  await expect(page.locator('.notice.ok')).toContainText('已确认名单');
  await page.getByRole('button', { name: '派发' }).click();
  await confirmDialog(page);
  await expect(page.locator('.notice.ok')).toContainText('已派发');

  // The 执法支队's share: preview who may inspect each object, then draw.
  const staffing = page.locator('#staffing');
  await expect(staffing).toContainText('哈尔滨市住房和城乡建设综合行政执法支队');
  await staffing.getByRole('link', { name: '匹配检查人员' }).click();
  await expect(page.getByRole('heading', { name: /匹配检查人员：哈尔滨市住房和城乡建设综合行政执法支队/ })).toBeVisible();
  await expect(page.locator('th', { hasText: '符合条件的检查人员' }).first()).toBeVisible();
  await page.getByLabel('不使用信标').check();
  await page.getByRole('button', { name: '锁定检查人员抽取' }).click();
  await confirmDialog(page);
  await expect(page.locator('.notice.ok')).toContainText('已锁定检查人员抽取');
  await staffing.getByRole('button', { name: '揭晓' }).click();
  await expect(page.locator('.notice.ok')).toContainText('检查组已组成');
  await expect(page.locator('.panel-head .tag').first()).toHaveText('已匹配人员');

  // Every drawn object has a team: a leader and a member with their 执法证号.
  const teams = page.locator('#teams tbody tr');
  const n = await teams.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    await expect(teams.nth(i).locator('.tag', { hasText: '组长' })).toHaveCount(1);
    await expect(teams.nth(i).locator('.tag', { hasText: '组员' })).toHaveCount(1);
  }
  const cert = (await teams.first().locator('li .code').first().textContent()).trim();

  // The public page names the teams; every record of the task verifies by its commitment.
  const pub = await request.get(`/public/tasks/${id}`);
  expect(pub.ok()).toBeTruthy();
  expect(await pub.text()).toContain(cert);
  const json = await (await request.get(`/public/tasks/${id}.json`)).json();
  const urls = [json.items[0].draw.url, json.staffing.shares[0].draw.url];
  for (const u of urls) {
    const record = await (await request.get(u)).json();
    expect(record.spec).toBe('spotcheck-draw-v1');
    expect(record.seed).toMatch(/^[0-9a-f]{64}$/);
  }
});

// 联合抽查 from the form (第十七条) and 差异化监管's ratios per risk stratum
// (第十四条): 哈尔滨 invites 道里 with an entry of 道里's published plan, then
// sets the strata's ratios of its own item before locking; a higher risk below
// a lower one is refused on the page with the reason, and nothing is lost.
test('联合抽查：邀请其他部门参加，并设定分层抽查比例', async ({ page }) => {
  await login(page, USER);
  await page.goto('/tasks');
  await page.getByLabel('任务名称').fill('2026年12月住建联合抽查（浏览器测试）');
  await page.locator('input[name=plan_entry_ids]').first().check();
  await page.getByText('邀请其他部门参加（可选）').click();
  const daoli = page.locator('fieldset.joint', { hasText: '道里区' });
  await expect(daoli).toBeVisible();
  await daoli.locator('input[name=participant_entry]').last().check();
  await page.locator('#window_start').fill('2026-12-01');
  await page.getByLabel('结束日期').fill('2026-12-20');
  await page.getByRole('button', { name: '新建任务' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已新建任务');
  await expect(page.locator('table.kv')).toContainText('联合抽查');
  await expect(page.locator('table.kv')).toContainText('道里区');

  // The initiator's item: every stratum at A's ratio, except D below C (refused).
  const item = page.locator('#item1');
  await item.getByText('调整分层抽查比例').click();
  const a = await item.getByLabel('A类的抽查比例').inputValue();
  for (const s of ['B类', 'C类', 'D类', '重点关注']) await item.getByLabel(`${s}的抽查比例`).fill(a);
  await item.getByLabel('C类的抽查比例').fill('100%');
  await item.getByRole('button', { name: '保存比例' }).click();
  await expect(page.locator('.notice.error')).toContainText('不能低于C类');
  // The form comes back open with what was typed.
  await expect(page.locator('#item1').getByLabel('C类的抽查比例')).toHaveValue('100%');
  await page.locator('#item1').getByLabel('C类的抽查比例').fill(a);
  await page.locator('#item1').getByRole('button', { name: '保存比例' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已设定分层抽查比例');
  const ratios = page.locator('#item1 table.list').first().locator('tbody tr td:nth-child(2)');
  const shown = (await ratios.allTextContents()).map((t) => t.trim()).filter((t) => t);
  expect(shown.length).toBeGreaterThan(0);
  for (const r of shown) expect(r).toBe(a);
});
