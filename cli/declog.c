/*
 * declog.c -- the decision log (declog.h): schema, writes, durability.
 * The schema is documented in docs/serve.md ("The decision log"); a change
 * here is a change there.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "declog.h"

/* A decision waiting for the group commit (dl_put_decision). */
typedef struct Pending {
  const dl_Decision *d;     /* borrowed: its writer waits until done */
  int done, rc;
  char err[256];
  struct Pending *next;
} Pending;

struct dl_Log {
  sqlite3 *db;
  pthread_mutex_t mu;       /* the connection: one writer at a time */
  /* group commit: the decisions waiting, and whether a writer is
     committing a batch (it takes what came meanwhile next) */
  pthread_mutex_t qmu;
  pthread_cond_t qcond;
  Pending *head, **tail;
  int leader;
};

/* The tables; user_version 1.  Times are milliseconds since the epoch
   (UTC), beside their ISO text for people reading the log. */
static const char schema[] =
  "CREATE TABLE IF NOT EXISTS bundles("
  " sha256 TEXT PRIMARY KEY, built TEXT, stored TEXT, first_loaded_ms INTEGER);"
  "CREATE TABLE IF NOT EXISTS decisions("
  " id TEXT PRIMARY KEY,"
  " received TEXT NOT NULL, received_ms INTEGER NOT NULL,"
  " decided TEXT NOT NULL, decided_ms INTEGER NOT NULL,"
  " due_by TEXT NOT NULL, due_ms INTEGER NOT NULL, priority TEXT NOT NULL,"
  " bundle_sha256 TEXT NOT NULL, bundle_built TEXT,"
  " case_id TEXT, case_sha256 TEXT NOT NULL,"
  " determination TEXT NOT NULL, format TEXT NOT NULL, latency_us INTEGER NOT NULL,"
  " response_sha256 TEXT NOT NULL, case_json TEXT, response TEXT);"
  "CREATE TABLE IF NOT EXISTS lines("
  " decision_id TEXT NOT NULL REFERENCES decisions(id), line INTEGER NOT NULL,"
  " cpt TEXT, policy_id TEXT, policy_version TEXT, determination TEXT NOT NULL,"
  " reasons TEXT NOT NULL, missing TEXT NOT NULL, PRIMARY KEY(decision_id, line));"
  "CREATE TABLE IF NOT EXISTS events("
  " decision_id TEXT NOT NULL REFERENCES decisions(id), kind TEXT NOT NULL,"
  " outcome TEXT, at TEXT NOT NULL, at_ms INTEGER NOT NULL, note TEXT);"
  "CREATE INDEX IF NOT EXISTS decisions_received ON decisions(received_ms);"
  "PRAGMA user_version = 1;";

void dl_iso_time(int64_t ms, char out[32])
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char s[24];
  strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, 32, "%s.%03dZ", s, (int)(ms % 1000));
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
  snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
  sqlite3_free(msg);
  return -1;
}

