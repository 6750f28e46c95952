// 站内消息: an inspector with a 待办 sees its count in the top bar and on the
// home page, opens the message list from the top bar, marks the message read
// (the 待办 stays until the work is done), marks everything read, and goes
// where a message asks to act; the top bar keeps its count on a phone.
//
// The spec starts from an empty inbox (the demo tells the inspector about
// its assignments; those are removed first) and writes two messages into the
// demo's SQLite database the way `messages::notify` does (a committed row
// addressed to the user).
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { test, expect, login, horizontalOverflow } = require('./support');

const USER = 'hrb_inspector'; // 检查人员 of 哈尔滨市住房和城乡建设综合行政执法支队

function demoDatabase() {
  const log = process.env.SPOTCHECK_E2E_LOG;
  if (!log) throw new Error('SPOTCHECK_E2E_LOG 未设置：请用 npx playwright test 运行');
  return path.join(path.dirname(log), 'data', 'spotcheck.db');
}

/** A message to `username`, written as the platform writes one. */
function seedMessage(username, { title, body = '', link, todo, subject }) {
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  // The timestamp is copied from the newest audit entry, so it has the
  // database's own format.
  const sql = `INSERT INTO messages (created_at, kind, title, body, link, action_required, subject_type, subject_id,
      recipient_user_id, recipient_department_id, recipient_permission, recipient_roles, done_at)
    SELECT (SELECT occurred_at FROM audit_entries ORDER BY seq DESC LIMIT 1), 'e2e', ${q(title)}, ${q(body)}, ${q(link)},
      ${todo ? 1 : 0}, 'e2e', ${subject}, id, NULL, NULL, NULL, NULL FROM users WHERE username = ${q(username)};`;
  execFileSync('sqlite3', ['-cmd', '.timeout 15000', demoDatabase(), sql]);
}

/** Empties the user's inbox of the demo's own messages. */
function clearInbox(username) {
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const user = `(SELECT id FROM users WHERE username = ${q(username)})`;
  const sql = `DELETE FROM message_reads WHERE message_id IN (SELECT id FROM messages WHERE recipient_user_id = ${user});
    DELETE FROM message_outbox WHERE message_id IN (SELECT id FROM messages WHERE recipient_user_id = ${user});
    DELETE FROM messages WHERE recipient_user_id = ${user};`;
  execFileSync('sqlite3', ['-cmd', '.timeout 15000', demoDatabase(), sql]);
}

const READ = /(^|\s)read(\s|$)/;
const UNREAD = /(^|\s)unread(\s|$)/;

test('待办：顶栏显示数量，从顶栏进入站内消息，标为已读，去处理', async ({ page }) => {
  await login(page, USER);
  clearInbox(USER);
  seedMessage(USER, {
    title: '测试：您已被分配到“2026年建筑市场联合抽查”检查组，请查看检查任务',
    body: '检查对象：哈尔滨某建筑工程有限公司；检查时间：2026-05-10 至 2026-05-20。',
    link: '/items',
    todo: true,
    subject: 1,
  });
  seedMessage(USER, { title: '测试：2026年度抽查计划已公开', link: '/items', todo: false, subject: 2 });

  // Every page's top bar counts the 待办; the home page has the figure.
  await page.goto('/');
  const todo = page.locator('.topbar a.todo-link');
  await expect(todo).toBeVisible();
  await expect(todo.locator('.count')).toHaveText('1');
  await expect(page.locator('.topbar a.msg-link .count')).toHaveText('2');
  const figure = page.locator('.figure', { hasText: '待办事项' });
  await expect(figure.locator('.value')).toHaveText('1');
  await page.goto('/items');
  await expect(page.locator('.topbar a.todo-link .count')).toHaveText('1');

  // From the top bar to the 待办 tab.
  await page.locator('.topbar a.todo-link').click();
  await expect(page).toHaveURL(/\/messages\?box=todo$/);
  await expect(page.getByRole('heading', { name: '站内消息' })).toBeVisible();
  await expect(page.getByRole('tab', { name: '待办（1）' })).toHaveAttribute('aria-selected', 'true');
  const item = page.locator('.msg-list li', { hasText: '检查组' });
  await expect(page.locator('.msg-list li')).toHaveCount(1);
  await expect(item).toHaveClass(UNREAD);
  await expect(item.locator('.tag', { hasText: '未读' })).toBeVisible();
  await expect(item.locator('.tag', { hasText: '待办' })).toBeVisible();
  await expect(item).toContainText('检查对象：哈尔滨某建筑工程有限公司');
  await expect(item.locator('.msg-meta')).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  // Marked read: still a 待办 (only doing the work closes it).
  await item.getByRole('button', { name: '标为已读' }).click();
  await expect(page.getByRole('status')).toContainText('已标为已读');
  await expect(item).toHaveClass(READ);
  await expect(item.locator('.tag', { hasText: '已读' })).toBeVisible();
  await expect(item.getByRole('button', { name: '标为已读' })).toHaveCount(0);
  await expect(page.locator('.topbar a.todo-link .count')).toHaveText('1');
  await expect(page.locator('.topbar a.msg-link .count')).toHaveText('1');

  // 全部: the information is still unread; mark all.
  await page.getByRole('tab', { name: '全部' }).click();
  await expect(page.locator('.msg-list li')).toHaveCount(2);
  await expect(page.locator('.msg-list li', { hasText: '计划已公开' })).toHaveClass(UNREAD);
  await page.getByRole('button', { name: '全部标为已读' }).click();
  await expect(page.getByRole('status')).toContainText('全部消息已标为已读');
  await expect(page.locator('.msg-list li.unread')).toHaveCount(0);
  await expect(page.locator('.topbar a.msg-link .count')).toHaveCount(0);
  await page.getByRole('tab', { name: '未读（0）' }).click();
  await expect(page.getByText('没有未读消息。')).toBeVisible();

  // 去处理 goes where the message asks to act.
  await page.goto('/messages?box=todo');
  await page.getByRole('link', { name: '去处理' }).click();
  await expect(page).toHaveURL(/\/items$/);

  // On a phone: the count in the top bar, the list without sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/messages');
  await expect(page.locator('.topbar a.todo-link .count')).toHaveText('1');
  await expect(page.locator('.topbar a.todo-link')).toBeInViewport();
  const { scrollWidth, innerWidth } = await horizontalOverflow(page);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  const button = page.getByRole('link', { name: '去处理' });
  const box = await button.boundingBox();
  expect(box.height).toBeGreaterThanOrEqual(32);
});
