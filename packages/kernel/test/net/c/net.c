// Socket tests for elfbox: each mode prints what it observes; the test compares with a native run.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define E(x) ({ long _r = (long)(x); _r < 0 ? -errno : (int)_r; })
static const char *en(int e) { static char b[4][32]; static int k; if (e >= 0) { k = (k + 1) % 4; snprintf(b[k], sizeof b[k], "%d", e); return b[k]; } return strerror(-e); }

static int got_pipe;
static void on_pipe(int s) { (void)s; got_pipe++; }

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  size_t n = strlen(name);
  memcpy(a->sun_path + 1, name, n);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int send_fd(int s, int fd, const char *msg) {
  struct iovec iov = { (void *)msg, strlen(msg) };
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = { 0 };
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = sizeof u.b;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return E(sendmsg(s, &m, 0));
}

static int recv_fd(int s, char *buf, size_t len, int *fd) {
  struct iovec iov = { buf, len };
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = { 0 };
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = sizeof u.b;
  int n = recvmsg(s, &m, 0);
  if (n < 0) return -errno;
  *fd = -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (c && c->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(c), sizeof(int));
  return n;
}

static void pair_tests(void) {
  int sv[2];
  char buf[64];
  printf("socketpair=%s\n", en(E(socketpair(AF_UNIX, SOCK_STREAM, 0, sv))));
  printf("write=%s\n", en(E(write(sv[0], "hello", 5))));
  int avail = -1; ioctl(sv[1], FIONREAD, &avail); printf("fionread=%d\n", avail);
  printf("peek=%s\n", en(E(recv(sv[1], buf, 3, MSG_PEEK))));
  int n = read(sv[1], buf, sizeof buf); printf("read=%d %.*s\n", n, n, buf);
  printf("dontwait=%s\n", en(E(recv(sv[1], buf, 1, MSG_DONTWAIT))));
  int t = 0; socklen_t tl = sizeof t;
  getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &t, &tl); printf("so_type=%d len=%d\n", t, (int)tl);
  getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &t, &tl); printf("so_domain=%d\n", t);
  struct pollfd p = { sv[1], POLLIN | POLLOUT, 0 };
  int pr = poll(&p, 1, 0);
  printf("poll=%d rev=%x\n", pr, p.revents);
  printf("shutdown_wr=%s\n", en(E(shutdown(sv[0], SHUT_WR))));
  printf("eof=%s\n", en(E(read(sv[1], buf, sizeof buf))));
  printf("reverse=%s\n", en(E(write(sv[1], "back", 4))));
  n = read(sv[0], buf, sizeof buf); printf("got=%d %.*s\n", n, n, buf);
  int wr = E(send(sv[0], "x", 1, MSG_NOSIGNAL));
  printf("write_after_shut=%s pipe=%d\n", en(wr), got_pipe);
  close(sv[1]);
  wr = E(write(sv[0], "x", 1));
  printf("write_closed=%s pipe=%d\n", en(wr), got_pipe);
  close(sv[0]);

  // seqpacket keeps boundaries, dgram truncates
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
  write(sv[0], "one", 3); write(sv[0], "three", 5);
  int q1 = E(read(sv[1], buf, 64)), q2 = E(read(sv[1], buf, 64));
  printf("seq1=%s seq2=%s\n", en(q1), en(q2));
  close(sv[0]); close(sv[1]);
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  write(sv[0], "abcdef", 6);
  printf("trunc=%s\n", en(E(recv(sv[1], buf, 2, MSG_TRUNC))));
  close(sv[0]); close(sv[1]);

  // SCM_RIGHTS: pass a pipe's read end
  int pf[2]; pipe(pf);
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  printf("sendfd=%s\n", en(send_fd(sv[0], pf[0], "fd!")));
  close(pf[0]);
  write(pf[1], "through pipe", 12); close(pf[1]);
  int fd = -1;
  n = recv_fd(sv[1], buf, sizeof buf, &fd);
  printf("recvfd=%d %.*s fd_ok=%d\n", n, n > 0 ? n : 0, buf, fd > 2);
  n = read(fd, buf, sizeof buf); printf("via_fd=%d %.*s\n", n, n > 0 ? n : 0, buf);
  close(fd); close(sv[0]); close(sv[1]);

  // nonblocking fill: EAGAIN once the buffer is full
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  static char big[65536];
  long total = 0; int r;
  while ((r = write(sv[0], big, sizeof big)) > 0) total += r;
  printf("fill_err=%s filled=%d\n", en(-errno), total > 100000);
  close(sv[0]); close(sv[1]);
}

