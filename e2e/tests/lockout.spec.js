// Five wrong passwords lock the account; the lock holds against the right
// password; the 审计员 sees each failed attempt and the lock in the audit trail.
const { test, expect, DEMO_PASSWORD, submitLogin, login } = require('./support');

const USER = 'hrb_inspector2'; // 检查人员, 哈尔滨市
const AUDITOR = 'hlj_auditor';

test('连续5次密码错误锁定账号，审计日志记录每次失败和锁定', async ({ page }) => {
  for (let i = 1; i <= 4; i++) {
    await submitLogin(page, USER, `Wrong#Pass${i}`);
    await expect(page.getByRole('alert'), `第${i}次错误`).toHaveText('用户名或密码错误');
  }
  await submitLogin(page, USER, 'Wrong#Pass5');
  await expect(page.getByRole('alert'), '第5次错误即锁定').toContainText('账号已锁定');
  await expect(page.getByRole('alert')).toContainText('联系管理员解锁');

  // Locked even with the right password.
  await submitLogin(page, USER, DEMO_PASSWORD);
  await expect(page.getByRole('alert')).toContainText('账号已锁定');
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);

  // The auditor reads the trail.
  await login(page, AUDITOR);
  await page.goto('/audit?action=auth.login_failed');
  await expect(page.getByRole('heading', { name: '审计日志' })).toBeVisible();
  await expect(page.locator('select[name=action]')).toHaveValue('auth.login_failed');
  const rows = page.locator('table.list tbody tr');
  const failed = rows.filter({ hasText: USER });
  await expect(failed).toHaveCount(5);
  for (let n = 1; n <= 5; n++) {
    await expect(failed.filter({ hasText: `连续第${n}次` }), `第${n}次失败的记录`).toHaveCount(1);
  }
  await expect(failed.first().locator('.tag')).toHaveText('登录失败');

  // The lock is an entry of its own (action auth.account_locked): the trail of
  // the user shows the five failures, the lock and the refused 6th attempt.
  await page.goto(`/audit?actor=${USER}`);
  const mine = page.locator('table.list tbody tr');
  await expect(mine.filter({ has: page.locator('.tag', { hasText: '登录失败' }) })).toHaveCount(5);
  const lock = mine.filter({ has: page.locator('.tag', { hasText: '账号锁定' }) });
  await expect(lock).toHaveCount(1);
  await expect(lock).toContainText('连续5次登录失败');
  await expect(mine.filter({ hasText: '账号锁定期间尝试登录' })).toHaveCount(1);

  // The lock entry's detail page.
  await lock.getByRole('link', { name: '详情' }).click();
  await expect(page).toHaveURL(/\/audit\/\d+$/);
  await expect(page.locator('main')).toContainText('账号锁定');
  await expect(page.locator('main')).toContainText(USER);
});