dl_Log *dl_open(const char *path, int readonly, char *err, size_t errlen)
{
  dl_Log *log = calloc(1, sizeof *log);
  if (!log) { snprintf(err, errlen, "out of memory"); return NULL; }
  /* readonly: never created, no schema change; opened for writing where
     it can be all the same, so that SQLite can recover a WAL left by a
     killed server (a read-only WAL database needs its -shm file) */
  int flags = readonly ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  /* FULLMUTEX: readers may share the handle; writes take log->mu too */
  int rc = sqlite3_open_v2(path, &log->db, flags | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK && readonly) {
    sqlite3_close(log->db);
    log->db = NULL;
    rc = sqlite3_open_v2(path, &log->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  }
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open the decision log: %s", path,
             log->db ? sqlite3_errmsg(log->db) : "out of memory");
    sqlite3_close(log->db);
    free(log);
    return NULL;
  }
  sqlite3_busy_timeout(log->db, 5000);
  char why[256];
  if (!readonly
      && (exec(log->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", why, sizeof why) != 0
          || exec(log->db, schema, why, sizeof why) != 0)) {
    snprintf(err, errlen, "%s: cannot open the decision log: %s", path, why);
    sqlite3_close(log->db);
    free(log);
    return NULL;
  }
  if (readonly && exec(log->db, "SELECT count(*) FROM decisions;", why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: not a decision log: %s", path, why);
    sqlite3_close(log->db);
    free(log);
    return NULL;
  }
  pthread_mutex_init(&log->mu, NULL);
  pthread_mutex_init(&log->qmu, NULL);
  pthread_cond_init(&log->qcond, NULL);
  log->tail = &log->head;
  return log;
}

void dl_close(dl_Log *log)
{
  if (!log) return;
  sqlite3_close(log->db);
  pthread_mutex_destroy(&log->mu);
  pthread_mutex_destroy(&log->qmu);
  pthread_cond_destroy(&log->qcond);
  free(log);
}

struct sqlite3 *dl_db(dl_Log *log)
{
  return log->db;
}

/* Binds text (NULL: SQL NULL) to parameter i. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, i);
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen)
{
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return 0;
  snprintf(err, errlen, "%s", sqlite3_errmsg(db));
  return -1;
}

int dl_put_bundle(dl_Log *log, const char *sha256, const char *built, const char *stored,
                  int64_t loaded_ms, char *err, size_t errlen)
{
  pthread_mutex_lock(&log->mu);
  sqlite3_stmt *st = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(log->db,
                         "INSERT OR IGNORE INTO bundles(sha256, built, stored, first_loaded_ms)"
                         " VALUES(?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(log->db));
  } else {
    bind_text(st, 1, sha256);
    bind_text(st, 2, built);
    bind_text(st, 3, stored);
    sqlite3_bind_int64(st, 4, loaded_ms);
    rc = step_done(log->db, st, err, errlen);
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&log->mu);
  return rc;
}

static int put_decision_locked(dl_Log *log, const dl_Decision *d, char *err, size_t errlen)
{
  sqlite3_stmt *st = NULL;
  char rec[32], dec[32], due[32];
  dl_iso_time(d->received_ms, rec);
  dl_iso_time(d->decided_ms, dec);
  dl_iso_time(d->due_ms, due);
  if (sqlite3_prepare_v2(log->db,
                         "INSERT INTO decisions(id, received, received_ms, decided, decided_ms,"
                         " due_by, due_ms, priority, bundle_sha256, bundle_built, case_id,"
                         " case_sha256, determination, format, latency_us, response_sha256,"
                         " case_json, response)"
                         " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(log->db));
    return -1;
  }
  bind_text(st, 1, d->id);
  bind_text(st, 2, rec);
  sqlite3_bind_int64(st, 3, d->received_ms);
  bind_text(st, 4, dec);
  sqlite3_bind_int64(st, 5, d->decided_ms);
  bind_text(st, 6, due);
  sqlite3_bind_int64(st, 7, d->due_ms);
  bind_text(st, 8, d->priority);
  bind_text(st, 9, d->bundle_sha256);
  bind_text(st, 10, d->bundle_built);
  bind_text(st, 11, d->case_id);
  bind_text(st, 12, d->case_sha256);
  bind_text(st, 13, d->determination);
  bind_text(st, 14, d->format);
  sqlite3_bind_int64(st, 15, d->latency_us);
  bind_text(st, 16, d->response_sha256);
  bind_text(st, 17, d->case_json);
  bind_text(st, 18, d->response);
  int rc = step_done(log->db, st, err, errlen);
  sqlite3_finalize(st);
  if (rc) return -1;
  if (sqlite3_prepare_v2(log->db,
                         "INSERT INTO lines(decision_id, line, cpt, policy_id, policy_version,"
                         " determination, reasons, missing) VALUES(?,?,?,?,?,?,?,?)",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(log->db));
    return -1;
  }
  for (size_t i = 0; i < d->nlines && rc == 0; i++) {
    const dl_Line *l = &d->lines[i];
    sqlite3_reset(st);
    bind_text(st, 1, d->id);
    sqlite3_bind_int(st, 2, l->line);
    bind_text(st, 3, l->cpt);
    bind_text(st, 4, l->policy_id);
    bind_text(st, 5, l->policy_version);
    bind_text(st, 6, l->determination);
    bind_text(st, 7, l->reasons);
    bind_text(st, 8, l->missing);
    rc = step_done(log->db, st, err, errlen);
  }
  sqlite3_finalize(st);
  return rc;
}

/* Writes a batch of decisions in one transaction, each in a savepoint of
   its own (one that fails is rolled back alone), and commits: one fsync
   for the batch.  Each gets its rc. */
static void commit_batch(dl_Log *log, Pending *batch)
{
  char why[256];
  pthread_mutex_lock(&log->mu);
  int rc = exec(log->db, "BEGIN IMMEDIATE", why, sizeof why);
  for (Pending *p = batch; p; p = p->next) {
    if (rc != 0) {
      p->rc = -1;
      snprintf(p->err, sizeof p->err, "%s", why);
      continue;
    }
    char ignore[256];
    p->rc = exec(log->db, "SAVEPOINT d", p->err, sizeof p->err);
    if (p->rc == 0) p->rc = put_decision_locked(log, p->d, p->err, sizeof p->err);
    if (p->rc != 0) exec(log->db, "ROLLBACK TO d", ignore, sizeof ignore);
    exec(log->db, "RELEASE d", ignore, sizeof ignore);
  }
  if (rc == 0 && exec(log->db, "COMMIT", why, sizeof why) != 0) {
    char ignore[256];
    exec(log->db, "ROLLBACK", ignore, sizeof ignore);
    for (Pending *p = batch; p; p = p->next) {
      p->rc = -1;
      snprintf(p->err, sizeof p->err, "%s", why);
    }
  }
  pthread_mutex_unlock(&log->mu);
}

/* Group commit: the first writer to find no batch under way commits what
   is queued, then what was queued meanwhile, until the queue is empty;
   the others wait for their decision to be committed.  Nobody returns
   before its own decision is on disk (or failed). */
int dl_put_decision(dl_Log *log, const dl_Decision *d, char *err, size_t errlen)
{
  Pending me = {.d = d};
  pthread_mutex_lock(&log->qmu);
  *log->tail = &me;
  log->tail = &me.next;
  while (!me.done && log->leader) pthread_cond_wait(&log->qcond, &log->qmu);
  if (!me.done) {
    log->leader = 1;
    while (log->head) {
      Pending *batch = log->head;
      log->head = NULL;
      log->tail = &log->head;
      pthread_mutex_unlock(&log->qmu);
      commit_batch(log, batch);
      pthread_mutex_lock(&log->qmu);
      for (Pending *p = batch, *next; p; p = next) {
        next = p->next;   /* p may be gone once done is seen */
        p->done = 1;
      }
      pthread_cond_broadcast(&log->qcond);
    }
    log->leader = 0;
    pthread_cond_broadcast(&log->qcond);
  }
  pthread_mutex_unlock(&log->qmu);
  if (me.rc != 0) snprintf(err, errlen, "%s", me.err);
  return me.rc;
}

int dl_put_event(dl_Log *log, const char *id, const char *kind, const char *outcome,
                 int64_t when_ms, const char *note, char *err, size_t errlen)
{
  pthread_mutex_lock(&log->mu);
  sqlite3_stmt *st = NULL;
  int rc = -1;
  char at[32];
  dl_iso_time(when_ms, at);
  if (sqlite3_prepare_v2(log->db,
                         "INSERT INTO events(decision_id, kind, outcome, at, at_ms, note)"
                         " SELECT id, ?, ?, ?, ?, ? FROM decisions WHERE id = ?",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(log->db));
  } else {
    bind_text(st, 1, kind);
    bind_text(st, 2, outcome);
    bind_text(st, 3, at);
    sqlite3_bind_int64(st, 4, when_ms);
    bind_text(st, 5, note);
    bind_text(st, 6, id);
    rc = step_done(log->db, st, err, errlen);
    if (rc == 0 && sqlite3_changes(log->db) == 0) rc = 1;
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&log->mu);
  return rc;
}
