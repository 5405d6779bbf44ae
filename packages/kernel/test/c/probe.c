/* Exercises the syscalls a libc start-up and small programs use, printing what it sees.
   probe FILE [EXITCODE]   open/read/fstat FILE, mmap, malloc, clocks; exit with EXITCODE
   probe -                 copy stdin to stdout, then print the byte count
   probe abort | segv      die by SIGABRT / SIGSEGV */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int copy_stdin(void) {
  char buf[256];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    write(1, buf, (size_t)n);
    total += n;
  }
  printf("copied %ld bytes\n", total);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-") == 0) return copy_stdin();
  if (argc > 1 && strcmp(argv[1], "abort") == 0) { fflush(stdout); abort(); }
  if (argc > 1 && strcmp(argv[1], "segv") == 0) { *(volatile int *)16 = 1; return 1; }
  printf("argc=%d argv1=%s\n", argc, argc > 1 ? argv[1] : "(none)");
  printf("env ELFBOX_T=%s\n", getenv("ELFBOX_T") ? getenv("ELFBOX_T") : "(unset)");
  struct utsname u;
  if (uname(&u) == 0) printf("uname %s %s\n", u.sysname, u.machine);
  char exe[256];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) { exe[n] = 0; printf("exe=%s\n", exe); }
  if (argc > 1) {
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) printf("open failed: %s\n", strerror(errno));
    else {
      char buf[64];
      ssize_t r = read(fd, buf, sizeof buf - 1);
      buf[r > 0 ? r : 0] = 0;
      struct stat st;
      fstat(fd, &st);
      printf("read %zd bytes, size %lld, regular %d: %s", r, (long long)st.st_size, S_ISREG(st.st_mode), buf);
      close(fd);
    }
  }
  int bad = open("/nonexistent/file", O_RDONLY);
  printf("open missing: %d errno=%d\n", bad, errno);
  char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0] = 'a'; p[2 * 4096] = 'c';
  munmap(p + 4096, 4096);
  printf("mmap ok %c%c\n", p[0], p[2 * 4096]);
  void *m = malloc(1 << 20);
  memset(m, 1, 1 << 20);
  free(m);
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  printf("clock ok %d\n", ts.tv_sec > 0 || ts.tv_nsec > 0);
  char cwd[512];
  printf("getcwd ok %d\n", getcwd(cwd, sizeof cwd) != NULL);
  printf("pid>0 %d\n", getpid() > 0);
  fflush(stdout);
  return argc > 2 ? atoi(argv[2]) : 0;
}
