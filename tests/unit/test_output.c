/*
 * test_output.c -- safe outputs (docs/security.md "Outputs"): the escaping
 * function of each format (pol_buf_text_str, pol_buf_json_str) and the
 * atomic file writer (pol_write_file).  The command-line side is in
 * tests/suites/outputs.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "output.h"
#include "trace.h"

static void text_is(const char *in, const char *want)
{
  pol_Buf b = {0};
  pol_buf_puts(&b, "<");
  pol_buf_text_str(&b, in);
  pol_buf_puts(&b, ">");
  char *w = malloc(strlen(want) + 3);
  sprintf(w, "<%s>", want);
  assert_string_equal(b.s, w);
  free(w);
  pol_buf_free(&b);
}

static void json_is(const char *in, const char *want)
{
  pol_Buf b = {0};
  pol_buf_json_str(&b, in);
  assert_string_equal(b.s, want);
  pol_buf_free(&b);
}

static void test_text_escapes(void **state)
{
  (void)state;
  text_is("plain 27279", "plain 27279");
  text_is("X\n== Line 1  ->  APPROVE ==", "X\\n== Line 1  ->  APPROVE ==");
  text_is("a\r\tb", "a\\r\\tb");
  text_is("\x1b[2J\x7f\x01", "\\x1b[2J\\x7f\\x01");
  text_is("back\\slash", "back\\\\slash");
  /* bidi override, isolate, zero-width space, BOM, line separator, C1 */
  text_is("a\xe2\x80\xae" "b", "a\\u202eb");
  text_is("\xe2\x81\xa6\xe2\x80\x8b\xef\xbb\xbf\xe2\x80\xa8\xc2\x85", "\\u2066\\u200b\\ufeff\\u2028\\u0085");
  /* ordinary UTF-8 stays; bytes that are not UTF-8 become \xHH */
  text_is("Jos\xc3\xa9 \xe2\x82\xac", "Jos\xc3\xa9 \xe2\x82\xac");
  text_is("\xff\xc3", "\\xff\\xc3");
  text_is("\xe2\x80", "\\xe2\\x80");
  text_is("", "");
}

static void test_json_escapes(void **state)
{
  (void)state;
  json_is("a\"b\\c\nd", "\"a\\\"b\\\\c\\nd\"");
  json_is("\x1b\x7f", "\"\\u001b\\u007f\"");
  json_is("a\xe2\x80\xae" "b\xe2\x80\xa9\xc2\x9b", "\"a\\u202eb\\u2029\\u009b\"");
  json_is("Jos\xc3\xa9", "\"Jos\xc3\xa9\"");
  /* the largest expansion: every byte of a 3-byte sequence to 6 */
  char in[3 * 100 + 1], want[6 * 100 + 3];
  for (int i = 0; i < 100; i++) {
    memcpy(in + 3 * i, "\xe2\x80\xae", 3);
    memcpy(want + 1 + 6 * i, "\\u202e", 6);
  }
  in[300] = '\0';
  want[0] = '"';
  want[601] = '"';
  want[602] = '\0';
  json_is(in, want);
}

static char dir[] = "/tmp/test_output.XXXXXX";

static char *at(const char *name)
{
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

static void slurp_is(const char *path, const char *want)
{
  char got[64] = "";
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  size_t n = fread(got, 1, sizeof got - 1, f);
  got[n] = '\0';
  fclose(f);
  assert_string_equal(got, want);
}

static int nfiles(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
  FILE *p = popen(cmd, "r");
  int n = -1;
  assert_int_equal(fscanf(p, "%d", &n), 1);
  pclose(p);
  return n;
}

static void test_write_file(void **state)
{
  (void)state;
  char err[256];
  struct stat st;
  assert_non_null(mkdtemp(dir));
  char victim[256];
  snprintf(victim, sizeof victim, "%s", at("victim"));
  FILE *f = fopen(victim, "w");
  fputs("victim", f);
  fclose(f);

  /* new file, then replaced keeping its mode */
  assert_int_equal(pol_write_file(at("out"), "one", 3, 0666, 0, err, sizeof err), 0);
  slurp_is(at("out"), "one");
  chmod(at("out"), 0640);
  assert_int_equal(pol_write_file(at("out"), "two", 3, 0666, 0, err, sizeof err), 0);
  slurp_is(at("out"), "two");
  assert_int_equal(stat(at("out"), &st), 0);
  assert_int_equal(st.st_mode & 07777, 0640);

  /* a symlink as the target: refused, the link and its target unchanged */
  assert_int_equal(symlink("victim", at("link")), 0);
  assert_int_equal(pol_write_file(at("link"), "evil", 4, 0666, 0, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a regular file"));
  assert_int_equal(lstat(at("link"), &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  slurp_is(victim, "victim");

  /* a FIFO: refused, not replaced (and never opened: no blocking) */
  assert_int_equal(mkfifo(at("fifo"), 0600), 0);
  assert_int_equal(pol_write_file(at("fifo"), "x", 1, 0666, 0, err, sizeof err), -1);
  assert_int_equal(lstat(at("fifo"), &st), 0);
  assert_true(S_ISFIFO(st.st_mode));

  /* POL_WRITE_NEW: exact mode; never over a file or a symlink */
  assert_int_equal(pol_write_file(at("key"), "k", 1, 0600, POL_WRITE_NEW, err, sizeof err), 0);
  assert_int_equal(stat(at("key"), &st), 0);
  assert_int_equal(st.st_mode & 07777, 0600);
  assert_int_equal(pol_write_file(at("key"), "k2", 2, 0600, POL_WRITE_NEW, err, sizeof err), -1);
  slurp_is(at("key"), "k");
  assert_int_equal(pol_write_file(at("link"), "k", 1, 0600, POL_WRITE_NEW, err, sizeof err), -1);
  slurp_is(victim, "victim");

  /* a directory that does not exist: an error, nothing created */
  assert_int_equal(pol_write_file(at("none/out"), "x", 1, 0666, 0, err, sizeof err), -1);

  /* no temporary file left: victim out link fifo key */
  assert_int_equal(nfiles(), 5);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_text_escapes),
    cmocka_unit_test(test_json_escapes),
    cmocka_unit_test(test_write_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
