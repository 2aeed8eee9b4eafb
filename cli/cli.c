/*
 * cli.c -- what the subcommands of polvm share (cli.h): global options
 * (--trust, --allow-extern), loading a bundle, reading cases and case
 * lines, output and signals, sets of criterion ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>   /* mallopt: populate_spare */
#endif

#include "bundle.h"
#include "case.h"
#include "cli.h"
#include "output.h"
#include "sha256.h"
#include "trace.h"
#include "util.h"
#include "vm.h"

typedef cli_Loaded Loaded;

static int read_from(FILE *f, size_t limit, uint8_t **out, size_t *len, char *err,
                     size_t errlen);

/* Reads a whole file ("-": stdin) into *out (malloc'd, owned by the
   caller), keeping at most limit + 1 bytes: *len > limit says the file is
   larger than limit, without reading the rest.  0 on success; -1 with
   errno's reason in err. */

static int read_limited(const char *path, size_t limit, uint8_t **out, size_t *len,
                        char *err, size_t errlen)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  *out = NULL;
  *len = 0;
  if (!f) { snprintf(err, errlen, "%s", strerror(errno)); return -1; }
  return read_from(f, limit, out, len, err, errlen);
}

/* read_limited's reading of f (closed here, unless it is stdin) */
static int read_from(FILE *f, size_t limit, uint8_t **out, size_t *len, char *err,
                     size_t errlen)
{
  char *b;
  int e = pol_read_stream(f, limit, &b, len);
  if (f != stdin) fclose(f);
  if (e) { snprintf(err, errlen, "%s", strerror(e)); return -1; }
  *out = (uint8_t *)b;
  return 0;
}

/* Asks the kernel to back the pages of b[0 .. n) now, in one call,
   instead of one page fault each as they are first written (a 132 KB
   bundle: 33 faults; docs/performance.md, "Start-up, fourth pass" and
   "sixth pass").  Every page that holds a byte of the range is mapped,
   so the range is widened to whole pages: populating a page that is
   already there does nothing, and the neighbours' bytes are not
   changed.  This is not a mapping of a file.  Only a hint: a kernel
   without MADV_POPULATE_WRITE (before 5.14) says EINVAL and the faults
   happen as before. */
static void populate(void *b, size_t n)
{
#if defined(MADV_POPULATE_WRITE)
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0 || n < 2 * (size_t)page) return;
  uintptr_t lo = (uintptr_t)b & ~((uintptr_t)page - 1);
  uintptr_t hi = ((uintptr_t)b + n + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
  (void)b;
  (void)n;
#endif
}

/* Backs, in one call, the heap the load is about to take: after the
   bundle's buffer come the program's tables, the verifier's scratch
   (freed, then reused by the VM), the VM and the case, about 1.15 times
   the bundle's size in all for a one-case trace of policies.polb.  On
   the VM measured, a fresh page faulted in alone cost about twice what
   it cost in one MADV_POPULATE_WRITE (docs/performance.md, "Start-up,
   sixth pass").  The pages are those of malloc's top chunk, from a block
   allocated at its start up to the bundle's size and an eighth: M_TOP_PAD
   is what glibc adds beyond a request when it grows the heap and keeps
   when it trims it (mallopt(3)), so with the top pad raised past the
   spare, allocating the block grows the heap (the break, sbrk(0)) by at
   least the spare, and freeing it leaves the spare, populated, to the
   next allocations.  Where the block lies elsewhere (another malloc, a
   top chunk still large), fewer pages or pages nothing uses are backed.
   One lasting effect: glibc fixes its mmap threshold at 128 KiB once
   M_TOP_PAD is set (the threshold no longer rises after a large block is
   freed), so for the rest of the process every block of 128 KiB or more
   is its own mapping.  No command allocates and frees such blocks per
   case (the readers' and writers' buffers are kept and reused: checked
   with 214 KB FHIR Bundles and 1.6 MB cases, the same mmap calls as
   without), and the one-case commands this is for end soon after. */
