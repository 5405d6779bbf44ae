/* getdents64 positions while the directory changes (Linux's guarantees, checked by the program
 * itself; it prints only what must hold, so native and elfbox print the same lines):
 *  A. reading in small chunks while names are added and removed between calls: every name that
 *     exists throughout is returned exactly once, no name twice, and no name after its removal.
 *  B. telldir/seekdir: a position taken before changes (and a rewinddir) still resumes right after
 *     the entry it was taken at, even when that entry was removed since.
 * usage: dirstable DIR (an empty scratch directory) */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 60
static char dir[4096];
static int exists_[400], seen[400], removed_at_call[400];

static void path(char *out, int i) { sprintf(out, "%s/f%03d", dir, i); }
static void mk(int i) { char p[4200]; path(p, i); int fd = open(p, O_CREAT | O_WRONLY, 0644); close(fd); exists_[i] = 1; }
static void rm(int i) { char p[4200]; path(p, i); unlink(p); exists_[i] = 0; }
static int idx(const char *name) { return name[0] == 'f' ? atoi(name + 1) : -1; }

struct d64 { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; };

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  strcpy(dir, argv[1]);
  /* ---- A ---- */
  for (int i = 0; i < N; i++) mk(i);
  int throughout[400];
  for (int i = 0; i < 400; i++) throughout[i] = i < N;
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  char buf[256];
  int calls = 0, dups = 0, stale = 0, next = N, dot = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n < 0) { perror("getdents64"); return 1; }
    if (n == 0) break;
    calls++;
    for (long o = 0; o < n;) {
      struct d64 *d = (struct d64 *)(buf + o);
      int i = idx(d->name);
      if (i < 0) dot++;
      else {
        if (seen[i]++) dups++;
        if (!exists_[i]) stale++;
      }
      o += d->reclen;
    }
    /* between calls: add two names, remove one not yet seen and one already seen */
    if (next < 380) { mk(next++); mk(next++); }
    for (int i = N - 1; i >= 0; i--) if (exists_[i] && !seen[i]) { rm(i); throughout[i] = 0; break; }
    for (int i = 0; i < N; i++) if (exists_[i] && seen[i] && i % 3 == 0) { rm(i); break; }
  }
  int missing = 0, once = 0;
  for (int i = 0; i < 400; i++) if (throughout[i] && exists_[i]) { if (seen[i] == 1) once++; else missing++; }
  (void)stale; /* a removed name may still be returned (POSIX leaves it unspecified; ext4 does) */
  printf("A: calls>1=%d dot+dotdot=%d dups=%d throughout-missing=%d once=%d\n", calls > 1, dot, dups, missing, once > 40);
  close(fd);

  /* ---- B ---- */
  DIR *d = opendir(dir);
  struct dirent *e;
  char before[20][256]; int nb = 0;
  for (int k = 0; k < 20 && (e = readdir(d)); k++) if (e->d_name[0] == 'f') strcpy(before[nb++], e->d_name);
  long pos = telldir(d);
  char after[10][256]; int na = 0;
  while (na < 10 && (e = readdir(d))) if (e->d_name[0] == 'f') strcpy(after[na++], e->d_name);
  rewinddir(d);
  /* changes: remove the first two of the ten and three entries before the position */
  rm(idx(after[0])); rm(idx(after[1]));
  for (int k = 0; k < 3 && k < nb; k++) rm(idx(before[k]));
  seekdir(d, pos);
  char again[64][256]; int ng = 0;
  while (ng < 64 && (e = readdir(d))) strcpy(again[ng++], e->d_name);
  /* the eight of the ten that still exist must come back in the same order, before any of them is missed */
  int j = 0, order_ok = 1;
  for (int k = 0; k < ng && j < 8; k++) {
    if (strcmp(again[k], after[j + 2]) == 0) j++;
    else for (int m = j + 3; m < na; m++) if (strcmp(again[k], after[m]) == 0) order_ok = 0;
    if (strcmp(again[k], after[0]) == 0 || strcmp(again[k], after[1]) == 0) order_ok = 0;
  }
  printf("B: ten-read=%d still-there-in-order=%d order_ok=%d\n", na, j, order_ok);
  for (int k = 0; k < 15; k++) mk(next++);
  /* seekdir to a position whose entry was removed: resumes after it */
  rewinddir(d);
  long p2 = 0; char name2[256] = "";
  for (int k = 0; k < 30 && (e = readdir(d)); k++) { p2 = telldir(d); strcpy(name2, e->d_name); }
  char nextname[256] = "";
  if ((e = readdir(d))) strcpy(nextname, e->d_name);
  if (name2[0] == 'f') rm(idx(name2));
  seekdir(d, p2);
  e = readdir(d);
  printf("B: after-removed-entry-resumes-at-next=%d\n", e && strcmp(e->d_name, nextname) == 0);
  /* lseek 0 lists every existing name exactly once */
  rewinddir(d);
  int cnt = 0, want = 2;
  for (int i = 0; i < 400; i++) want += exists_[i];
  memset(seen, 0, sizeof seen);
  int dup2_ = 0;
  while ((e = readdir(d))) { cnt++; int i = idx(e->d_name); if (i >= 0 && seen[i]++) dup2_++; }
  printf("C: rewind-lists-all=%d dups=%d\n", cnt == want, dup2_);
  closedir(d);
  for (int i = 0; i < 400; i++) if (exists_[i]) rm(i);
  return 0;
}
