// 归档 (第二十四条) in the browser: 哈尔滨's operator opens the demo's task
// whose teams have all confirmed their results, archives it, and downloads the
// package; every file in it has the SHA-256 its manifest lists, and the
// manifest's own hash is the one the page (and the audit entry) shows.
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { test, expect, login } = require('./support');

const USER = 'hrb_admin';
const TASK = '2026年第三季度建筑施工安全生产许可证动态核查';

// Reads the zip with Python's zipfile (always present where the tests run):
// the manifest's hash and whether every listed file matches its hash.
const CHECK = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
m = z.read("manifest.json")
files = json.loads(m)["files"]
bad = [f["path"] for f in files if hashlib.sha256(z.read(f["path"])).hexdigest() != f["sha256"]]
kinds = sorted({f["path"].split("/")[0] for f in files})
print(json.dumps({"sha": hashlib.sha256(m).hexdigest(), "files": len(files), "bad": bad, "kinds": kinds,
                  "signature": json.loads(z.read("签名.json"))}))
`;

test('归档已完成检查的任务，下载归档包，清单中每个文件的哈希一致', async ({ page }) => {
  await login(page, USER);
  await page.goto('/tasks');
  await page.getByRole('link', { name: TASK }).click();
  await expect(page.getByRole('heading', { name: '归档（第二十四条）' })).toBeVisible();
  await page.getByRole('button', { name: '归档', exact: true }).click();
  const dialog = page.locator('dialog[open]');
  await expect(dialog).toContainText('归档记录不能修改或删除');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.locator('.notice.ok')).toContainText('已归档');
  const panel = page.locator('#archive');
  await expect(panel).toContainText('清单 SHA-256');
  const shown = (await panel.locator('.sub.code').first().innerText()).match(/[0-9a-f]{64}/)[0];

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: '下载最新归档包' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/归档.*\.zip$/);
  const file = path.join(os.tmpdir(), `spotcheck-archive-${Date.now()}.zip`);
  await download.saveAs(file);
  const result = JSON.parse(execFileSync('python3', ['-c', CHECK, file], { encoding: 'utf8' }));
  expect(result.sha, '清单的哈希与页面显示的一致').toBe(shown);
  expect(result.signature.manifest_sha256).toBe(shown);
  expect(result.bad, '每个文件的哈希与清单一致').toEqual([]);
  expect(result.kinds).toEqual(['抽取记录', '检查文书']);
  expect(result.files).toBeGreaterThan(10);
});
