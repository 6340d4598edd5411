// Whether a process still exists, by its id (negative: a process group):
// signal 0 checks without sending anything; EPERM means it exists but is
// another user's.
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
