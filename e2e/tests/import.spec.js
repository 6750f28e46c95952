// 一单两库, template import (issue 4, item 7): a county operator downloads the
// 企业 template from the list page, fills it with three enterprises of which
// one has a wrong check character, uploads it, watches the import finish,
// downloads the 问题清单 naming the row and the column, corrects the row and
// imports the file again; the new enterprises are found by name in the list.
const fs = require('node:fs');
const { test, expect, login } = require('./support');
const { isValid, checkChar, orgCodeCheckChar, makeCode, withBadCheckChar } = require('../lib/credit-code');
const { readWorkbook, fillFirstSheet } = require('../lib/xlsx');

const OPERATOR = 'daoli_admin'; // 部门管理员, 230102 道里区
const DIVISION = '230102';
const HEADER = [
  '统一社会信用代码*',
  '企业名称*',
  '法定代表人',
  '注册地址',
  '所在行政区划代码*',
  '企业类别*',
  '信用风险分类*',
  '列入经营异常名录',
  '重点关注对象',
  '严重违法失信',
  '近一年投诉举报次数',
  '联系电话',
];

/** Reads a finished download into a Buffer. */
async function downloaded(download) {
  return fs.promises.readFile(await download.path());
}

/** Clicks `link` and returns the download it starts. */
async function download(page, link) {
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(await dl.failure(), '下载成功').toBeNull();
  return dl;
}

