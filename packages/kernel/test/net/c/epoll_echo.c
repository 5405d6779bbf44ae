// An edge-triggered epoll echo server for elfbox's load test: non-blocking sockets, EPOLLET,
// every read and write loops until EAGAIN. Each connection's bytes are echoed back; when the
// client half-closes and everything is written back, the connection is closed. After `count`
// connections the server prints what it saw and exits.
//   epoll_echo PORT COUNT
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn { int fd; char *buf; size_t len, cap, off; int eof; };

static void die(const char *what) { fprintf(stderr, "%s: %s\n", what, strerror(errno)); exit(2); }

static void conn_close(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->buf);
  free(c);
}

// Reads until EAGAIN or EOF, then writes until EAGAIN or done. Returns 1 when the connection is finished.
static int service(struct conn *c, long *bytes) {
  for (;;) {
    if (c->cap - c->len < 4096) { c->cap = c->cap * 2 + 8192; c->buf = realloc(c->buf, c->cap); }
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (n > 0) { c->len += n; *bytes += n; continue; }
    if (n == 0) { c->eof = 1; break; }
    if (errno == EAGAIN) break;
    if (errno == EINTR) continue;
    die("read");
  }
  while (c->off < c->len) {
    ssize_t n = write(c->fd, c->buf + c->off, c->len - c->off);
    if (n > 0) { c->off += n; continue; }
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0 && errno == EINTR) continue;
    die("write");
  }
  if (c->off == c->len) { c->off = c->len = 0; }
  return c->eof && c->len == 0;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: epoll_echo PORT COUNT\n"); return 2; }
  int port = atoi(argv[1]), want = atoi(argv[2]);
  int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = htons(port);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  if (listen(l, 256) < 0) die("listen");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.ptr = NULL };
  if (epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) < 0) die("epoll_ctl");
  printf("listening\n");
  fflush(stdout);
  int done = 0, accepted = 0, maxlive = 0, live = 0;
  long bytes = 0, waits = 0;
  struct epoll_event evs[64];
  while (done < want) {
    int n = epoll_wait(ep, evs, 64, -1);
    if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
    waits++;
    for (int i = 0; i < n; i++) {
      struct conn *c = evs[i].data.ptr;
      if (!c) {
        for (;;) {
          int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
          if (s < 0) { if (errno == EAGAIN) break; if (errno == EINTR) continue; die("accept4"); }
          struct conn *nc = calloc(1, sizeof *nc);
          nc->fd = s;
          struct epoll_event e = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = nc };
          if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &e) < 0) die("epoll_ctl add");
          accepted++;
          if (++live > maxlive) maxlive = live;
        }
        continue;
      }
      if (evs[i].events & EPOLLERR) { fprintf(stderr, "EPOLLERR on a connection\n"); return 3; }
      if (service(c, &bytes)) { conn_close(ep, c); live--; done++; }
    }
  }
  printf("served %d connections, %ld bytes, max_concurrent=%d\n", done, bytes, maxlive);
  fprintf(stderr, "epoll_waits=%ld\n", waits);
  return 0;
}
