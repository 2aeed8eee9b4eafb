/*
 * timeit.c -- wall-clock timing of a whole process, run many times.
 *
 *   timeit [-n RUNS] [-w WARMUP] [-i STDIN] [-o STDOUT] -- CMD [ARG]...
 *
 * Runs CMD RUNS times (after WARMUP untimed runs, default 1) with stdin and
 * stdout redirected (default /dev/null for both), and prints one line:
 *
 *   runs N mean_ms M median_ms M min_ms M max_ms M cpu_ms M
 *
 * Each interval goes from just before posix_spawn to just after wait4
 * returns, so it is start + run + exit of CMD and little else; cpu_ms is
 * the mean user + system time of the child.  A shell loop timing with
 * `date +%s%N` would add the fork and exec of `date` (about a millisecond
 * here) to every sample, which is the size of what we measure.  Exit 1 if
 * any run fails.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One run; its wall time in *ms and CPU time in *cpu.  0 on success. */
static int run_once(char **cmd, const char *in, const char *out, double *ms, double *cpu)
{
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int st;
  struct rusage ru;
  double t0 = now_ms();
  int rc = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
  if (rc == 0 && wait4(pid, &st, 0, &ru) < 0) rc = -1;
  *ms = now_ms() - t0;
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    fprintf(stderr, "timeit: cannot run %s: %s\n", cmd[0], strerror(rc > 0 ? rc : 1));
    return -1;
  }
  *cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-3;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "timeit: %s failed (status %d)\n", cmd[0], st);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int runs = 10, warm = 1, i = 1;
  const char *in = "/dev/null", *out = "/dev/null";
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) runs = atoi(argv[++i]);
    else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) warm = atoi(argv[++i]);
    else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) in = argv[++i];
    else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
    else break;
  }
  if (i >= argc - 1 || strcmp(argv[i], "--") != 0 || runs < 1 || warm < 0) {
    fputs("usage: timeit [-n RUNS] [-w WARMUP] [-i STDIN] [-o STDOUT] -- CMD [ARG]...\n", stderr);
    return 2;
  }
  char **cmd = argv + i + 1;
  double *ms = malloc((size_t)runs * sizeof *ms), cpu_sum = 0, sum = 0, cpu;
  if (!ms) return 2;
  for (int k = 0; k < warm; k++)
    if (run_once(cmd, in, out, &ms[0], &cpu) != 0) return 1;
  for (int k = 0; k < runs; k++) {
    if (run_once(cmd, in, out, &ms[k], &cpu) != 0) return 1;
    sum += ms[k];
    cpu_sum += cpu;
  }
  qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
  double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  printf("runs %d mean_ms %.4f median_ms %.4f min_ms %.4f max_ms %.4f cpu_ms %.4f\n", runs,
         sum / runs, median, ms[0], ms[runs - 1], cpu_sum / runs);
  free(ms);
  return 0;
}
