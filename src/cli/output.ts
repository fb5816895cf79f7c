// Owns: the CLI's standard output when its reader goes away. `thutin account list | head` closes
// the pipe early: the write fails with EPIPE, and the command ends quietly (as with SIGPIPE)
// instead of printing a stack trace.
export function quietOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
