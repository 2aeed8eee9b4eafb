/*
 * declog.h -- the decision log of `polvm serve` (docs/serve.md, "The
 * decision log"): one SQLite database in WAL mode, written by the server,
 * read by `polvm replay` and `polvm metrics`.
 *
 * Durability: synchronous=FULL.  A decision is acknowledged (its HTTP
 * answer sent) only after dl_put_decision has committed it, and with FULL
 * the commit has reached the disk (the WAL is fsync'd at every commit), so
 * an acknowledged decision survives the process being killed and the
 * machine losing power.  NORMAL would survive a killed process but could
 * lose the last commits on power loss: not enough for a record payers must
 * keep for years.
 *
 * A dl_Log is used by any number of threads: writes take the log's own
 * mutex.  Decisions are group-committed: those that arrive while a commit
 * is under way are written together in the next transaction, one fsync
 * for all, each writer waiting until its own is on disk.  Strings given
 * to the dl_put_* functions are borrowed for the call.
 */
#ifndef POL_DECLOG_H
#define POL_DECLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct dl_Log dl_Log;

/* Opens (creating it and its tables if need be, unless readonly) the log
   at path.  NULL with a reason in err.  Owned: dl_close. */
dl_Log *dl_open(const char *path, int readonly, char *err, size_t errlen);
void dl_close(dl_Log *log);
/* The SQLite handle, for the readers (replay, metrics; borrowed). */
struct sqlite3 *dl_db(dl_Log *log);

/* Records a bundle revision: its content SHA-256, build time, and where
   its file is kept (the store).  Idempotent.  0 or -1 with a reason. */
int dl_put_bundle(dl_Log *log, const char *sha256, const char *built, const char *stored,
                  int64_t loaded_ms, char *err, size_t errlen);

/* One request line of a decision. */
typedef struct dl_Line {
  int32_t line;
  const char *cpt;              /* or NULL */
  const char *policy_id;        /* NULL: no policy */
  const char *policy_version;
  const char *determination;
  const char *reasons;          /* JSON array text */
  const char *missing;          /* JSON array text */
} dl_Line;

typedef struct dl_Decision {
  const char *id;
  int64_t received_ms, decided_ms, due_ms;
  const char *priority;         /* "standard" or "expedited" */
  const char *bundle_sha256, *bundle_built;
  const char *case_id, *case_sha256;
  const char *determination;    /* the lines' if they agree, else "mixed" */
  const char *format;           /* "json" or "fhir": the answer given */
  int64_t latency_us;
  const char *response_sha256;  /* of the answer's bytes */
  const char *case_json;        /* the masked case (--log-cases), or NULL */
  const char *response;         /* the answer (--log-cases), or NULL */
  const dl_Line *lines;
  size_t nlines;
} dl_Decision;

/* Commits d and its lines (in a savepoint of a group commit, above); it
   returns once they are on disk.  0, or -1 with a reason: then nothing of
   d is in the log. */
int dl_put_decision(dl_Log *log, const dl_Decision *d, char *err, size_t errlen);

/* Records the outcome of an appeal of decision id ("approve", "deny" or
   "partial"), or an extension of its timeframe (kind "extension",
   outcome NULL).  0; 1 if no decision has that id; -1 with a reason. */
int dl_put_event(dl_Log *log, const char *id, const char *kind, const char *outcome,
                 int64_t when_ms, const char *note, char *err, size_t errlen);

/* ISO 8601 UTC with milliseconds ("2026-12-07T04:15:12.345Z") of ms. */
void dl_iso_time(int64_t ms, char out[32]);

#endif
