/**
 * Where an export's bytes go, as they are produced: a file (through a temporary name,
 * renamed into place only once the export is recorded), memory, and the two transforms
 * that wrap them: ASCII armor and age encryption. Each stage holds at most a line or an
 * age chunk, so a 100k-entry bundle is written without ever being whole in memory, and
 * the plaintext of an encrypted bundle never reaches the disk.
 */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { concatBytes, toBase64, utf8 } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { ARMOR_LINE_LENGTH, armorBegin, armorEnd } from '../../../shared/codec/armor';
import { AgeEncryptor } from '../formats/age';
import { fileWriteError, renameNoReplace } from '../files/whole-file';

export interface Sink {
  write(chunk: Uint8Array): void;
  /** Flushes what is pending; a transform passes the end on. */
  end(): void;
}

const WRITE_BUFFER = 1024 * 1024;

/** A file written under a temporary name; `commit` renames it into place, `discard` removes it. */
export class FileSink implements Sink {
  readonly temp: string;
  private fd: number | undefined;
  private readonly buffer = new Uint8Array(WRITE_BUFFER);
  private used = 0;
  written = 0;

  constructor(readonly target: string) {
    this.temp = `${target}.partial-${process.pid}-${Date.now().toString(36)}`;
    try {
      this.fd = openSync(this.temp, 'wx', 0o600);
    } catch (error) {
      throw writeError(target, error);
    }
  }

  write(chunk: Uint8Array): void {
    this.written += chunk.length;
    if (this.used + chunk.length > this.buffer.length) this.flush();
    if (chunk.length >= this.buffer.length) {
      this.raw(chunk);
      return;
    }
    this.buffer.set(chunk, this.used);
    this.used += chunk.length;
  }

  end(): void {
    this.flush();
    try {
      fsyncSync(this.fd!);
      closeSync(this.fd!);
    } catch (error) {
      throw writeError(this.target, error);
    } finally {
      this.fd = undefined;
    }
  }

  commit(): void {
    let placed: boolean;
    try {
      placed = renameNoReplace(this.temp, this.target);
    } catch (error) {
      throw writeError(this.target, error);
    }
    if (!placed) throw new TearlineError('E_USAGE', `${this.target} appeared while the bundle was being written; it was left as it is`);
  }

  discard(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Removing the file matters more.
      }
      this.fd = undefined;
    }
    rmSync(this.temp, { force: true });
  }

  private flush(): void {
    if (this.used > 0) this.raw(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private raw(bytes: Uint8Array): void {
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(this.fd!, bytes, at, bytes.length - at);
    } catch (error) {
      throw writeError(this.target, error);
    }
  }
}

function writeError(file: string, error: unknown): TearlineError {
  return fileWriteError(`cannot write ${file}`, error);
}

export class MemorySink implements Sink {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  write(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }

  end(): void {}

  bytes(): Uint8Array {
    return this.chunks.length === 1 ? this.chunks[0]! : concatBytes(...this.chunks);
  }

  get size(): number {
    return this.length;
  }
}

/**
 * PEM-style armor as shared/codec/armor.ts writes it (and age's armor, which has the same
 * shape under another label): padded base64 in lines of 64 characters, LF, final LF.
 */
export class ArmorSink implements Sink {
  private static readonly LINE_BYTES = (ARMOR_LINE_LENGTH / 4) * 3;
  private readonly pending = new Uint8Array(ArmorSink.LINE_BYTES);
  private used = 0;

  constructor(
    private readonly next: Sink,
    private readonly label: string,
  ) {
    next.write(utf8(armorBegin(label) + '\n'));
  }

  write(chunk: Uint8Array): void {
    let input = chunk;
    const lines: string[] = [];
    if (this.used > 0) {
      const fill = input.subarray(0, ArmorSink.LINE_BYTES - this.used);
      this.pending.set(fill, this.used);
      this.used += fill.length;
      input = input.subarray(fill.length);
      if (this.used < ArmorSink.LINE_BYTES) return;
      lines.push(toBase64(this.pending));
      this.used = 0;
    }
    while (input.length >= ArmorSink.LINE_BYTES) {
      lines.push(toBase64(input.subarray(0, ArmorSink.LINE_BYTES)));
      input = input.subarray(ArmorSink.LINE_BYTES);
    }
    this.pending.set(input, 0);
    this.used = input.length;
    if (lines.length > 0) this.next.write(utf8(lines.join('\n') + '\n'));
  }

  end(): void {
    const last = this.used > 0 ? toBase64(this.pending.subarray(0, this.used)) + '\n' : '';
    this.next.write(utf8(last + armorEnd(this.label) + '\n'));
    this.next.end();
  }
}

/** age encryption to X25519 recipients, chunk by chunk. */
export class AgeSink implements Sink {
  private readonly encryptor: AgeEncryptor;

  constructor(
    private readonly next: Sink,
    recipients: string[],
  ) {
    this.encryptor = new AgeEncryptor(recipients);
  }

  write(chunk: Uint8Array): void {
    const out = this.encryptor.push(chunk);
    if (out.length > 0) this.next.write(out);
  }

  end(): void {
    this.next.write(this.encryptor.finish());
    this.next.end();
  }
}
