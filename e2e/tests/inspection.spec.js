// 现场检查 on a phone (390×844), 第十九条—第二十二条: the team leader of a
// staffed 哈尔滨 task starts the inspection, records the work plan, fills the
// checklist, takes a photo as evidence (the chunked upload of app.js),
// submits; each of the two members signs off by re-entering the password, and
// the result is final: nothing can be edited any more.
const { test, expect, NEW_PASSWORD, apiLoginAs, submitLogin, changeForcedPassword, login, logout, horizontalOverflow } = require('./support');

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

// The smallest real JPEG: what a phone's camera file starts and ends with.
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
  0x00, 0xff, 0xd9,
]);
const FIRST_PASSWORD = 'Insp#2026x';

/** Confirms the dialog an irreversible step opens. */
async function confirmDialog(page, text) {
  const dialog = page.locator('dialog[open]');
  await expect(dialog).toBeVisible();
  if (text) await expect(dialog).toContainText(text);
  await dialog.getByRole('button', { name: '确定' }).click();
}

async function noSideScroll(page, what) {
  const m = await horizontalOverflow(page);
  expect(m.scrollWidth, `${what}：没有横向滚动条`).toBeLessThanOrEqual(m.innerWidth);
}

/**
 * A team of the demo's staffed 哈尔滨 task, each drawn member with an account
 * (created by the province through the API where the member has none).
 */
async function staffedTeam(request) {
  const { auth } = await apiLoginAs(request, 'hlj_admin');
  const tasks = await (await request.get('/api/v1/tasks', { headers: auth })).json();
  const task = tasks.find((t) => t.kind.code === 'double_random' && t.status.code === 'matched');
  expect(task, '演示数据中有已匹配人员的任务').toBeTruthy();
  const detail = await (await request.get(`/api/v1/tasks/${task.id}`, { headers: auth })).json();
  for (const team of detail.staffing.teams) {
    const members = [];
    let usable = true;
    for (const m of team.members.filter((x) => x.active && x.role.code !== 'expert')) {
      const found = await (await request.get(`/api/v1/inspectors?q=${m.cert_no}`, { headers: auth })).json();
      const inspector = found.items.find((i) => i.cert_no === m.cert_no);
      // hrb_inspector2 is the lockout spec's account: keep away from it.
      if (inspector.username === 'hrb_inspector2') usable = false;
      members.push({ ...m, inspector });
    }
    if (!usable) continue;
    for (const m of members) {
      if (m.inspector.username) {
        m.username = m.inspector.username;
        m.demo = true;
        continue;
      }
      m.username = `e2e_${m.cert_no}`;
      const created = await request.post('/api/v1/users', {
        headers: auth,
        data: {
          username: m.username,
          display_name: m.name,
          role: 'inspector',
          department_code: m.inspector.department_code,
          password: FIRST_PASSWORD,
        },
      });
      expect(created.status(), `为 ${m.name} 开通账号`).toBe(201);
      const linked = await request.put(`/api/v1/inspectors/${m.inspector.id}/account`, {
        headers: auth,
        data: { username: m.username },
      });
      expect(linked.status(), `关联 ${m.name} 的账号`).toBe(200);
    }
    members.sort((a, b) => (a.role.code === 'leader' ? -1 : b.role.code === 'leader' ? 1 : 0));
    return { team, members };
  }
  throw new Error('没有可用的检查组');
}

async function loginMember(page, m) {
  if (m.demo) return login(page, m.username);
  if (m.changed) {
    await submitLogin(page, m.username, NEW_PASSWORD);
  } else {
    await submitLogin(page, m.username, FIRST_PASSWORD);
    await changeForcedPassword(page, FIRST_PASSWORD, NEW_PASSWORD);
    m.changed = true;
  }
  await expect(page.getByRole('heading', { name: /^您好，/ })).toBeVisible();
}

