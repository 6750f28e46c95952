// .xlsx for the tests, through ExcelJS (a maintained spreadsheet library, so
// the tests never parse ZIP or SpreadsheetML by hand): read what the platform
// writes (templates, exports, 问题清单) as plain text, and fill a downloaded
// template the way an operator would, keeping its second sheet, drop-downs
// and styles.
const ExcelJS = require('exceljs');

/** A cell as the text a person reads in it ('' when empty). */
function cellText(cell) {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
  if ('result' in v) return v.result === undefined || v.result === null ? '' : String(v.result);
  if ('text' in v) return String(v.text);
  return cell.text ?? '';
}

/** Drops the empty cells at the end of a row. */
function trimRow(cells) {
  let n = cells.length;
  while (n > 0 && cells[n - 1] === '') n--;
  return cells.slice(0, n);
}

/**
 * Reads a workbook: { sheets: [{ name, rows }] } in workbook order, each row
 * an array of strings ('' for empty cells, trailing ones dropped), rows by
 * their row number (row 1 → rows[0]); trailing empty rows are dropped.
 */
async function readWorkbook(buf) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf);
  const sheets = [];
  wb.eachSheet((ws) => {
    const rows = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c)));
      rows.push(trimRow(cells));
    }
    while (rows.length > 0 && rows[rows.length - 1].length === 0) rows.pop();
    sheets.push({ name: ws.name, rows });
  });
  return { sheets };
}

/**
 * Writes `rows` (arrays of values) under the header of the first sheet of a
 * template and returns the new .xlsx. Numbers stay numbers, as a person typing
 * into a spreadsheet program would leave them.
 */
async function fillFirstSheet(templateBuf, rows) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(templateBuf);
  const ws = wb.worksheets[0];
  rows.forEach((values, i) => {
    const row = ws.getRow(i + 2);
    values.forEach((v, j) => {
      if (v !== undefined && v !== null && v !== '') row.getCell(j + 1).value = v;
    });
    row.commit();
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

module.exports = { readWorkbook, fillFirstSheet };