enum {
  SPARE_MAX = 1024 * 1024,
  SPARE_BLOCK = 64 * 1024,         /* below glibc's least mmap threshold */
  TOP_PAD_DEFAULT = 128 * 1024     /* glibc's M_TOP_PAD unless set (DEFAULT_TOP_PAD) */
};

static void populate_spare(size_t bundle_len)
{
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  size_t want = bundle_len + bundle_len / 8;
  if (want > SPARE_MAX) want = SPARE_MAX;
  /* the block and a page either side of the spare on top of it */
  size_t pad = want + 2 * (size_t)page;
  if (pad > TOP_PAD_DEFAULT) (void)mallopt(M_TOP_PAD, (int)pad);
  uint8_t *t = malloc(SPARE_BLOCK);
  if (!t) return;
  uint8_t *end = sbrk(0);
  if (end != (void *)-1 && end > t) populate(t, (size_t)(end - t) < want ? (size_t)(end - t) : want);
  free(t);
#else
  (void)bundle_len;
#endif
}

/* read_limited, faster for a regular file: one allocation of its size and
   one read (no stdio, no buffer grown and copied on the way:
   docs/performance.md, "Start-up"); anything else (stdin, a pipe, a file
   over the limit or that changes size meanwhile) is read as read_limited
   reads it, from the same open file, with the same results and messages.
   Not mmap for a bundle: the bytes hashed must stay the bytes parsed,
   whoever rewrites the file meanwhile (and a file truncated under a
   mapping is SIGBUS). */
static int read_whole(const char *path, size_t limit, uint8_t **out, size_t *len, char *err,
                      size_t errlen)
{
  if (strcmp(path, "-") == 0) return read_limited(path, limit, out, len, err, errlen);
  *out = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY);   /* what fopen(path, "rb") does */
  if (fd < 0) { snprintf(err, errlen, "%s", strerror(errno)); return -1; }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uintmax_t)st.st_size <= limit) {
    size_t n = (size_t)st.st_size, got = 0;
    uint8_t *b = malloc(n + 1);
    if (b) populate(b, n + 1);
    ssize_t r = 1;
    while (b && got < n + 1 && (r = read(fd, b + got, n + 1 - got)) > 0) got += (size_t)r;
    if (b && r == 0 && got == n) {   /* all of it, and then the end */
      close(fd);
      b[n] = '\0';
      *out = b;
      *len = n;
      return 0;
    }
    free(b);
    lseek(fd, 0, SEEK_SET);   /* a regular file: from the start again */
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    snprintf(err, errlen, "%s", strerror(errno));
    close(fd);
    return -1;
  }
  return read_from(f, limit, out, len, err, errlen);
}

json_t *cli_parse_case(const char *text, size_t len, pol_CaseError *ce)
{
  if (len <= POL_CASE_MAX_BYTES) return pol_case_parse(text, len, ce);
  /* read_limited and cli_next_line keep limit + 1 bytes: the size is unknown */
  ce->code = "C0002";
  ce->line = ce->column = 0;
  snprintf(ce->text, sizeof ce->text, "case too large: more than %u bytes", (unsigned)POL_CASE_MAX_BYTES);
  return NULL;
}

pol_JRead *cli_case_reader(const pol_Program *p)
{
  const char *how = getenv("POLVM_CASE_READER");
  if (how && strcmp(how, "jansson") == 0) return NULL;
  return pol_jread_new(p);
}

int cli_load_case_text(pol_JRead *r, pol_Case *c, const char *text, size_t len, json_t **root,
                       pol_CaseError *ce, char *err, size_t errlen)
{
  if (len > POL_CASE_MAX_BYTES) {
    *root = cli_parse_case(text, len, ce);   /* NULL, with the message */
    return -1;
  }
  return pol_jread_case(r, c, text, len, root, ce, err, errlen);
}

