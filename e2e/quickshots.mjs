// Ad-hoc screenshots of a running server, for looking at new pages:
//   node quickshots.mjs BASE OUTDIR user:path[,path] ...   (user "public" = no login)
// Shoots each page at 1366×768 and 390×844, plus each panel with an id at both sizes.
import { chromium } from '@playwright/test';
import chromiumLib from './lib/chromium.js';
const [base, out, ...specs] = process.argv.slice(2);
const browser = await chromium.launch(chromiumLib.chromiumLaunchOptions());
const VPS = [['desktop', { viewport: { width: 1366, height: 768 } }], ['phone', { viewport: { width: 390, height: 844 }, isMobile: true }]];
for (const spec of specs) {
  const [user, paths] = spec.split(':');
  let state;
  for (const [vp, opts] of VPS) {
    const ctx = await browser.newContext({ ...opts, storageState: state });
    const page = await ctx.newPage();
    if (user !== 'public' && !state) {
      await page.goto(base + '/login');
      await page.getByLabel('用户名').fill(user);
      await page.getByLabel('密码').fill(process.env.PW || 'Demo#2026');
      await page.getByRole('button', { name: '登 录' }).click();
      await page.waitForLoadState();
      if (page.url().includes('/account/password')) {
        await page.getByLabel('原密码').fill(process.env.PW || 'Demo#2026');
        await page.getByLabel('新密码', { exact: true }).fill('Jc#Sj2026-hlj');
        await page.getByLabel('确认新密码').fill('Jc#Sj2026-hlj');
        await page.getByRole('button', { name: '保存' }).click();
        await page.waitForLoadState();
      }
      state = await ctx.storageState();
    }
    for (const p of paths.split(',')) {
      await page.goto(base + p);
      const name = `${user}${p.replace(/[/?=&#]+/g, '_')}-${vp}`;
      await page.screenshot({ path: `${out}/${name}.png` });
      for (const id of await page.$$eval('.panel[id]', (els) => els.map((e) => e.id))) {
        await page.locator(`#${id}`).screenshot({ path: `${out}/${name}-${id}.png` });
      }
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      console.log(name, 'overflow', wide);
    }
    await ctx.close();
  }
}
await browser.close();
