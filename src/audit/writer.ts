/**
 * Appends audit rows to a file as outcomes happen (SPEC §6). Each row goes to the operating
 * system in one `write` call, straight away — nothing is buffered in the process — so a crash,
 * a cancelled job or a killed runner leaves a true record of everything decided up to that
 * moment. (No fsync per row: a process dying is the case that matters on a runner; a kernel
 * crash may lose the last rows.)
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { AUDIT_HEADER, formatAuditRow } from './csv.js';
import type { AuditRow } from './types.js';

export class AuditWriter {
  readonly path: string;
  private fd: number | null;
  private count = 0;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Opens `path` for appending. A new or empty file gets the header; an existing audit CSV is
   * continued (its header must be ours), so plan and apply runs can share one `--audit FILE`.
   */
  static open(path: string): AuditWriter {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'a+');
    try {
      const size = statSync(path).size;
      const writer = new AuditWriter(path, fd);
      if (size === 0) {
        writer.append(AUDIT_HEADER);
      } else {
        const head = Buffer.alloc(Math.min(size, Buffer.byteLength(AUDIT_HEADER)));
        readSync(fd, head, 0, head.length, 0);
        if (head.toString('utf8') !== AUDIT_HEADER) {
          throw new InputError(`${path}: exists and is not an audit CSV of this version`);
        }
        // A row cut off by an earlier crash: end it, so that the rows after it stay rows.
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) writer.append('\r\n');
      }
      return writer;
    } catch (e: unknown) {
      closeSync(fd);
      throw e;
    }
  }

  get rowsWritten(): number {
    return this.count;
  }

  write(row: AuditRow): void {
    this.append(formatAuditRow(row));
    this.count++;
  }

  writeAll(rows: Iterable<AuditRow>): void {
    for (const row of rows) this.write(row);
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  private append(text: string): void {
    if (this.fd === null) throw new Error(`audit writer for ${this.path} is closed`);
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    }
  }
}
