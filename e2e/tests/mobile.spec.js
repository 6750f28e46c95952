// On a phone (390×844) the login page and the home page fit the screen
// width and the whole menu can be reached.
const { test, expect, DEMO_PASSWORD, NEW_PASSWORD, submitLogin, changeForcedPassword, horizontalOverflow } = require('./support');

const USER = 'qqhr_admin'; // 部门管理员, 齐齐哈尔市
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

async function expectNoHorizontalScroll(page, what) {
  const m = await horizontalOverflow(page);
  expect(m.innerWidth, `${what}：视口宽度`).toBe(PHONE.width);
  expect(m.scrollWidth, `${what}：没有横向滚动条`).toBeLessThanOrEqual(m.innerWidth);
}

test('手机上登录页、改密码页、首页不横向滚动，菜单可以到达', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: '登 录' })).toBeInViewport();
  await expectNoHorizontalScroll(page, '登录页');

  await submitLogin(page, USER, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/account\/password$/);
  await expectNoHorizontalScroll(page, '改密码页');
  await changeForcedPassword(page, DEMO_PASSWORD, NEW_PASSWORD);
  await expectNoHorizontalScroll(page, '首页');

  // The top bar keeps 退出 on the screen.
  await expect(page.getByRole('button', { name: '退出' })).toBeInViewport();

  // The menu: every entry can be brought onto the screen and tapped.
  const nav = page.getByRole('navigation', { name: '功能菜单' });
  await expect(nav).toBeVisible();
  const links = nav.getByRole('link');
  const labels = await links.allInnerTexts();
  expect(labels).toContain('用户管理');
  for (const link of await links.all()) {
    await link.scrollIntoViewIfNeeded();
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  await links.filter({ hasText: '用户管理' }).tap();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole('heading', { name: '用户管理' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '用户管理' })).toHaveAttribute('aria-current', 'page');
  await expectNoHorizontalScroll(page, '用户管理');

  // Back home through the menu's first entry or the brand.
  await page.getByRole('link', { name: /监管平台/ }).first().tap();
  await expect(page.getByRole('heading', { name: /^您好，/ })).toBeVisible();
});
