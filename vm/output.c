/*
 * output.c -- writing output safely (output.h; docs/security.md
 * "Outputs").
 *
 * Ownership: nothing here keeps a pointer; temporary names are on the
 * stack or malloc'd and freed before return.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pol_write_all(int fd, const void *s, size_t n)
{
  const char *p = s;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* -1 with errno e and why (strerror(e) if NULL) in err. */
static int fail(char *err, size_t errlen, int e, const char *why)
{
  if (err && errlen) snprintf(err, errlen, "%s", why ? why : strerror(e));
  errno = e;
  return -1;
}

static mode_t current_umask(void)
{
  mode_t m = umask(022);   /* the only portable way to read it */
  umask(m);
  return m;
}

int pol_write_file(const char *path, const void *data, size_t len, mode_t mode, int flags,
                   char *err, size_t errlen)
{
  struct stat st;
  int exists = lstat(path, &st) == 0;
  if (exists && (flags & POL_WRITE_NEW)) return fail(err, errlen, EEXIST, NULL);
  if (exists && !S_ISREG(st.st_mode))
    return fail(err, errlen, EEXIST, "not a regular file: refusing to replace it");
  if (!exists && errno != ENOENT) return fail(err, errlen, errno, NULL);
  mode_t want = (flags & POL_WRITE_NEW) ? mode : exists ? (st.st_mode & 07777) : (mode & ~current_umask());

  /* DIR/.BASE.XXXXXX: the same file system as path, so rename is atomic */
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  const char *base = slash ? slash + 1 : path;
  size_t tlen = dirlen + 1 + strlen(base) + 8;
  char *tmp = malloc(tlen);
  if (!tmp) return fail(err, errlen, ENOMEM, NULL);
  snprintf(tmp, tlen, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
  int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return fail(err, errlen, e, NULL);
  }
  int ok = fchmod(fd, want) == 0 && pol_write_all(fd, data, len) == 0 && fsync(fd) == 0;
  int e = errno;
  if (close(fd) != 0 && ok) { ok = 0; e = errno; }
  if (ok) {
    if (flags & POL_WRITE_NEW) ok = link(tmp, path) == 0;   /* EEXIST if it appeared */
    else ok = rename(tmp, path) == 0;
    e = errno;
  }
  if (!ok || (flags & POL_WRITE_NEW)) unlink(tmp);
  free(tmp);
  if (!ok) return fail(err, errlen, e, NULL);
  /* the new directory entry too survives a crash (best effort) */
  char *dir = dirlen ? strndup(path, dirlen) : strdup(".");
  int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  free(dir);
  return 0;
}

int pol_close_stdout(const char *prog)
{
  errno = 0;
  int bad = fflush(stdout) != 0 || ferror(stdout);
  int e = errno;
  /* EBADF at close with nothing left to write: stdout was closed (>&-)
     and the command had nothing to say */
  if (fclose(stdout) != 0 && !bad && errno != EBADF) { bad = 1; e = errno; }
  if (!bad) return 0;
  fprintf(stderr, "%s: cannot write the output: %s\n", prog, e ? strerror(e) : "write error");
  return -1;
}
