/* sendfile and copy_file_range: more than 1 MiB per call, offset pointer semantics, the input
 * position after a short transfer into a non-blocking pipe. usage: sendfile DIR */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned sum(const char *p) {
  int fd = open(p, O_RDONLY);
  unsigned h = 2166136261u; unsigned char b[65536]; ssize_t n;
  while ((n = read(fd, b, sizeof b)) > 0) for (ssize_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
  close(fd);
  return h;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char src[4096], dst[4096], dst2[4096];
  snprintf(src, sizeof src, "%s/src", argv[1]);
  snprintf(dst, sizeof dst, "%s/dst", argv[1]);
  snprintf(dst2, sizeof dst2, "%s/dst2", argv[1]);
  const long SZ = 3 * 1024 * 1024 + 12345;
  char *buf = malloc(SZ);
  for (long i = 0; i < SZ; i++) buf[i] = (char)(i * 2654435761u >> 13);
  int s = open(src, O_CREAT | O_RDWR | O_TRUNC, 0644);
  write(s, buf, SZ);
  lseek(s, 0, SEEK_SET);
  int d = open(dst, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  /* no offset pointer: one call moves everything and the input position follows */
  ssize_t n = sendfile(d, s, NULL, SZ + 1000);
  printf("sendfile all: n=%zd pos=%ld\n", n, (long)lseek(s, 0, SEEK_CUR));
  close(d);
  printf("same content: %d\n", sum(src) == sum(dst));
  /* an offset pointer: *off advances, the input position does not move */
  lseek(s, 7, SEEK_SET);
  d = open(dst2, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  off_t off = 100;
  n = sendfile(d, s, &off, 2500000);
  printf("sendfile off: n=%zd off=%ld pos=%ld\n", n, (long)off, (long)lseek(s, 0, SEEK_CUR));
  off = SZ - 10;
  n = sendfile(d, s, &off, 1000);
  printf("sendfile near eof: n=%zd off=%ld\n", n, (long)off);
  n = sendfile(d, s, &off, 1000);
  printf("sendfile at eof: n=%zd off=%ld\n", n, (long)off);
  off = -1;
  n = sendfile(d, s, &off, 10);
  printf("sendfile negative off: n=%zd einval=%d\n", n, errno == EINVAL);
  close(d);
  struct stat st;
  stat(dst2, &st);
  printf("dst2 size=%ld\n", (long)st.st_size);
  /* into a non-blocking pipe: a short transfer, and the position moves by what was sent */
  int p[2];
  pipe2(p, O_NONBLOCK);
  lseek(s, 0, SEEK_SET);
  n = sendfile(p[1], s, NULL, 2 * 1024 * 1024);
  printf("sendfile pipe: n=%zd pos-matches=%d\n", n, lseek(s, 0, SEEK_CUR) == n);
  n = sendfile(p[1], s, NULL, 100);
  printf("sendfile full pipe: n=%zd eagain=%d\n", n, errno == EAGAIN);
  /* copy_file_range: several MiB in one call */
  int d3 = open(dst, O_WRONLY | O_TRUNC);
  loff_t in = 0, outp = 0;
  n = copy_file_range(s, &in, d3, &outp, SZ, 0);
  printf("copy_file_range: n=%zd in=%ld out=%ld\n", n, (long)in, (long)outp);
  close(d3);
  printf("same content: %d\n", sum(src) == sum(dst));
  return 0;
}
