/* fcntl record locks between processes: fork does not inherit POSIX locks; closing any fd of the
 * file drops the process's POSIX locks on it (not OFD locks); F_SETLKW that would deadlock two
 * processes fails with EDEADLK on one side. usage: locks DIR */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int lk(int fd, int cmd, int type, off_t start, off_t len) {
  struct flock f;
  memset(&f, 0, sizeof f);
  f.l_type = type; f.l_whence = SEEK_SET; f.l_start = start; f.l_len = len;
  return fcntl(fd, cmd, &f);
}
static const char *getlk(int fd, int cmd, pid_t parent) {
  struct flock f;
  memset(&f, 0, sizeof f);
  f.l_type = F_WRLCK; f.l_whence = SEEK_SET; f.l_start = 0; f.l_len = 0;
  if (fcntl(fd, cmd, &f) < 0) return "error";
  if (f.l_type == F_UNLCK) return "unlocked";
  if (f.l_pid == parent) return "locked-by-parent";
  if (f.l_pid == -1) return "locked-ofd";
  return "locked-other";
}
static void msleep(int ms) { struct timespec d = { 0, ms * 1000000L }; nanosleep(&d, NULL); }
static void tell(int fd) { char c = 'x'; write(fd, &c, 1); }
static void hear(int fd) { char c; read(fd, &c, 1); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  alarm(20); /* a hang is a failure, never a stuck test */
  char path[4096];
  snprintf(path, sizeof path, "%s/lockfile", argv[1]);
  int fd = open(path, O_CREAT | O_RDWR, 0644);
  write(fd, "0123456789", 10);
  pid_t me = getpid();
  int toc[2], top[2];
  pipe(toc); pipe(top);

  printf("parent setlk: %d\n", lk(fd, F_SETLK, F_WRLCK, 0, 0));
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    /* 1. the child does not own the parent's lock */
    printf("child getlk: %s\n", getlk(fd, F_GETLK, me));
    printf("child setlk: %s\n", lk(fd, F_SETLK, F_WRLCK, 0, 1) < 0 && (errno == EAGAIN || errno == EACCES) ? "EAGAIN" : "granted");
    fflush(stdout);
    tell(top[1]); hear(toc[0]);
    /* 2. after the parent closed another fd of the file */
    printf("child getlk after parent's close: %s\n", getlk(fd, F_GETLK, me));
    fflush(stdout);
    tell(top[1]); hear(toc[0]);
    /* 3. OFD lock of the parent survives the parent closing another fd */
    printf("child ofd getlk: %s\n", getlk(fd, F_OFD_GETLK, me));
    fflush(stdout);
    _exit(0);
  }
  hear(top[0]);
  int fd2 = open(path, O_RDONLY);
  close(fd2);
  tell(toc[1]); hear(top[0]);
  int ofd = open(path, O_RDWR);
  printf("parent ofd setlk: %d\n", lk(ofd, F_OFD_SETLK, F_WRLCK, 0, 0));
  int fd3 = open(path, O_RDONLY);
  close(fd3);
  fflush(stdout);
  tell(toc[1]);
  int st;
  waitpid(c, &st, 0);
  close(ofd);

  /* 4. deadlock: the parent holds byte 0, the child byte 1; each then waits for the other's */
  printf("parent lock byte 0: %d\n", lk(fd, F_SETLK, F_WRLCK, 0, 1));
  fflush(stdout);
  c = fork();
  if (c == 0) {
    lk(fd, F_SETLK, F_WRLCK, 1, 1);
    tell(top[1]);
    int r = lk(fd, F_SETLKW, F_WRLCK, 0, 1);
    int dead = r < 0 && errno == EDEADLK;
    if (dead) { tell(top[1]); hear(toc[0]); }
    _exit(dead ? 3 : r == 0 ? 0 : 1);
  }
  hear(top[0]);
  msleep(300); /* the child is (almost surely) waiting now; either way exactly one side sees EDEADLK */
  int r = lk(fd, F_SETLKW, F_WRLCK, 1, 1);
  int pdead = r < 0 && errno == EDEADLK;
  if (pdead) lk(fd, F_SETLK, F_UNLCK, 0, 1); /* lets the child through */
  else { hear(top[0]); lk(fd, F_SETLK, F_UNLCK, 0, 0); tell(toc[1]); }
  waitpid(c, &st, 0);
  int cdead = WIFEXITED(st) && WEXITSTATUS(st) == 3;
  printf("deadlock: EDEADLK on exactly one side=%d child-status-ok=%d\n", pdead + cdead == 1, WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3));
  return 0;
}
