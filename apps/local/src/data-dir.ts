import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@upstate/core';

export const pidFile = 'upstate.pid';

const readPid = (file: string): number | null => {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
};

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * One platform per data folder: LevelDB and s3rver's files are not safe to share between processes.
 * The claim is atomic: the pid file is created with O_EXCL, so of two starts at once exactly one
 * wins. A stale file (its process is gone) is moved aside by rename, which only one process can do,
 * and dropped only if it still holds the pid that was found dead; otherwise it is put back.
 */
export function claimDataDir(dataDir: string): void {
  const file = join(dataDir, pidFile);
  const taken = (pid: number) =>
    new AppError('conflict', `Another Upstate (pid ${pid}) is already using ${dataDir}. Stop it first.`, {
      field: 'UPSTATE_DATA_DIR',
    });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    let seen = readPid(file);
    if (seen === null) continue;
    if (seen === 0) {
      // Created but not yet written by a claimant that is starting right now.
      sleepSync(50);
      seen = readPid(file);
      if (seen === null) continue;
    }
    if (seen === process.pid) return;
    if (seen !== 0 && isAlive(seen)) throw taken(seen);
    const aside = `${file}.${process.pid}.stale`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') continue;
      throw error;
    }
    if (readPid(aside) !== seen) {
      // Someone claimed it between our read and our rename: give their claim back.
      try {
        linkSync(aside, file);
      } catch {
        // A third start claimed it meanwhile; the claim we moved aside is lost, theirs stands.
      }
    }
    rmSync(aside, { force: true });
  }
  throw new AppError('conflict', `Could not claim ${dataDir}: other starts keep claiming it`, {
    field: 'UPSTATE_DATA_DIR',
  });
}