static void hash_hex(const void *data, size_t len, char out[65]);

json_t *cli_read_case(const char *path, char case_hash[65], char *err, size_t errlen)
{
  return cli_read_case_text(path, case_hash, NULL, NULL, err, errlen);
}

int cli_read_case_bytes(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
  char why[512];
  uint8_t *b = NULL;
  *text = NULL;
  *len = 0;
  if (read_whole(path, POL_CASE_MAX_BYTES, &b, len, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: C0004 cannot read the case: %s", path, why);
    return -1;
  }
  *text = (char *)b;
  return 0;
}

json_t *cli_parse_case_bytes(const char *path, const char *text, size_t len, char case_hash[65],
                             char *err, size_t errlen)
{
  pol_CaseError ce;
  json_t *root = cli_parse_case(text, len, &ce);
  if (!root && ce.line) snprintf(err, errlen, "%s:%d:%d: %s %s", path, ce.line, ce.column, ce.code, ce.text);
  else if (!root) snprintf(err, errlen, "%s: %s %s", path, ce.code, ce.text);
  else if (case_hash) hash_hex(text, len, case_hash);
  return root;
}

void cli_case_hash(const void *data, size_t len, char out[65])
{
  hash_hex(data, len, out);
}

json_t *cli_read_case_text(const char *path, char case_hash[65], char **keep, size_t *keep_len,
                           char *err, size_t errlen)
{
  char *text = NULL;
  size_t len = 0;
  if (keep) *keep = NULL;
  if (cli_read_case_bytes(path, &text, &len, err, errlen) != 0) return NULL;
  json_t *root = cli_parse_case_bytes(path, text, len, case_hash, err, errlen);
  if (root && keep) {
    *keep = (char *)text;
    *keep_len = len;
  } else {
    free(text);
  }
  return root;
}


/* The key of --trust / $POLVM_TRUST; NULL: any signer, or none. */
static uint8_t trust_key[POL_PUBKEY_LEN];
static const uint8_t *trust;

/* --allow-extern / $POLVM_ALLOW_EXTERN: where extern libraries may be
   loaded from (pol_vm_bind_externs).  Borrowed from argv or the
   environment copy in allow_env. */
enum { MAX_ALLOW = 64 };
static const char *allow[MAX_ALLOW];
static size_t nallow;
static char *allow_env;

/* cli_load_bundle_ex (cli.h); keep_bad (polvm verify, without --trust): a bundle
   with a bad signature is still returned in L->p, unbound, for a report,
   with EXIT_BUNDLE.  bind 0 (verify, dump): the externs stay unbound and
   nothing of the bundle's libraries is opened. */
int cli_load_bundle_ex(const char *path, Loaded *L, int keep_bad, int bind)
{
  char err[512];
  uint8_t *buf = NULL;
  size_t len = 0;
  static char defpath[4096];
  memset(L, 0, sizeof *L);
  if (!path) {
    if (pol_default_bundle(defpath, sizeof defpath, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s; give the bundle with --bundle B\n", err);
      return EXIT_USAGE;
    }
    path = defpath;
  }
  if (read_whole(path, POL_READ_NO_LIMIT, &buf, &len, err, sizeof err) != 0) {
    fprintf(stderr, "polvm: %s: B0002 cannot read the bundle: %s\n", path, err);
    return EXIT_BUNDLE;
  }
  populate_spare(len);
  /* buf is the program's from here: its strings stay in it */
  int rc = pol_bundle_load_owned(buf, len, trust, keep_bad, &L->p, err, sizeof err);
  if (rc == 0 && L->p->sig == POL_SIG_BAD) {
    snprintf(err, sizeof err, "bad signature: bundle altered after signing");
    rc = -1;
  }
  if (rc != 0) {
    fprintf(stderr, "polvm: %s: B0001 bundle refused: %s\n", path, err);
    return EXIT_BUNDLE;
  }
  L->vm = pol_vm_new(L->p);
  L->c = pol_case_new(L->p);
  if (!L->vm || !L->c) {
    fputs("polvm: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  if (!bind) return 0;
  if (L->p->next > 0 && nallow == 0) {
    fprintf(stderr, "polvm: %s: B0004 the bundle calls native code (extern %s in %s); "
            "run with --allow-extern DIR to allow the libraries in DIR (docs/security.md)\n",
            path, L->p->str[L->p->ext[0].name], L->p->str[L->p->ext[0].lib]);
    return EXIT_BUNDLE;
  }
  if (pol_vm_bind_externs(L->vm, allow, nallow, err, sizeof err) != 0) {
    fprintf(stderr, "polvm: %s: B0003 %s\n", path, err);
    return EXIT_BUNDLE;
  }
  return 0;
}

/* cli_bundle_read (cli.h): what cli_load_bundle_ex does up to the VM,
   with the reason returned instead of printed (polvm serve reports a
   refused reload to its admin client and keeps serving). */
int cli_bundle_read(const char *path, pol_Program **p, uint8_t **bytes, size_t *len, char *err,
                    size_t errlen)
{
  char why[512];
  *p = NULL;
  *bytes = NULL;
  *len = 0;
  if (read_limited(path, POL_READ_NO_LIMIT, bytes, len, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: B0002 cannot read the bundle: %s", path, why);
    return -1;
  }
  int rc = pol_bundle_load_ex(*bytes, *len, trust, 0, p, why, sizeof why);
  if (rc == 0 && (*p)->sig == POL_SIG_BAD) {   /* keep_bad 0: never, but say so */
    pol_program_free(*p);
    *p = NULL;
    snprintf(why, sizeof why, "bad signature: bundle altered after signing");
    rc = -1;
  }
  if (rc != 0) {
    snprintf(err, errlen, "%s: B0001 bundle refused: %s", path, why);
    free(*bytes);
    *bytes = NULL;
    *len = 0;
    return -1;
  }
  return 0;
}

int cli_bind_externs(const pol_Program *p, pol_VM *vm, char *err, size_t errlen)
{
  if (p->next > 0 && nallow == 0) {
    snprintf(err, errlen, "B0004 the bundle calls native code (extern %s in %s); "
             "run with --allow-extern DIR to allow the libraries in DIR (docs/security.md)",
             p->str[p->ext[0].name], p->str[p->ext[0].lib]);
    return -1;
  }
  char why[512];
  if (pol_vm_bind_externs(vm, allow, nallow, why, sizeof why) != 0) {
    snprintf(err, errlen, "B0003 %s", why);
    return -1;
  }
  return 0;
}

int cli_load_bundle(const char *path, Loaded *L)
{
  return cli_load_bundle_ex(path, L, 0, 1);
}

void cli_unload(Loaded *L)
{
  pol_case_free(L->c);
  pol_vm_free(L->vm);
  pol_program_free(L->p);
}

static void hash_hex(const void *data, size_t len, char out[65])
{
  uint8_t h[POL_SHA256_LEN];
  pol_sha256(h, data, len);
  pol_sha_hex(h, out);
}

void cli_case_notes(const pol_Case *c, const char *file)
{
  const char *s = pol_case_notes(c);
  while (*s) {
    const char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    fprintf(stderr, "polvm: %s: note: %.*s\n", file, (int)n, s);
    s += n + (e != NULL);
  }
}

/* ---- shared by test and diff (cli.h) ------------------------------------ */

json_t *cli_read_json(const char *path, char *err, size_t errlen)
{
  uint8_t *text = NULL;
  size_t len = 0;
  /* pol_read_file's reason names the path */
  if (pol_read_file(strcmp(path, "-") == 0 ? "/dev/stdin" : path, &text, &len, err, errlen) != 0)
    return NULL;
  json_error_t je;
  json_t *root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &je);
  free(text);
  if (!root) snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", path, je.line, je.column, je.text);
  return root;
}

int cli_judge(Loaded *L, const json_t *root, json_t **trace, const pol_LineResult **lines,
              char *err, size_t errlen)
{
  *trace = NULL;
  if (pol_case_load(L->c, root, err, errlen) != 0) return -1;
  if (pol_vm_eval(L->vm, L->c, lines, err, errlen) != 0) return -1;
  /* The reasons are those of the trace by construction: read them back
     from the compact trace rather than re-deriving them here. */
  pol_Buf b = {0};
  pol_trace_json(&b, L->vm, L->c, *lines, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
  json_error_t je;
  *trace = json_loadb(b.s, b.n, 0, &je);
  pol_buf_free(&b);
  if (!*trace) {
    snprintf(err, errlen, "internal error: unreadable trace: %s", je.text);
    return -1;
  }
  return 0;
}

/* Index of the first element >= s (binary search). */
static size_t set_lower(const cli_Set *set, const char *s)
{
  size_t lo = 0, hi = set->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(set->s[mid], s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void cli_set_add(cli_Set *set, const char *s)
{
  size_t at = set_lower(set, s);
  if (at < set->n && strcmp(set->s[at], s) == 0) return;
  if (set->n == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 8;
    char **a = realloc(set->s, cap * sizeof *a);
    if (!a) { fputs("polvm: out of memory\n", stderr); abort(); }
    set->s = a;
    set->cap = cap;
  }
  char *copy = strdup(s);
  if (!copy) { fputs("polvm: out of memory\n", stderr); abort(); }
  memmove(set->s + at + 1, set->s + at, (set->n - at) * sizeof *set->s);
  set->s[at] = copy;
  set->n++;
}

int cli_set_has(const cli_Set *set, const char *s)
{
  size_t at = set_lower(set, s);
  return at < set->n && strcmp(set->s[at], s) == 0;
}

void cli_set_free(cli_Set *set)
{
  for (size_t i = 0; i < set->n; i++) free(set->s[i]);
  free(set->s);
  set->s = NULL;
  set->n = set->cap = 0;
}

void cli_reason_ids(cli_Set *set, const json_t *view, const char *prefix, const char *suffix)
{
  const json_t *reasons = json_object_get(view, "reasons");
  size_t i;
  const json_t *r;
  json_array_foreach(reasons, i, r) {
    const char *id = json_string_value(json_object_get(r, "criterion"));
    if (!id) continue;
    char key[512];
    snprintf(key, sizeof key, "%s%s%s", prefix, id, suffix);
    cli_set_add(set, key);
  }
}

/* ---- output, signals and case lines (cli.h) ----------------------------- */

int cli_write_out(const pol_Buf *b)
{
  if (!b->n) return 0;
  /* anything stdio holds goes first, so the order of output is kept */
  if (fflush(stdout) == 0 && pol_write_all(fileno(stdout), b->s, b->n) == 0) return 0;
  fprintf(stderr, "polvm: cannot write the output: %s\n", strerror(errno));
  return -1;
}

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
  stop_signal = sig;
}

void cli_catch_stop(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  /* no SA_RESTART: a blocking read returns EINTR and the loop sees the
     flag; SA_RESETHAND: a second signal ends the process at once */
  sa.sa_flags = SA_RESETHAND;
  static const int sigs[] = {SIGINT, SIGTERM};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction old;
    /* an ignored signal stays ignored (nohup, a background job) */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(sigs[i], &sa, NULL);
  }
}

int cli_stopped(void)
{
  return stop_signal != 0;
}

int cli_stop_code(void)
{
  return EXIT_SIGNAL + stop_signal;
}

void cli_lines_init(cli_Lines *in, int fd, pol_Buf *pending)
{
  memset(in, 0, sizeof *in);
  in->fd = fd;
  in->pending = pending;
}

void cli_lines_free(cli_Lines *in)
{
  free(in->buf);
  in->buf = NULL;
}

int cli_next_line(cli_Lines *in, char **line, size_t *len)
{
  const size_t limit = POL_CASE_MAX_BYTES;
  size_t scan = in->lo;
  int too_long = 0;
  for (;;) {
    char *nl = in->hi > scan ? memchr(in->buf + scan, '\n', in->hi - scan) : NULL;
    if (nl || (in->eof && (in->hi > in->lo || too_long))) {
      size_t end = nl ? (size_t)(nl - in->buf) : in->hi;
      *line = in->buf + in->lo;
      *len = too_long ? limit + 1 : end - in->lo;
      in->lo = nl ? end + 1 : in->hi;
      return 0;
    }
    if (in->eof || in->failed || stop_signal) return -1;
    /* keep at most limit + 1 bytes of the line; the rest was searched */
    if (in->hi - in->lo > limit) {
      too_long = 1;
      in->hi = in->lo + limit + 1;
    }
    if (in->lo > 0) {
      memmove(in->buf, in->buf + in->lo, in->hi - in->lo);
      in->hi -= in->lo;
      in->lo = 0;
    }
    scan = in->hi;
    if (in->cap - in->hi < 65536) {
      size_t ncap = in->cap ? in->cap * 2 : 131072;
      if (ncap < in->hi + 65536) ncap = in->hi + 65536;
      char *nb = realloc(in->buf, ncap);
      if (!nb) { fputs("polvm: out of memory\n", stderr); exit(EXIT_INTERNAL); }
      in->buf = nb;
      in->cap = ncap;
    }
    /* every answer is out before waiting for more input */
    if (in->pending && in->pending->n) {
      if (cli_write_out(in->pending) != 0) { in->failed = EXIT_INTERNAL; return -1; }
      pol_buf_reset(in->pending);
    }
    /* wait for input with SIGINT and SIGTERM let through only while
       waiting (ppoll), so a signal that came just before is not missed */
    sigset_t stops, old;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigprocmask(SIG_BLOCK, &stops, &old);
    struct pollfd pfd = {in->fd, POLLIN, 0};
    int ready = stop_signal ? -1 : ppoll(&pfd, 1, NULL, &old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (ready < 0 && (stop_signal || errno == EINTR)) continue;   /* the flag is checked above */
    ssize_t got = read(in->fd, in->buf + in->hi, in->cap - in->hi);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      fprintf(stderr, "polvm: cannot read the input: %s\n", strerror(errno));
      in->failed = EXIT_INTERNAL;
      return -1;
    }
    if (got == 0) in->eof = 1;
    in->hi += (size_t)got;
  }
}


int cli_allow_extern(const char *path)
{
  if (!*path) return 0;
  if (nallow == MAX_ALLOW) {
    fprintf(stderr, "polvm: more than %d --allow-extern places\n", MAX_ALLOW);
    return -1;
  }
  allow[nallow++] = path;
  return 0;
}

int cli_global_set(const char *trust_path, int allowed)
{
  const char *path = trust_path ? trust_path : getenv("POLVM_TRUST");
  if (path && !*path) path = NULL;
  const char *env = getenv("POLVM_ALLOW_EXTERN");
  if (!allowed && env && *env) {
    allow_env = strdup(env);
    if (!allow_env) { fputs("polvm: out of memory\n", stderr); return -1; }
    for (char *s = allow_env, *next; s; s = next) {
      next = strchr(s, ':');
      if (next) *next++ = '\0';
      if (cli_allow_extern(s) != 0) return -1;
    }
  }
  if (!path) return 0;
  char err[512];
  if (pol_key_read_public(path, trust_key, err, sizeof err) != 0) {
    fprintf(stderr, "polvm: cannot read the trusted key: %s\n", err);
    return -1;
  }
  trust = trust_key;
  return 0;
}

int cli_trusted(void)
{
  return trust != NULL;
}

void cli_global_free(void)
{
  free(allow_env);
  allow_env = NULL;
}
