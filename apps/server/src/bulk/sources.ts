import fs from 'node:fs';
import readline from 'node:readline';
import type { RawRecord } from './records.js';

// Reads an import file one record at a time (node:readline over a read stream), so memory holds one batch however
// long the file is. A record knows the line it starts on, for error reports.

export type ImportFormat = 'ndjson' | 'csv';

export type SourceItem = { line: number; record: RawRecord } | { line: number; error: string };

export function formatOf(file: string): ImportFormat {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';
}

export async function* readRecords(file: string, format: ImportFormat): AsyncGenerator<SourceItem> {
  const lines = readline.createInterface({
    input: fs.createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  yield* format === 'csv' ? csvRecords(lines) : ndjsonRecords(lines);
}

async function* ndjsonRecords(lines: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON.' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: 'a record must be a JSON object.' };
    } else {
      yield { line, record: value as RawRecord };
    }
  }
}

/**
 * RFC 4180 CSV: the first record names the columns; fields may be quoted with `"`, a quote inside doubled, and a
 * quoted field may span lines. Empty cells are left out of the record (the field is absent).
 */
async function* csvRecords(lines: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  let header: string[] | null = null;
  let line = 0;
  let startLine = 0;
  let pending: string | null = null;
  for await (const text of lines) {
    line++;
    const joined: string = pending === null ? text : `${pending}\n${text}`;
    if (pending === null) startLine = line;
    const fields = splitCsv(joined);
    if (fields === null) {
      pending = joined;
      continue;
    }
    pending = null;
    if (fields.length === 1 && fields[0] === '') continue;
    if (header === null) {
      header = fields.map((name) => name.trim());
      continue;
    }
    if (fields.length !== header.length) {
      yield { line: startLine, error: `${fields.length} fields where the header has ${header.length}.` };
      continue;
    }
    const record: RawRecord = {};
    header.forEach((name, i) => {
      const value = fields[i];
      if (value !== undefined && value !== '') record[name] = value;
    });
    yield { line: startLine, record };
  }
  if (pending !== null) yield { line: startLine, error: 'a quoted field is not closed.' };
}

/** The fields of one CSV record, or null when a quoted field is still open at the end (it continues on the next line). */
export function splitCsv(text: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}