test('手机上填写检查表、拍照取证、两名检查人员签字确认', async ({ page, request }) => {
  const { team, members } = await staffedTeam(request);
  const [leader, member] = members;
  const url = `/teams/${team.id}/inspection`;

  // The leader finds the assignment on the home page.
  await loginMember(page, leader);
  const card = page.locator('#assignments li').filter({ hasText: team.object_code });
  await expect(card).toBeVisible();
  await card.getByRole('link', { name: '检查记录' }).tap();
  await expect(page).toHaveURL(new RegExp(`${url}$`));
  await page.getByRole('button', { name: '开始检查' }).tap();
  await expect(page.locator('.notice.ok')).toContainText('已开始检查');
  await noSideScroll(page, '检查记录页');

  // 检查工作方案 (第十七条).
  await page.getByLabel('分工').fill('组长询问并记录，组员查阅资料、拍照取证');
  await page.getByLabel('程序规范').fill('出示执法证件、告知权利义务、逐项检查、现场笔录、签字确认');
  await page.getByLabel('时间节点').fill('当日完成现场检查，三个工作日内提交结果');
  await page.getByRole('button', { name: '保存工作方案' }).tap();
  await expect(page.locator('.notice.ok')).toContainText('检查工作方案已保存');

  // The checklist: every point, 符合; the facts of the visit; the result.
  await page.getByLabel('检查方式').selectOption('on_site');
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const at = (h) => new Date(now.getTime() - h * 3600 * 1000).toISOString().slice(0, 16);
  await page.getByLabel('开始时间', { exact: true }).fill(at(3));
  await page.getByLabel('结束时间', { exact: true }).fill(at(1));
  await page.getByLabel('检查地点').fill('哈尔滨市南岗区学府路 68 号施工现场');
  await page.getByLabel('在场人员1姓名').fill('王建国');
  await page.getByLabel('在场人员1职务').fill('项目经理');
  const groups = page.locator('.verdicts');
  const n = await groups.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    await groups.nth(i).getByText('符合', { exact: true }).tap();
  }
  await page.getByLabel('检查结果', { exact: true }).selectOption({ label: '未发现问题' });
  await page.getByRole('button', { name: '保存', exact: true }).tap();
  await expect(page.locator('.notice.ok')).toContainText('已保存');
  await expect(page.locator('.verdicts input:checked')).toHaveCount(n);

  // A photo from the camera button's file input, sent in chunks by app.js.
  await page.locator('input[name=photo]').setInputFiles({ name: '现场照片.jpg', mimeType: 'image/jpeg', buffer: JPEG });
  await page.getByLabel('说明').fill('施工现场大门及公示牌');
  await page.getByRole('button', { name: '上传' }).tap();
  await expect(page.locator('.notice.ok')).toContainText('证据文件已保存');
  await expect(page.locator('ul.evidence')).toContainText('现场照片.jpg');
  await expect(page.locator('ul.evidence')).toContainText('SHA-256');

  // The object's statement: the record cannot be submitted until it says
  // when the object was heard (the 陈述申辩笔录 prints it).
  await page.getByLabel('陈述申辩人').fill('王建国');
  await page.getByLabel('陈述申辩内容').fill('对检查结果无异议。');
  await page.getByRole('button', { name: '保存', exact: true }).tap();
  await expect(page.locator('.notice.ok')).toContainText('已保存');
  await page.getByRole('button', { name: '提交全组签字确认' }).tap();
  await confirmDialog(page, '提交后检查记录不能再修改');
  await expect(page.locator('.notice.error')).toContainText('请填写陈述申辩的开始和结束时间');
  await page.goto(url);
  await expect(page.getByLabel('陈述申辩内容')).toHaveValue('对检查结果无异议。');
  await page.getByLabel('陈述申辩开始时间').fill(at(0.9));
  await page.getByLabel('陈述申辩结束时间').fill(at(0.8));
  await page.getByRole('button', { name: '保存', exact: true }).tap();
  await expect(page.locator('.notice.ok')).toContainText('已保存');
  await expect(page.getByRole('link', { name: '陈述申辩笔录' })).toBeVisible();

  // Submit for sign-off; the leader confirms with the password.
  await page.getByRole('button', { name: '提交全组签字确认' }).tap();
  await confirmDialog(page, '提交后检查记录不能再修改');
  await expect(page.locator('.notice.ok')).toContainText('已提交');
  await page.getByLabel('登录密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '签字确认' }).tap();
  await confirmDialog(page, '全员确认后任何人都不能再修改');
  await expect(page.locator('.notice.ok')).toContainText('您已签字确认');
  await logout(page);

  // The member confirms: the result is final.
  await loginMember(page, member);
  await page.goto(url);
  await expect(page.locator('#signoff')).toContainText('未确认');
  await page.getByLabel('登录密码').fill('wrong-Pass#1');
  await page.getByRole('button', { name: '签字确认' }).tap();
  await confirmDialog(page);
  await expect(page.locator('.notice.error')).toContainText('密码不正确');
  await page.getByLabel('登录密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '签字确认' }).tap();
  await confirmDialog(page);
  await expect(page.locator('#signoff')).toContainText('全组已确认，结果生效');
  await noSideScroll(page, '全组确认后');

  // Final: the form is read-only and no one can submit it.
  await expect(page.getByRole('button', { name: '保存', exact: true })).toHaveCount(0);
  await expect(page.locator('fieldset[disabled]')).toHaveCount(4);
  const link = page.getByRole('link', { name: '检查结果告知书' });
  await expect(link).toBeVisible();
  const pdf = await page.request.get(await link.getAttribute('href'));
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
});