static void error_tests(void) {
  int pf[2]; pipe(pf);
  struct sockaddr_un a; socklen_t al = abstract_addr(&a, "elfbox-test-missing");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("enotsock=%s\n", en(E(listen(pf[0], 1))));
  printf("eafnosupport=%s\n", en(E(socket(12345, SOCK_STREAM, 0))));
  printf("econnrefused_unix=%s\n", en(E(connect(s, (struct sockaddr *)&a, al))));
  printf("getpeername=%s\n", en(E(getpeername(s, (struct sockaddr *)&a, &al))));
  printf("accept_nolisten=%s\n", en(E(accept(s, NULL, NULL))));
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  printf("listen_dgram=%s\n", en(E(listen(d, 1))));
  printf("socketpair_inet=%s\n", en(E(socketpair(AF_INET, SOCK_STREAM, 0, pf))));
  al = abstract_addr(&a, "elfbox-test-dup");
  int b1 = socket(AF_UNIX, SOCK_STREAM, 0), b2 = socket(AF_UNIX, SOCK_STREAM, 0);
  int r1 = E(bind(b1, (struct sockaddr *)&a, al)), r2 = E(bind(b2, (struct sockaddr *)&a, al));
  printf("bind1=%s bind2=%s\n", en(r1), en(r2));
  int ti = socket(AF_INET, SOCK_STREAM, 0);
  printf("send_unconnected=%s\n", en(E(send(ti, "x", 1, MSG_NOSIGNAL))));
  int one = 1;
  printf("nodelay=%s\n", en(E(setsockopt(ti, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one))));
  int v = 0; socklen_t vl = sizeof v;
  getsockopt(ti, IPPROTO_TCP, TCP_NODELAY, &v, &vl); printf("nodelay_get=%d\n", v);
  printf("badopt_level=%s\n", en(E(setsockopt(ti, 12345, 1, &one, sizeof one))));
}

static void unix_fork(void) {
  struct sockaddr_un a; socklen_t al = abstract_addr(&a, "elfbox-test-srv");
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  int r1 = E(bind(l, (struct sockaddr *)&a, al)), r2 = E(listen(l, 4));
  printf("bind=%s listen=%s\n", en(r1), en(r2));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, al) < 0) _exit(10);
    int pf[2]; pipe(pf);
    write(pf[1], "child pipe", 10); close(pf[1]);
    send_fd(c, pf[0], "ping");
    char b[16]; int n = read(c, b, sizeof b);
    _exit(n == 4 && !memcmp(b, "pong", 4) ? 0 : 11);
  }
  int s = accept(l, NULL, NULL);
  char buf[64]; int fd = -1;
  int n = recv_fd(s, buf, sizeof buf, &fd);
  printf("server got=%.*s fd_ok=%d\n", n, buf, fd > 2);
  n = read(fd, buf, sizeof buf); printf("fd read=%.*s\n", n, buf);
  write(s, "pong", 4);
  int st; waitpid(pid, &st, 0);
  printf("child=%d\n", WEXITSTATUS(st));
}

static int tcp_listener(struct sockaddr_in *a) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1; setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET; a->sin_addr.s_addr = htonl(INADDR_LOOPBACK); a->sin_port = 0;
  if (bind(l, (struct sockaddr *)a, sizeof *a) < 0) { perror("bind"); exit(2); }
  if (listen(l, 16) < 0) { perror("listen"); exit(2); }
  socklen_t al = sizeof *a;
  getsockname(l, (struct sockaddr *)a, &al);
  return l;
}

static void tcp_echo(void) {
  struct sockaddr_in a;
  int l = tcp_listener(&a);
  printf("port_nonzero=%d family=%d\n", a.sin_port != 0, a.sin_family);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) _exit(10);
    char msg[3000]; for (int i = 0; i < 3000; i++) msg[i] = 'a' + i % 26;
    write(c, msg, sizeof msg);
    shutdown(c, SHUT_WR);
    char b[4000]; int got = 0, n;
    while ((n = read(c, b + got, sizeof b - got)) > 0) got += n;
    _exit(got == 3000 && !memcmp(b, msg, 3000) ? 0 : 11);
  }
  struct sockaddr_in peer; socklen_t pl = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &pl);
  printf("accepted peer=%s pl=%d\n", inet_ntoa(peer.sin_addr), (int)pl);
  char b[8192]; int got = 0, n;
  while ((n = read(s, b + got, sizeof b - got)) > 0) got += n;
  printf("server got=%d\n", got);
  int w = 0; while (w < got) w += write(s, b + w, got - w);
  close(s);
  int st; waitpid(pid, &st, 0);
  printf("child=%d\n", WEXITSTATUS(st));
  // the same within one process: nonblocking connect to our listener
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = E(connect(c, (struct sockaddr *)&a, sizeof a));
  printf("nb_connect=%s\n", r == -EINPROGRESS || r == 0 ? "ok" : en(r));
  struct pollfd p = { c, POLLOUT, 0 };
  poll(&p, 1, 5000);
  int err = -1; socklen_t el = sizeof err;
  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
  printf("so_error=%d pollout=%d\n", err, !!(p.revents & POLLOUT));
  int s2 = accept(l, NULL, NULL);
  write(c, "hi", 2);
  n = read(s2, b, sizeof b); printf("same-process=%.*s\n", n, b);
  close(c); close(s2);
  // closed port: ECONNREFUSED (blocking and non-blocking)
  close(l);
  int c2 = socket(AF_INET, SOCK_STREAM, 0);
  printf("refused=%s\n", en(E(connect(c2, (struct sockaddr *)&a, sizeof a))));
  int c3 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  r = E(connect(c3, (struct sockaddr *)&a, sizeof a));
  p.fd = c3; p.events = POLLOUT; p.revents = 0;
  poll(&p, 1, 5000);
  el = sizeof err; getsockopt(c3, SOL_SOCKET, SO_ERROR, &err, &el);
  printf("nb_refused connect=%s err=%s pollerr=%d\n", en(r), strerror(err), !!(p.revents & POLLERR));
}

