// Worklist exports an officer opens in Excel: CSV with a BOM, and SpreadsheetML (.xls).
function cell(value) {
  const text = value == null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
function safe(value) {
  const text = value == null ? "" : String(value);
  return /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
}

export function toCsv(header, rows) {
  const lines = [header, ...rows].map((r) => r.map((v) => cell(safe(v))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

function xml(text) {
  return String(text ?? "").replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]);
}

export function toSpreadsheetMl(sheet, header, rows) {
  const row = (r) => `<Row>${r.map((v) => {
    const num = typeof v === "number" && Number.isFinite(v);
    return `<Cell><Data ss:Type="${num ? "Number" : "String"}">${xml(num ? v : safe(v))}</Data></Cell>`;
  }).join("")}</Row>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n`
    + `<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">`
    + `<Worksheet ss:Name="${xml(sheet)}"><Table>${[header, ...rows].map(row).join("")}</Table></Worksheet></Workbook>\n`;
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url; a.download = name; document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Export buttons for a table: columns [{label, value(row) -> text|number}].
export function exportRows(base, columns, rows) {
  const header = columns.map((c) => c.label);
  const body = rows.map((r, i) => columns.map((c) => c.value(r, i)));
  return {
    csv: () => download(`${base}.csv`, toCsv(header, body), "text/csv;charset=utf-8"),
    xls: () => download(`${base}.xls`, toSpreadsheetMl(base.slice(0, 31), header, body),
      "application/vnd.ms-excel"),
  };
}
