/* The xattr family. usage: xattr host DIR (a directory on a disk file system: no attributes
 * anywhere, only reads) | xattr mem DIR (a tmpfs directory: set, get, list, remove). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *en(long r) {
  if (r >= 0) return "ok";
  switch (errno) {
    case ENODATA: return "ENODATA"; case EOPNOTSUPP: return "EOPNOTSUPP"; case ERANGE: return "ERANGE";
    case EINVAL: return "EINVAL"; case ENOENT: return "ENOENT"; case EEXIST: return "EEXIST"; case E2BIG: return "E2BIG";
    case EPERM: return "EPERM"; case EBADF: return "EBADF"; default: return strerror(errno);
  }
}
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void show_list(const char *what, char *buf, long n) {
  char *names[64]; int k = 0;
  for (long o = 0; o < n && k < 64; o += strlen(buf + o) + 1) names[k++] = buf + o;
  qsort(names, k, sizeof *names, cmp);
  printf("%s: n=%ld [", what, n);
  for (int i = 0; i < k; i++) printf("%s%s", i ? " " : "", names[i]);
  printf("]\n");
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  char f[4096], l[4096], buf[256];
  snprintf(f, sizeof f, "%s/file", argv[2]);
  snprintf(l, sizeof l, "%s/link", argv[2]);
  close(open(f, O_CREAT | O_WRONLY, 0644));
  symlink("file", l);
  int p[2];
  pipe(p);
  long r;
  if (strcmp(argv[1], "host") == 0) {
    r = getxattr(argv[2], "user.x", buf, sizeof buf); printf("getxattr dir user.x: %s\n", en(r));
    r = lgetxattr(f, "security.selinux", buf, sizeof buf); printf("lgetxattr security.selinux: %s\n", en(r));
    r = getxattr(f, "system.posix_acl_access", NULL, 0); printf("getxattr acl: %s\n", en(r));
    r = listxattr(f, buf, sizeof buf); printf("listxattr: %ld\n", r);
    r = llistxattr(l, NULL, 0); printf("llistxattr link size: %ld\n", r);
    r = getxattr(f, "foo.bar", buf, sizeof buf); printf("unknown namespace: %s\n", en(r));
    r = getxattr(f, "user.", buf, sizeof buf); printf("bare prefix: %s\n", en(r));
    r = getxattr(f, "", buf, sizeof buf); printf("empty name: %s\n", en(r));
    r = getxattr("/nonexistent/x", "user.x", buf, sizeof buf); printf("missing file: %s\n", en(r));
    r = fgetxattr(p[0], "user.x", buf, sizeof buf); printf("fgetxattr pipe: %s\n", en(r));
    r = flistxattr(p[0], buf, sizeof buf); printf("flistxattr pipe: %ld\n", r);
    r = fgetxattr(99, "user.x", buf, sizeof buf); printf("fgetxattr bad fd: %s\n", en(r));
    return 0;
  }
  r = setxattr(f, "user.color", "blue", 4, 0); printf("set user.color: %s\n", en(r));
  r = setxattr(f, "user.color", "red", 3, XATTR_CREATE); printf("create existing: %s\n", en(r));
  r = setxattr(f, "user.size", "9", 1, XATTR_REPLACE); printf("replace missing: %s\n", en(r));
  r = setxattr(f, "user.color", "green", 5, XATTR_REPLACE); printf("replace: %s\n", en(r));
  r = setxattr(f, "trusted.t", "T", 1, 0); printf("set trusted (root): %s\n", en(r));
  r = setxattr(f, "user.e", "", 0, 0); printf("set empty value: %s\n", en(r));
  r = setxattr(f, "user.x", "v", 1, 4); printf("bad flags: %s\n", en(r));
  r = lsetxattr(l, "user.x", "v", 1, 0); printf("user. on a symlink: %s\n", en(r));
  r = getxattr(f, "user.color", NULL, 0); printf("get size: %ld\n", r);
  r = getxattr(f, "user.color", buf, 2); printf("get small buffer: %s\n", en(r));
  memset(buf, 0, sizeof buf);
  r = getxattr(l, "user.color", buf, sizeof buf); printf("get through link: %ld %s\n", r, buf);
  r = getxattr(f, "user.e", buf, sizeof buf); printf("get empty: %ld\n", r);
  r = listxattr(f, NULL, 0); printf("list size: %ld\n", r);
  r = listxattr(f, buf, 3); printf("list small buffer: %s\n", en(r));
  r = listxattr(f, buf, sizeof buf); show_list("list", buf, r);
  int fd = open(f, O_RDONLY);
  r = fsetxattr(fd, "user.fd", "1", 1, 0); printf("fsetxattr: %s\n", en(r));
  r = flistxattr(fd, buf, sizeof buf); show_list("flist", buf, r);
  r = fremovexattr(fd, "user.fd"); printf("fremovexattr: %s\n", en(r));
  r = removexattr(f, "user.color"); printf("remove: %s\n", en(r));
  r = removexattr(f, "user.color"); printf("remove again: %s\n", en(r));
  r = getxattr(f, "user.color", buf, sizeof buf); printf("get removed: %s\n", en(r));
  r = setxattr(argv[2], "user.d", "dir", 3, 0); printf("set on dir: %s\n", en(r));
  r = listxattr(argv[2], buf, sizeof buf); show_list("dir list", buf, r);
  char *big = calloc(1, 70000);
  r = setxattr(f, "user.big", big, 70000, 0); printf("value too big: %s\n", en(r));
  return 0;
}
