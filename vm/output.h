/*
 * output.h -- writing output safely, for polc and polvm alike
 * (docs/security.md "Outputs"): one atomic file writer and one check of
 * standard output at exit.
 *
 * Ownership: every pointer argument is borrowed.
 */
#ifndef POL_OUTPUT_H
#define POL_OUTPUT_H

#include <stddef.h>
#include <sys/types.h>

enum {
  /* never replace: fail with EEXIST if path exists in any form (a key
     file); the new file gets exactly mode */
  POL_WRITE_NEW = 1 << 0
};

/* Writes len bytes of data (borrowed) to path, all or nothing: into a new
   temporary file made by mkstemp in path's directory (O_EXCL: a planted
   file or symlink is never followed), fsync'd, then renamed over path (or,
   with POL_WRITE_NEW, linked to it).  A path that exists and is not a
   regular file (a symlink, FIFO, device or directory) is refused, never
   replaced; a regular file keeps its permission bits, a new one gets mode
   less the umask.  0, or -1 with errno set, the reason in err (not
   naming path) and no temporary file left behind. */
int pol_write_file(const char *path, const void *data, size_t len, mode_t mode, int flags,
                   char *err, size_t errlen);

/* Writes all of s[0..n) to file descriptor fd, retrying after a signal
   (EINTR) and short writes.  0, or -1 with errno set. */
int pol_write_all(int fd, const void *s, size_t n);

/* Flushes and closes standard output.  0 when everything written reached
   it; else -1 after "PROG: cannot write the output: why" on stderr. */
int pol_close_stdout(const char *prog);

#endif