static void udp(void) {
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in aa = { 0 }, ba = { 0 }, from;
  aa.sin_family = ba.sin_family = AF_INET;
  aa.sin_addr.s_addr = ba.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t l = sizeof aa;
  bind(a, (struct sockaddr *)&aa, l); getsockname(a, (struct sockaddr *)&aa, &l);
  bind(b, (struct sockaddr *)&ba, l); getsockname(b, (struct sockaddr *)&ba, &l);
  char buf[64];
  for (int i = 0; i < 3; i++) {
    sendto(a, "ping", 4, 0, (struct sockaddr *)&ba, sizeof ba);
    l = sizeof from;
    int n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &l);
    printf("b got %.*s from_a=%d\n", n, buf, from.sin_port == aa.sin_port);
    sendto(b, "pong", 4, 0, (struct sockaddr *)&from, l);
    n = recv(a, buf, sizeof buf, 0);
    printf("a got %.*s\n", n, buf);
  }
  printf("empty=%s\n", en(E(recv(a, buf, sizeof buf, MSG_DONTWAIT))));
}

// A server for a host client: accept one connection, read to EOF, answer the bytes uppercased.
static int serve(int port) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1; setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = htons(port);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0) { perror("serve"); return 2; }
  int s = accept(l, NULL, NULL);
  char b[65536]; int got = 0, n;
  while ((n = read(s, b + got, sizeof b - got)) > 0) got += n;
  for (int i = 0; i < got; i++) if (b[i] >= 'a' && b[i] <= 'z') b[i] -= 32;
  write(s, b, got);
  close(s);
  printf("served %d\n", got);
  return 0;
}

// A client of a host server on port: send a line, half-close, print the answer.
static int client(int port, int v6) {
  int c = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  int r;
  if (v6) {
    struct sockaddr_in6 a = { 0 };
    a.sin6_family = AF_INET6; a.sin6_addr = in6addr_loopback; a.sin6_port = htons(port);
    r = connect(c, (struct sockaddr *)&a, sizeof a);
  } else {
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = htons(port);
    r = connect(c, (struct sockaddr *)&a, sizeof a);
  }
  if (r < 0) { printf("connect: %s\n", strerror(errno)); return 1; }
  write(c, "hello from the guest\n", 21);
  shutdown(c, SHUT_WR);
  char b[256]; int got = 0, n;
  while ((n = read(c, b + got, sizeof b - got)) > 0) got += n;
  printf("reply: %.*s", got, b);
  return 0;
}

static void netpolicy(void) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET; a.sin_addr.s_addr = inet_addr("192.0.2.1"); a.sin_port = htons(9);
  int fl = fcntl(c, F_GETFL); fcntl(c, F_SETFL, fl | O_NONBLOCK);
  printf("connect_remote=%s\n", en(E(connect(c, (struct sockaddr *)&a, sizeof a))));
  int d = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = 0;
  printf("bind_loopback=%s\n", en(E(bind(d, (struct sockaddr *)&a, sizeof a))));
}

int main(int argc, char **argv) {
  signal(SIGPIPE, on_pipe);
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *m = argc > 1 ? argv[1] : "pair";
  if (!strcmp(m, "pair")) pair_tests();
  else if (!strcmp(m, "errors")) error_tests();
  else if (!strcmp(m, "unixfork")) unix_fork();
  else if (!strcmp(m, "tcp")) tcp_echo();
  else if (!strcmp(m, "udp")) udp();
  else if (!strcmp(m, "serve")) return serve(atoi(argv[2]));
  else if (!strcmp(m, "client")) return client(atoi(argv[2]), 0);
  else if (!strcmp(m, "client6")) return client(atoi(argv[2]), 1);
  else if (!strcmp(m, "policy")) netpolicy();
  return 0;
}
