/*
 * fsync-snapshot: an LD_PRELOAD shim for the power-cut test (test/integration/durability).
 *
 * After every successful fsync() or fdatasync() of a regular file under $FSYNC_SNAPSHOT_WATCH,
 * the whole file is copied to $FSYNC_SNAPSHOT_DIR/<its base name>, through a temporary file and a
 * rename so a copy is never seen half-written. After a SIGKILL, putting those copies back (and
 * deleting every file that has none) leaves exactly what a successful sync had made durable: a
 * power cut that loses every byte written since. It does not model torn or reordered writes
 * inside the unsynced window, nor directory syncs.
 *
 * Build: cc -shared -fPIC -O2 -o fsync-snapshot.so fsync-snapshot.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*sync_fn)(int);

/* SQLite syncs from one thread, but Node's thread pool may sync too: one copy at a time. */
static pthread_mutex_t copying = PTHREAD_MUTEX_INITIALIZER;

/* True when `path` is the watched directory or below it (no watch: every file). */
static int is_watched(const char *path) {
  const char *watch = getenv("FSYNC_SNAPSHOT_WATCH");
  if (watch == NULL || *watch == '\0') return 1;
  size_t n = strlen(watch);
  return strncmp(path, watch, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int copy_file(const char *from, const char *to) {
  int in = open(from, O_RDONLY | O_CLOEXEC);
  if (in < 0) return -1;
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    close(in);
    return -1;
  }
  char buf[1 << 16];
  int ok = 0;
  for (;;) {
    ssize_t got = read(in, buf, sizeof buf);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      ok = -1;
      break;
    }
    for (ssize_t done = 0; done < got;) {
      ssize_t put = write(out, buf + done, (size_t)(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) {
        ok = -1;
        break;
      }
      done += put;
    }
    if (ok != 0) break;
  }
  close(in);
  close(out);
  return ok;
}

static void snapshot(int fd) {
  const char *dir = getenv("FSYNC_SNAPSHOT_DIR");
  if (dir == NULL || *dir == '\0') return;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;

  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = readlink(link, path, sizeof path - 1);
  if (len <= 0) return;
  path[len] = '\0';
  if (!is_watched(path)) return;

  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char tmp[PATH_MAX], dst[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s/.%s.partial", dir, base) >= (int)sizeof tmp) return;
  if (snprintf(dst, sizeof dst, "%s/%s", dir, base) >= (int)sizeof dst) return;

  pthread_mutex_lock(&copying);
  if (copy_file(path, tmp) == 0) rename(tmp, dst);
  else unlink(tmp);
  pthread_mutex_unlock(&copying);
}

/* Calls the real function; snapshots only when it succeeded, and keeps the caller's errno. */
static int sync_then_snapshot(const char *name, sync_fn *real, int fd) {
  if (*real == NULL) *real = (sync_fn)dlsym(RTLD_NEXT, name);
  if (*real == NULL) {
    errno = ENOSYS;
    return -1;
  }
  int rc = (*real)(fd);
  if (rc == 0) {
    int saved = errno;
    snapshot(fd);
    errno = saved;
  }
  return rc;
}

int fsync(int fd) {
  static sync_fn real;
  return sync_then_snapshot("fsync", &real, fd);
}

int fdatasync(int fd) {
  static sync_fn real;
  return sync_then_snapshot("fdatasync", &real, fd);
}
