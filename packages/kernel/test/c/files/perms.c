/* Permission checks with the process's identity: root passes (CAP_DAC_OVERRIDE) except exec of a
 * file without any x bit; after dropping to uid 1000 / gid 2000 the owner/group/other classes
 * decide, directory search permission is needed along the path, creating needs w+x on the
 * directory. Run as root. usage: perms DIR */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char d[4096];
static const char *P(const char *n) { static char b[8][4200]; static int i; i = (i + 1) % 8; snprintf(b[i], sizeof b[i], "%s/%s", d, n); return b[i]; }
static const char *r(int v) { return v >= 0 ? "ok" : errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : errno == ENOENT ? "ENOENT" : strerror(errno); }
static int op(const char *p, int fl) { int fd = open(p, fl, 0644); if (fd >= 0) close(fd); return fd; }
static void mk(const char *n, int mode, int uid, int gid) {
  int fd = open(P(n), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  write(fd, "x", 1);
  close(fd);
  chown(P(n), uid, gid);
  chmod(P(n), mode);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  strcpy(d, argv[1]);
  chmod(d, 0755);
  mk("f600", 0600, 0, 0);
  mk("f604", 0604, 0, 0);
  mk("g040", 0040, 0, 2000);
  mk("own004", 0004, 1000, 0);
  mk("x700", 0700, 0, 0);
  mkdir(P("priv"), 0700);
  mk("priv/inner", 0644, 0, 0);
  mkdir(P("open"), 0777);
  chmod(P("open"), 0777);
  mkdir(P("shut"), 0755);
  mkdir(P("sticky"), 0777);
  chmod(P("sticky"), 01777);
  mk("sticky/roots", 0666, 0, 0);
  printf("root: open f600 rw=%s access R=%s X(no x bit)=%s X dir=%s open priv/inner=%s\n",
         r(op(P("f600"), O_RDWR)), r(access(P("f600"), R_OK)), r(access(P("f600"), X_OK)), r(access(P("priv"), X_OK)), r(op(P("priv/inner"), O_RDONLY)));
  if (setgroups(0, NULL) || setresgid(2000, 2000, 2000) || setresuid(1000, 1000, 1000)) { perror("drop"); return 1; }
  printf("user: open f600 ro=%s access F=%s R=%s W=%s\n", r(op(P("f600"), O_RDONLY)), r(access(P("f600"), F_OK)), r(access(P("f600"), R_OK)), r(access(P("f600"), W_OK)));
  printf("user: f604 ro=%s wo=%s access R=%s W=%s\n", r(op(P("f604"), O_RDONLY)), r(op(P("f604"), O_WRONLY)), r(access(P("f604"), R_OK)), r(access(P("f604"), W_OK)));
  printf("user: group g040 ro=%s; owner class own004 ro=%s\n", r(op(P("g040"), O_RDONLY)), r(op(P("own004"), O_RDONLY)));
  printf("user: x700 access X=%s\n", r(access(P("x700"), X_OK)));
  struct stat st;
  printf("user: through priv/: open=%s stat=%s access=%s; priv itself stat=%s\n",
         r(op(P("priv/inner"), O_RDONLY)), r(stat(P("priv/inner"), &st)), r(access(P("priv/inner"), F_OK)), r(stat(P("priv"), &st)));
  printf("user: create in shut/=%s in open/=%s\n", r(op(P("shut/new"), O_CREAT | O_WRONLY)), r(op(P("open/new"), O_CREAT | O_WRONLY)));
  int ok = stat(P("open/new"), &st) == 0;
  printf("user: new file owner uid=%d gid=%d\n", ok ? (int)st.st_uid : -1, ok ? (int)st.st_gid : -1);
  printf("user: O_PATH of f600=%s; truncate open f604=%s\n", r(op(P("f600"), O_PATH)), r(op(P("f604"), O_RDONLY | O_TRUNC)));
  /* one call per statement: the order of a printf's arguments is unspecified */
  const char *a1, *a2, *a3, *a4, *a5, *a6;
  a1 = r(mkdir(P("shut/d"), 0755)); a2 = r(mkdir(P("open/d"), 0755)); a3 = r(symlink("x", P("shut/l"))); a4 = r(symlink("x", P("open/l")));
  printf("user: mkdir in shut/=%s in open/=%s; symlink in shut/=%s in open/=%s\n", a1, a2, a3, a4);
  ok = stat(P("open/d"), &st) == 0;
  printf("user: new dir owner uid=%d gid=%d\n", ok ? (int)st.st_uid : -1, ok ? (int)st.st_gid : -1);
  a1 = r(unlink(P("f604"))); a2 = r(unlink(P("nope"))); a3 = r(rmdir(P("shut")));
  printf("user: unlink f604 (dir not writable)=%s; unlink missing=%s; rmdir shut=%s\n", a1, a2, a3);
  a1 = r(unlink(P("sticky/roots"))); a2 = r(rename(P("sticky/roots"), P("sticky/moved"))); a3 = r(op(P("sticky/mine"), O_CREAT | O_WRONLY)); a4 = r(unlink(P("sticky/mine")));
  printf("user: sticky: unlink root's file=%s rename it=%s; own file: create=%s unlink=%s\n", a1, a2, a3, a4);
  a1 = r(rename(P("open/new"), P("shut/new"))); a2 = r(rename(P("open/new"), P("open/new2"))); a3 = r(link(P("open/new2"), P("shut/h")));
  printf("user: rename open/new into shut/=%s within open/=%s; link into shut/=%s\n", a1, a2, a3);
  a1 = r(chmod(P("f604"), 0666)); a2 = r(chmod(P("open/new2"), 0600)); a3 = r(chown(P("open/new2"), 0, -1));
  a4 = r(chown(P("open/new2"), -1, 2000)); a5 = r(chown(P("open/new2"), -1, 0)); a6 = r(chown(P("f604"), -1, 2000));
  printf("user: chmod not-owner=%s own=%s; chown own to 0=%s; chgrp own to 2000=%s to 0=%s; chgrp f604=%s\n", a1, a2, a3, a4, a5, a6);
  a1 = r(truncate(P("f604"), 0)); a2 = r(truncate(P("open/new2"), 0));
  printf("user: truncate f604=%s own=%s\n", a1, a2);
  int fa = open(P("f604"), O_RDONLY), fb = open(P("open/new2"), O_RDONLY);
  a1 = r(fchmod(fa, 0666)); a2 = r(fchmod(fb, 0640)); a3 = r(fchown(fb, -1, 2000)); a4 = r(fchown(fb, 0, -1));
  printf("user: fchmod not-owner=%s own=%s; fchown own group=%s owner=%s\n", a1, a2, a3, a4);
  struct timespec t2[2] = { { 1000, 0 }, { 2000, 0 } };
  a1 = r(utimensat(AT_FDCWD, P("f604"), NULL, 0)); a2 = r(utimensat(AT_FDCWD, P("sticky/roots"), NULL, 0));
  a3 = r(utimensat(AT_FDCWD, P("sticky/roots"), t2, 0)); a4 = r(utimensat(AT_FDCWD, P("open/new2"), t2, 0));
  printf("user: utimensat now on r-only=%s on writable=%s; explicit on not-owned=%s own=%s\n", a1, a2, a3, a4);
  return 0;
}