/** The CSV text of rows (RFC 4180 quoting), UTF-8 with CRLF as spreadsheet programs write it. */
function csv(rows) {
  const cell = (v) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** On the import form: kind 企业, into the operator's own department, the file; returns the job page's id. */
async function startImport(page, file) {
  await expect(page).toHaveURL(/\/imports\/new\?kind=enterprise$/);
  await expect(page.getByRole('heading', { name: '按模板导入名录' })).toBeVisible();
  await expect(page.getByLabel('名录类型')).toHaveValue('enterprise');
  const target = page.getByLabel('导入到');
  const options = await target.locator('option').evaluateAll((os) => os.map((o) => o.value));
  expect(options, '导入到：本部门').toContain(DIVISION);
  expect(options.join('|'), '导入到：不含其他区县').not.toMatch(/230103|2302\d\d/);
  await target.selectOption(DIVISION);
  await page.getByLabel('文件', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: '开始导入' }).click();
  await expect(page).toHaveURL(/\/imports\/\d+$/);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/** Waits for the job page to show the end of the import and returns its figures. */
async function finished(page) {
  const box = page.locator('#import-job');
  await expect(box.locator('[data-field=status_label]'), '导入结束').toHaveText('已完成', { timeout: 30_000 });
  await expect(box).toHaveAttribute('data-status', 'done');
  await expect(box.locator('progress')).toHaveJSProperty('value', 100);
  const figure = async (name) => Number((await box.locator(`[data-field=${name}]`).innerText()).replace(/[,\s]/g, ''));
  return { imported: await figure('imported'), updated: await figure('updated'), rejected: await figure('rejected') };
}

test('导入企业名录：下载模板，上传含1行错误代码的文件，下载问题清单，改正后重新导入，按名称查到新企业', async ({ page }) => {
  const tag = Date.now().toString(36).toUpperCase();
  const names = ['甲', '乙', '丙'].map((x) => `道里测试${x}${tag}建筑工程有限公司`);
  const codes = names.map((n) => makeCode(DIVISION, n));
  const badCode = withBadCheckChar(codes[1]);
  expect(codes.every(isValid) && !isValid(badCode)).toBe(true);

  await login(page, OPERATOR);
  await page.goto('/objects?kind=enterprise');
  await expect(page.getByRole('heading', { name: '检查对象名录库' })).toBeVisible();

  // The code helper agrees with the codes the platform itself shows.
  const shown = await page.locator('table.list tbody tr td.code.nowrap').allInnerTexts();
  expect(shown.length, '名录中已有企业').toBeGreaterThan(0);
  for (const code of shown.map((s) => s.trim())) {
    expect(isValid(code), `页面上的代码 ${code} 通过本地校验`).toBe(true);
    expect(checkChar(code.slice(0, 17))).toBe(code[17]);
    expect(orgCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
  }

  // The template, through the page's own link.
  const tplLink = page.getByRole('link', { name: '下载模板' });
  await expect(tplLink).toHaveAttribute('href', '/templates/enterprise.xlsx');
  const tpl = await download(page, tplLink);
  expect(tpl.suggestedFilename()).toMatch(/\.xlsx$/);
  expect(tpl.suggestedFilename()).toContain('企业');
  const tplBytes = await downloaded(tpl);
  expect(tplBytes.subarray(0, 4).toString('binary'), '.xlsx 是 ZIP 文件').toBe('PK\x03\x04');
  const tplBook = await readWorkbook(tplBytes);
  expect(tplBook.sheets.length, '名录表和填写说明').toBeGreaterThanOrEqual(2);
  expect(tplBook.sheets[0].name).toBe('企业');
  expect(tplBook.sheets[0].rows[0], '表头').toEqual(HEADER);
  expect(tplBook.sheets[0].rows.length, '模板只有表头').toBe(1);
  expect(tplBook.sheets[1].name).toBe('填写说明');

  // Fill it as an operator would: three enterprises, the second with a wrong check character.
  const row = (i, code) => [
    code,
    names[i],
    ['王建国', '李红梅', '赵立新'][i],
    `哈尔滨市道里区测试街${i + 1}号`,
    DIVISION,
    ['建筑业企业', '建筑业企业、工程监理企业', '物业服务企业'][i],
    ['B类', 'A类', 'C类'][i],
    i === 2 ? '是' : '否',
    '否',
    '否',
    i,
    `0451-8612345${i}`,
  ];
  const firstRows = [row(0, codes[0]), row(1, badCode), row(2, codes[2])];
  const filled = await fillFirstSheet(tplBytes, firstRows);

  // Upload through the list page's 导入 button.
  await page.goto('/objects?kind=enterprise');
  await page.getByRole('link', { name: '导入', exact: true }).click();
  const firstJob = await startImport(page, {
    name: `道里区企业名录-${tag}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: filled,
  });
  const first = await finished(page);
  expect(first, '第一次导入：新增2条，1条有问题').toEqual({ imported: 2, updated: 0, rejected: 1 });
  await expect(page.locator('#import-job [data-field=message]')).toContainText('1条有问题未导入');
  // The page and the status it polls agree.
  const status = await (await page.request.get(`/imports/${firstJob}/status`)).json();
  expect(status).toMatchObject({ status: 'done', imported: 2, rejected: 1, processed_rows: 3, has_error_report: true });

  // The 问题清单 names the row (the bad enterprise is on row 3 of the sheet) and the column.
  const reportLink = page.getByRole('link', { name: '下载问题清单' });
  await expect(reportLink).toBeVisible();
  const report = await readWorkbook(await downloaded(await download(page, reportLink)));
  const [head, ...problems] = report.sheets[0].rows.filter((r) => r.some((c) => c !== ''));
  expect(head).toEqual(['行号', '列名', '填写内容', '问题', '修改方法']);
  expect(problems, '只有一处问题').toHaveLength(1);
  const [rowNo, column, value, problem, fix] = problems[0];
  expect(rowNo).toBe('3');
  expect(column).toBe('统一社会信用代码');
  expect(value).toBe(badCode);
  expect(problem).toContain('第18位校验码');
  expect(problem).toContain(`应为"${codes[1][17]}"`);
  expect(fix).toMatch(/\p{Script=Han}/u);

  // Only the two good ones are in the list so far.
  for (const [i, expected] of [
    [0, 1],
    [1, 0],
    [2, 1],
  ]) {
    await page.goto(`/objects?kind=enterprise&q=${encodeURIComponent(names[i])}`);
    await expect(page.locator('table.list tbody tr').filter({ hasText: names[i] })).toHaveCount(expected);
  }

  // Correct the row in the file and import the whole file again, this time as CSV (UTF-8).
  const fixedRows = [row(0, codes[0]), row(1, codes[1]), row(2, codes[2])];
  await page.goto(`/imports/${firstJob}`);
  await page.getByRole('link', { name: '继续导入' }).click();
  await startImport(page, {
    name: `道里区企业名录-${tag}-改正.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv([HEADER, ...fixedRows]), 'utf8'),
  });
  const second = await finished(page);
  // The two rows already saved come back unchanged: neither new nor updated.
  expect(second, '重新导入：新增1条，没有问题行').toEqual({ imported: 1, updated: 0, rejected: 0 });
  await expect(page.getByRole('link', { name: '下载问题清单' })).toBeHidden();

  // All three are found by name, with the values of the file.
  for (const [i, name] of names.entries()) {
    await page.goto(`/objects?kind=enterprise&q=${encodeURIComponent(name)}`);
    const rows = page.locator('table.list tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(name);
    await expect(rows.first().locator('td').first()).toHaveText(codes[i]);
    await expect(rows.first()).toContainText(['B类', 'A类', 'C类'][i]);
    await expect(rows.first().locator('.tag', { hasText: '在录' })).toBeVisible();
    if (i === 1) {
      await rows.first().getByRole('link', { name: '查看' }).click();
      const kv = page.locator('table.kv');
      await expect(kv).toContainText('模板导入');
      await expect(kv.locator('tr', { hasText: '企业类别' })).toContainText('建筑业企业、工程监理企业');
      await expect(kv.locator('tr', { hasText: '法定代表人' })).toContainText('李红梅');
    }
  }

  // The import page lists both batches of this run.
  await page.goto('/imports/new?kind=enterprise');
  const recent = page.locator('table.list tbody tr').filter({ hasText: tag });
  await expect(recent).toHaveCount(2);
});

test('5万行企业名录：导入页面轮询显示进度，结束后显示结果，列表翻页仍然很快', async ({ page }) => {
  const tag = Date.now().toString(36).toUpperCase();
  const codes = new Set();
  for (let i = 0; codes.size < 50_000; i++) codes.add(makeCode(DIVISION, `${tag}-${i}`));
  const rows = [...codes].map((code, i) => [code, `批量${tag}企业${i + 1}有限公司`, '', '', DIVISION, '建筑业企业', 'B类', '', '', '', '', '']);

  await login(page, OPERATOR);
  await page.goto('/imports/new?kind=enterprise');
  // Every answer of the status endpoint the page polls, recorded on the way through.
  const polled = [];
  await page.route(/\/imports\/\d+\/status$/, async (route) => {
    const res = await route.fetch();
    if (res.ok()) polled.push(await res.json());
    await route.fulfill({ response: res });
  });
  const id = await startImport(page, {
    name: `道里区企业名录-批量-${tag}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv([HEADER, ...rows]), 'utf8'),
  });
  // Still running when the page opens: a progress bar, then the page follows the job by itself.
  const box = page.locator('#import-job');
  expect(['parsing', 'saving'], '页面打开时导入仍在进行').toContain(await box.getAttribute('data-status'));
  await expect(box.locator('progress')).toBeVisible();
  const result = await finished(page);
  expect(result).toEqual({ imported: 50_000, updated: 0, rejected: 0 });
  expect(polled.length, '页面轮询了导入状态').toBeGreaterThan(0);
  expect(polled.every((j) => j.id === id)).toBe(true);
  const running = polled.filter((j) => j.status !== 'done');
  for (let i = 1; i < running.length; i++) {
    expect(running[i].processed_rows, '已读取行数只增不减').toBeGreaterThanOrEqual(running[i - 1].processed_rows);
  }
  expect(polled.at(-1)).toMatchObject({ status: 'done', percent: 100, imported: 50_000 });
  await expect(box.locator('[data-field=processed]')).toHaveText('已读取 50000 行');

  // The list behind it still answers quickly: the last page and a search by name.
  const search = `/objects?kind=enterprise&q=${encodeURIComponent(`批量${tag}企业49999有限公司`)}`;
  for (const url of ['/objects?kind=enterprise&page=2500', search]) {
    const t0 = Date.now();
    const res = await page.request.get(url);
    expect(res.status()).toBe(200);
    expect(Date.now() - t0, `${url} 在1秒内返回`).toBeLessThan(1_000);
  }
  await page.goto(search);
  await expect(page.locator('table.list tbody tr')).toHaveCount(1);
  await expect(page.locator('table.list tbody tr')).toContainText(`批量${tag}企业49999有限公司`);
});
