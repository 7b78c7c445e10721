import { writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * writeDummyZip writes a zip holding one stored file, `bootstrap`, a shell script that is not the
 * trigger: enough for CDK to stage as an asset, so that tests and `cdk synth` run without a Go build
 * and without a binary in the repository. Written here because Node has no zip writer and the format
 * of one stored entry is a few fixed headers.
 */
export function writeDummyZip(path: string): void {
  const name = Buffer.from('bootstrap');
  const data = Buffer.from('#!/bin/sh\necho "not the trigger: a test stand-in" >&2\nexit 1\n');
  const crc = crc32(data);
  const unixMode = (0o100755 << 16) >>> 0; // a regular executable file, in the high half of the external attributes
  // Fixed 1980-01-01 00:00 (DOS time 0, date (0 << 9) | (1 << 5) | 1) so the asset hash never changes.
  const dosTime = 0, dosDate = (1 << 5) | 1;

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt16LE(dosTime, 10);
  local.writeUInt16LE(dosDate, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode in the external attributes counts
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt16LE(dosTime, 12);
  central.writeUInt16LE(dosDate, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt16LE(0, 30); // extra
  central.writeUInt16LE(0, 32); // comment
  central.writeUInt16LE(0, 34); // disk
  central.writeUInt16LE(0, 36); // internal attributes
  central.writeUInt32LE(unixMode, 38);
  central.writeUInt32LE(0, 42); // offset of the local header

  const centralOffset = local.length + name.length + data.length;
  const centralSize = central.length + name.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);

  writeFileSync(path, Buffer.concat([local, name, data, central, name, end]));
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node dist/test/dummy-zip.js OUT.zip');
    process.exit(2);
  }
  writeDummyZip(out);
}
