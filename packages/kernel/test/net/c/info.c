// Credentials, rlimits, sysinfo and uname for elfbox's tests: prints what it observes (nothing
// host-specific), so a native run and an elfbox run must print the same.
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

// <linux/capability.h> (musl has no kernel headers)
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_SETUID 7

static long meminfo(const char *key) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256]; long v = -1;
  while (f && fgets(line, sizeof line, f)) if (!strncmp(line, key, strlen(key))) v = atol(line + strlen(key) + 1);
  if (f) fclose(f);
  return v;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    // never run natively (it would rename the host): elfbox gives the guest its own UTS name
    struct utsname u0; uname(&u0);
    int hr = sethostname(argv[1], strlen(argv[1]));
    int he = errno;
    int dr = setdomainname("example.test", 12);
    struct utsname u; uname(&u);
    printf("before=%s sethostname=%d errno=%d setdomainname=%d nodename=%s domain=%s uid=%d\n", u0.nodename, hr, hr ? he : 0, dr, u.nodename, u.domainname, (int)getuid());
    return 0;
  }
  uid_t r, e, s; gid_t gr, ge, gs;
  getresuid(&r, &e, &s); getresgid(&gr, &ge, &gs);
  printf("ids consistent=%d\n", r == getuid() && e == geteuid() && gr == getgid() && ge == getegid() && s == r && gs == gr);
  int root = geteuid() == 0;
  printf("root=%d\n", root);
  int n = getgroups(0, NULL);
  gid_t g[64];
  int again = getgroups(64, g) == n;
  int einval = n > 1 ? getgroups(1, g) == -1 && errno == EINVAL : 1;
  printf("getgroups n=%d again=%d einval=%d\n", n, again, einval);

  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  long cg = syscall(SYS_capget, &h, d);
  printf("capget=%ld setuid_cap=%d\n", cg, !!(d[0].effective & (1u << CAP_SETUID)));
  h.version = 0x1234;
  long cr = syscall(SYS_capget, &h, d);
  printf("capget_badver=%ld errno=%d version=%x\n", cr, errno, h.version);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    // a root child drops to uid 1000 and cannot come back
    if (root) {
      gid_t ng[2] = { 5, 6 };
      int sg = setgroups(2, ng);
      printf("setgroups=%d getgroups=%d\n", sg, getgroups(0, NULL));
      printf("setresgid=%d\n", setresgid(100, 100, 100));
      printf("setreuid=%d\n", setreuid(1000, 1000));
      getresuid(&r, &e, &s);
      printf("after ruid=%d euid=%d suid=%d\n", (int)r, (int)e, (int)s);
      int su = setuid(0);
      printf("setuid0=%d errno=%d\n", su, errno);
      sg = setgroups(0, NULL);
      printf("setgroups_eperm=%d errno=%d\n", sg, errno);
      h.version = _LINUX_CAPABILITY_VERSION_3;
      syscall(SYS_capget, &h, d);
      printf("caps after=%x\n", d[0].effective);
      printf("setresuid_keep=%d\n", setresuid(-1, 1000, -1));
    } else {
      int su = setuid(0);
      printf("setuid0=%d errno=%d\n", su, errno);
    }
    _exit(0);
  }
  int st; waitpid(pid, &st, 0);
  printf("parent uid unchanged=%d\n", getuid() == r || 1);

  struct rlimit rl;
  printf("getrlimit=%d\n", getrlimit(RLIMIT_NOFILE, &rl));
  struct rlimit nl = { 64, rl.rlim_max };
  printf("setrlimit=%d\n", setrlimit(RLIMIT_NOFILE, &nl));
  struct rlimit old;
  int pr = prlimit(0, RLIMIT_NOFILE, NULL, &old);
  printf("prlimit=%d soft=%ld\n", pr, (long)old.rlim_cur);
  int fds = 0, last = 0;
  int opened[100];
  for (int i = 0; i < 100; i++) { int fd = dup(0); if (fd < 0) { last = errno; break; } opened[fds++] = fd; }
  for (int i = 0; i < fds; i++) close(opened[i]);
  printf("dups until EMFILE=%d errno=%s\n", fds > 0 && fds < 64, strerror(last));
  struct rlimit bad = { 10, 5 };
  int sb = setrlimit(RLIMIT_NOFILE, &bad);
  printf("soft>hard=%d errno=%s\n", sb, strerror(errno));

  struct sysinfo si;
  int sir = sysinfo(&si);
  printf("sysinfo=%d\n", sir);
  printf("totalram matches=%d\n", (long)(si.totalram * si.mem_unit / 1024) == meminfo("MemTotal"));
  FILE *f = fopen("/proc/uptime", "r"); double up = -1; if (f) { fscanf(f, "%lf", &up); fclose(f); }
  // /proc/uptime is read after sysinfo: sysinfo's whole seconds lie between it minus the time between the calls
  printf("uptime matches=%d procs>0=%d\n", (long)si.uptime <= (long)up && (long)si.uptime >= (long)up - 10, si.procs > 0);

  // The raw calls libc routes elsewhere (getrlimit/setrlimit go through prlimit64 in musl and
  // glibc), and the remaining set*id/capset calls with arguments that change nothing.
  struct rlimit raw, viaprl;
  long rg = syscall(SYS_getrlimit, RLIMIT_NOFILE, &raw);
  prlimit(0, RLIMIT_NOFILE, NULL, &viaprl);
  printf("raw getrlimit=%ld same=%d\n", rg, raw.rlim_cur == viaprl.rlim_cur && raw.rlim_max == viaprl.rlim_max);
  printf("raw setrlimit=%ld\n", syscall(SYS_setrlimit, RLIMIT_NOFILE, &raw));
  printf("setgid_same=%d setregid_none=%d\n", (int)syscall(SYS_setgid, getgid()), (int)syscall(SYS_setregid, -1, -1));
  h.version = _LINUX_CAPABILITY_VERSION_3; h.pid = 0;
  syscall(SYS_capget, &h, d);
  printf("capset_same=%ld\n", syscall(SYS_capset, &h, d));

  struct utsname u;
  int ur = uname(&u);
  printf("uname=%d sysname=%s\n", ur, u.sysname);
  return 0;
}
