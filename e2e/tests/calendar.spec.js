// 工作日历 (issue 7, item 1): a deadline through a year without the State
// Council's schedule is marked 暂定; the province enters the new year's
// schedule and the same deadline becomes final and moves past 元旦.
const { test, expect, login } = require('./support');

const USER = 'hlj_admin';

test('录入下一年度放假安排后，跨年度期限不再是暂定', async ({ page }) => {
  await login(page, USER);
  await page.goto('/calendar');
  await expect(page.getByRole('heading', { name: '工作日历' })).toBeVisible();
  await page.getByLabel('起算日期').fill('2026-12-30');
  await page.getByLabel('工作日数').fill('3');
  await page.getByRole('button', { name: '计算期限' }).click();
  await expect(page.locator('.result')).toContainText('2027-01-04');
  await expect(page.locator('.result')).toContainText('暂定');

  // A weekday cannot be a 调休上班 day: refused, and what was typed stays.
  await page.getByLabel('年度').fill('2027');
  await page.getByLabel('来源').fill('国务院办公厅关于2027年部分节假日安排的通知');
  await page.getByLabel('放假安排').fill('2027-01-01,放假,元旦\n2027-02-08,上班,春节');
  await page.getByRole('button', { name: '录入' }).click();
  await expect(page.locator('.notice.error')).toBeVisible();
  await expect(page.getByLabel('放假安排')).toHaveValue(/2027-02-08,上班,春节/);

  await page.getByLabel('放假安排').fill('2027-01-01,放假,元旦\n2027-02-06,上班,春节\n2027-02-08,放假,春节');
  await page.getByRole('button', { name: '录入' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已录入');
  await expect(page.getByRole('heading', { name: '2027年' })).toBeVisible();

  await page.getByLabel('起算日期').fill('2026-12-30');
  await page.getByLabel('工作日数').fill('3');
  await page.getByRole('button', { name: '计算期限' }).click();
  await expect(page.locator('.result')).toContainText('2027-01-05');
  await expect(page.locator('.result')).not.toContainText('暂定');
});
