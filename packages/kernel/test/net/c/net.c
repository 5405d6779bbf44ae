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
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

// epoll edge-triggered vs level-triggered, EPOLLONESHOT and EPOLLRDHUP on a socketpair and on TCP.
static int ew(int ep, int ms) {
  struct epoll_event e[4];
  int n = epoll_wait(ep, e, 4, ms);
  return n <= 0 ? n : (n << 16) | (int)(e[0].events & 0xffff);
}

static void epoll_et(void) {
  int sv[2]; char buf[64];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  int et = epoll_create1(0), lt = epoll_create1(0);
  struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET };
  epoll_ctl(et, EPOLL_CTL_ADD, sv[1], &e);
  e.events = EPOLLIN;
  epoll_ctl(lt, EPOLL_CTL_ADD, sv[1], &e);
  printf("et_empty=%x\n", ew(et, 0));
  write(sv[0], "hello", 5);
  int a = ew(et, 0), b = ew(et, 0);
  printf("et_first=%x et_again=%x lt=%x lt_again=%x\n", a, b, ew(lt, 0), ew(lt, 0));
  read(sv[1], buf, 2);
  printf("et_after_partial_read=%x lt=%x\n", ew(et, 0), ew(lt, 0));
  write(sv[0], "x", 1);
  a = ew(et, 0); b = ew(et, 0);
  printf("et_new_data=%x et_again=%x\n", a, b);
  while (read(sv[1], buf, sizeof buf) > 0) {}
  printf("et_drained=%x lt_drained=%x\n", ew(et, 0), ew(lt, 0));
  shutdown(sv[0], SHUT_WR);
  a = ew(et, 0); b = ew(et, 0);
  printf("et_rdhup=%x et_again=%x\n", a, b);
  // EPOLLOUT edge on the writer: once, then only after the state changes
  int wo = epoll_create1(0);
  e.events = EPOLLOUT | EPOLLET;
  epoll_ctl(wo, EPOLL_CTL_ADD, sv[1], &e);
  a = ew(wo, 0); b = ew(wo, 0);
  printf("et_out=%x et_out_again=%x\n", a, b);
  // MOD re-arms an edge-triggered entry
  epoll_ctl(wo, EPOLL_CTL_MOD, sv[1], &e);
  printf("et_out_after_mod=%x\n", ew(wo, 0));
  // EPOLLONESHOT: one report, then none until EPOLL_CTL_MOD
  int os = epoll_create1(0);
  e.events = EPOLLOUT | EPOLLONESHOT;
  epoll_ctl(os, EPOLL_CTL_ADD, sv[1], &e);
  a = ew(os, 0); b = ew(os, 0);
  epoll_ctl(os, EPOLL_CTL_MOD, sv[1], &e);
  printf("oneshot=%x oneshot_again=%x after_mod=%x\n", a, b, ew(os, 0));
  close(sv[0]); close(sv[1]); close(et); close(lt); close(wo); close(os);

  // TCP over loopback: data from the host arrives asynchronously, so the first waits have a timeout
  struct sockaddr_in sa;
  int l = tcp_listener(&sa);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&sa, sizeof sa);
  int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  int te = epoll_create1(0);
  e.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  epoll_ctl(te, EPOLL_CTL_ADD, s, &e);
  printf("tcp_et_empty=%x\n", ew(te, 0));
  write(c, "ping", 4);
  a = ew(te, 5000); b = ew(te, 0);
  printf("tcp_et_data=%x tcp_et_again=%x\n", a, b);
  int n = read(s, buf, sizeof buf);
  printf("tcp_read=%d eagain=%s\n", n, en(E(read(s, buf, sizeof buf))));
  printf("tcp_et_drained=%x\n", ew(te, 0));
  shutdown(c, SHUT_WR);
  a = ew(te, 5000); b = ew(te, 0);
  printf("tcp_et_rdhup=%x tcp_et_again=%x\n", a, b);
  close(c); close(s); close(l); close(te);
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

static int tcp_state(int fd) {
  struct tcp_info ti; memset(&ti, 0xff, sizeof ti);
  socklen_t l = sizeof ti;
  int r = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l);
  return r < 0 ? -errno : ti.tcpi_state;
}

// listen() semantics, bind conflicts, TCP_INFO's state, MSG_OOB where it is not supported.
static void tcp_more(void) {
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  printf("bind=%s\n", en(E(bind(l, (struct sockaddr *)&a, sizeof a))));
  getsockname(l, (struct sockaddr *)&a, &al);
  printf("bound_port_nonzero=%d state_bound=%d\n", a.sin_port != 0, tcp_state(l));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  printf("connect_before_listen=%s\n", en(E(connect(c, (struct sockaddr *)&a, sizeof a))));
  close(c);
  int l2 = socket(AF_INET, SOCK_STREAM, 0);
  printf("bind_same_port=%s\n", en(E(bind(l2, (struct sockaddr *)&a, sizeof a))));
  int acc = -1; socklen_t accl = sizeof acc;
  getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &acc, &accl); printf("acceptconn_before=%d\n", acc);
  printf("listen=%s\n", en(E(listen(l, 2))));
  getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &acc, &accl); printf("acceptconn_after=%d state_listen=%d\n", acc, tcp_state(l));
  printf("bind_listening_port=%s\n", en(E(bind(l2, (struct sockaddr *)&a, sizeof a))));
  int one = 1;
  // SO_REUSEADDR on both: two binds to one port, but only one may listen
  int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in ra = { 0 };
  ra.sin_family = AF_INET; ra.sin_addr.s_addr = htonl(INADDR_LOOPBACK); al = sizeof ra;
  bind(r1, (struct sockaddr *)&ra, sizeof ra); getsockname(r1, (struct sockaddr *)&ra, &al);
  printf("reuseaddr_bind2=%s\n", en(E(bind(r2, (struct sockaddr *)&ra, sizeof ra))));
  int lr1 = E(listen(r1, 1)), lr2 = E(listen(r2, 1));
  printf("reuseaddr_listen1=%s listen2=%s\n", en(lr1), en(lr2));
  close(r1); close(r2);
  int fresh = socket(AF_INET, SOCK_STREAM, 0);
  printf("state_new=%d\n", tcp_state(fresh));
  int rb = 0, sb = 0; socklen_t bl = sizeof rb;
  getsockopt(fresh, SOL_SOCKET, SO_RCVBUF, &rb, &bl); getsockopt(fresh, SOL_SOCKET, SO_SNDBUF, &sb, &bl);
  printf("tcp rcvbuf=%d sndbuf=%d\n", rb, sb);
  rb = 4096; setsockopt(fresh, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
  getsockopt(fresh, SOL_SOCKET, SO_RCVBUF, &rb, &bl);
  printf("tcp rcvbuf_set4096=%d\n", rb);
  close(fresh);
  c = socket(AF_INET, SOCK_STREAM, 0);
  printf("connect_after_listen=%s\n", en(E(connect(c, (struct sockaddr *)&a, sizeof a))));
  int s = accept(l, NULL, NULL);
  printf("accepted=%d state_client=%d state_server=%d\n", s > 2, tcp_state(c), tcp_state(s));
  char buf[16];
  printf("recv_oob_none=%s\n", en(E(recv(s, buf, 1, MSG_OOB | MSG_DONTWAIT))));
  shutdown(c, SHUT_WR);
  int eof = E(read(s, buf, sizeof buf));
  printf("eof=%s state_close_wait=%d\n", en(eof), tcp_state(s));
  close(c); close(s); close(l); close(l2);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ua = { 0 };
  ua.sin_family = AF_INET; ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK); ua.sin_port = htons(9);
  printf("udp_send_oob=%s\n", en(E(sendto(u, "x", 1, MSG_OOB, (struct sockaddr *)&ua, sizeof ua))));
  printf("udp_tcp_info=%s\n", en(tcp_state(u)));
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  printf("unix_dgram_send_oob=%s\n", en(E(send(sv[0], "x", 1, MSG_OOB))));
  printf("unix_dgram_recv_oob=%s\n", en(E(recv(sv[1], buf, 1, MSG_OOB | MSG_DONTWAIT))));
  close(sv[0]); close(sv[1]); close(u);
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  printf("unix_stream_recv_oob_none=%s\n", en(E(recv(sv[1], buf, 1, MSG_OOB | MSG_DONTWAIT))));
  close(sv[0]); close(sv[1]);
}

// A connected UDP socket only receives from its peer.
static void udp_connect(void) {
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in aa = { 0 }, ba = { 0 }, ca = { 0 }, from;
  aa.sin_family = ba.sin_family = ca.sin_family = AF_INET;
  aa.sin_addr.s_addr = ba.sin_addr.s_addr = ca.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t l = sizeof aa;
  bind(a, (struct sockaddr *)&aa, l); getsockname(a, (struct sockaddr *)&aa, &l);
  bind(b, (struct sockaddr *)&ba, l); getsockname(b, (struct sockaddr *)&ba, &l);
  bind(c, (struct sockaddr *)&ca, l); getsockname(c, (struct sockaddr *)&ca, &l);
  printf("connect=%s\n", en(E(connect(a, (struct sockaddr *)&ba, sizeof ba))));
  sendto(c, "from c", 6, 0, (struct sockaddr *)&aa, sizeof aa);
  sendto(b, "from b", 6, 0, (struct sockaddr *)&aa, sizeof aa);
  char buf[32];
  l = sizeof from;
  int n = recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &l);
  printf("got=%.*s from_b=%d\n", n > 0 ? n : 0, buf, from.sin_port == ba.sin_port);
  printf("then=%s\n", en(E(recv(a, buf, sizeof buf, MSG_DONTWAIT))));
  // sendto another address on a connected UDP socket is allowed
  printf("sendto_other=%s\n", en(E(sendto(a, "hi c", 4, 0, (struct sockaddr *)&ca, sizeof ca))));
  n = recv(c, buf, sizeof buf, 0);
  printf("c got=%.*s\n", n > 0 ? n : 0, buf);
}

// sendmmsg / recvmmsg over UDP on loopback and an AF_UNIX datagram pair. (musl's 64-bit
// sendmmsg is a loop of sendmsg in libc: the raw call is used so the kernel's runs.)
#define sendmmsg(fd, v, n, f) ((int)syscall(SYS_sendmmsg, fd, v, n, f))
static void mmsg(void) {
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ba = { 0 };
  ba.sin_family = AF_INET; ba.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t l = sizeof ba;
  bind(b, (struct sockaddr *)&ba, l); getsockname(b, (struct sockaddr *)&ba, &l);
  const char *words[3] = { "alpha", "be", "gamma!" };
  struct mmsghdr m[4]; struct iovec iov[4];
  memset(m, 0, sizeof m);
  for (int i = 0; i < 3; i++) {
    iov[i].iov_base = (void *)words[i]; iov[i].iov_len = strlen(words[i]);
    m[i].msg_hdr.msg_iov = &iov[i]; m[i].msg_hdr.msg_iovlen = 1;
    m[i].msg_hdr.msg_name = &ba; m[i].msg_hdr.msg_namelen = sizeof ba;
  }
  int n = sendmmsg(a, m, 3, 0);
  printf("sendmmsg=%d lens=%u,%u,%u\n", n, m[0].msg_len, m[1].msg_len, m[2].msg_len);
  char bufs[4][16]; struct sockaddr_in from[4];
  memset(m, 0, sizeof m);
  for (int i = 0; i < 4; i++) {
    iov[i].iov_base = bufs[i]; iov[i].iov_len = sizeof bufs[i];
    m[i].msg_hdr.msg_iov = &iov[i]; m[i].msg_hdr.msg_iovlen = 1;
    m[i].msg_hdr.msg_name = &from[i]; m[i].msg_hdr.msg_namelen = sizeof from[i];
  }
  n = recvmmsg(b, m, 3, 0, NULL);
  printf("recvmmsg=%d", n);
  for (int i = 0; i < n; i++) printf(" %.*s/%d/%d", (int)m[i].msg_len, bufs[i], (int)m[i].msg_len, m[i].msg_hdr.msg_namelen);
  printf("\n");
  printf("recvmmsg_empty=%s\n", en(E(recvmmsg(b, m, 4, MSG_DONTWAIT, NULL))));
  close(a); close(b);
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  memset(m, 0, sizeof m);
  for (int i = 0; i < 2; i++) { iov[i].iov_base = (void *)words[i]; iov[i].iov_len = strlen(words[i]); m[i].msg_hdr.msg_iov = &iov[i]; m[i].msg_hdr.msg_iovlen = 1; }
  printf("unix_sendmmsg=%s\n", en(E(sendmmsg(sv[0], m, 2, 0))));
  memset(m, 0, sizeof m);
  for (int i = 0; i < 4; i++) { iov[i].iov_base = bufs[i]; iov[i].iov_len = sizeof bufs[i]; m[i].msg_hdr.msg_iov = &iov[i]; m[i].msg_hdr.msg_iovlen = 1; }
  n = recvmmsg(sv[1], m, 4, MSG_WAITFORONE, NULL);
  printf("unix_recvmmsg_waitforone=%d", n);
  for (int i = 0; i < n; i++) printf(" %.*s", (int)m[i].msg_len, bufs[i]);
  printf("\n");
  printf("sendmmsg_badfd=%s\n", en(E(sendmmsg(999, m, 1, 0))));
  printf("sendmmsg_zero=%s\n", en(E(sendmmsg(sv[0], m, 0, 0))));
  close(sv[0]); close(sv[1]);
}

// AF_UNIX names in the file system: socket inodes, EADDRINUSE, ECONNREFUSED, unlink, symlinks.
static socklen_t path_addr(struct sockaddr_un *a, const char *dir, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, name);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1);
}

static void unix_path(void) {
  umask(022);
  char dir[] = "/tmp/elfbox-un-XXXXXX";
  if (!mkdtemp(dir)) { perror("mkdtemp"); return; }
  struct sockaddr_un a, b; socklen_t al = path_addr(&a, dir, "sock"), bl;
  struct stat st;
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("lstat_before=%s\n", en(E(lstat(a.sun_path, &st))));
  printf("bind=%s\n", en(E(bind(l, (struct sockaddr *)&a, al))));
  int r = E(lstat(a.sun_path, &st));
  printf("lstat=%s issock=%d mode=%o size=%ld\n", en(r), S_ISSOCK(st.st_mode), st.st_mode & 07777, (long)st.st_size);
  int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("bind_again=%s\n", en(E(bind(l2, (struct sockaddr *)&a, al))));
  printf("bind_bound=%s\n", en(E(bind(l, (struct sockaddr *)&a, al))));
  struct sockaddr_un got; socklen_t gl = sizeof got;
  getsockname(l, (struct sockaddr *)&got, &gl);
  printf("getsockname_same=%d len_ok=%d\n", !strcmp(got.sun_path, a.sun_path), gl == al);
  int c0 = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("connect_not_listening=%s\n", en(E(connect(c0, (struct sockaddr *)&a, al))));
  listen(l, 4);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("connect=%s\n", en(E(connect(c, (struct sockaddr *)&a, al))));
  int s = accept(l, NULL, NULL);
  char buf[64];
  write(c, "via path", 8);
  int n = read(s, buf, sizeof buf);
  printf("read=%.*s\n", n > 0 ? n : 0, buf);
  printf("open_socket=%s\n", en(E(open(a.sun_path, O_RDONLY))));
  // a symlink to the socket can be connected through
  bl = path_addr(&b, dir, "link");
  symlink(a.sun_path, b.sun_path);
  int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("connect_symlink=%s\n", en(E(connect(c2, (struct sockaddr *)&b, bl))));
  close(c2); close(accept(l, NULL, NULL));
  int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("bind_on_symlink=%s\n", en(E(bind(c3, (struct sockaddr *)&b, bl))));
  unlink(b.sun_path);
  // a regular file, a missing name, a missing directory
  bl = path_addr(&b, dir, "file");
  close(open(b.sun_path, O_CREAT | O_WRONLY, 0644));
  printf("connect_regular=%s\n", en(E(connect(c3, (struct sockaddr *)&b, bl))));
  printf("bind_regular=%s\n", en(E(bind(c3, (struct sockaddr *)&b, bl))));
  unlink(b.sun_path);
  bl = path_addr(&b, dir, "missing");
  printf("connect_missing=%s\n", en(E(connect(c3, (struct sockaddr *)&b, bl))));
  bl = path_addr(&b, dir, "nodir/sock");
  printf("bind_nodir=%s\n", en(E(bind(c3, (struct sockaddr *)&b, bl))));
  // unlink frees the name; the connection stays
  r = E(unlink(a.sun_path));
  printf("unlink=%s lstat_after=%s\n", en(r), en(E(lstat(a.sun_path, &st))));
  int c4 = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("connect_unlinked=%s\n", en(E(connect(c4, (struct sockaddr *)&a, al))));
  write(s, "still", 5);
  n = read(c, buf, sizeof buf);
  printf("old_connection=%.*s\n", n > 0 ? n : 0, buf);
  printf("rebind=%s\n", en(E(bind(l2, (struct sockaddr *)&a, al))));
  // closing without unlink leaves a stale socket file: refused
  close(l2);
  r = lstat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode);
  printf("stale_issock=%d connect_stale=%s\n", r, en(E(connect(c4, (struct sockaddr *)&a, al))));
  unlink(a.sun_path);
  // datagrams to a path; an unbound sender's address is just the family
  int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  al = path_addr(&a, dir, "dgram");
  printf("dgram_bind=%s\n", en(E(bind(d1, (struct sockaddr *)&a, al))));
  printf("dgram_sendto=%s\n", en(E(sendto(d2, "dg", 2, 0, (struct sockaddr *)&a, al))));
  gl = sizeof got;
  n = recvfrom(d1, buf, sizeof buf, 0, (struct sockaddr *)&got, &gl);
  printf("dgram_recv=%.*s fromlen=%d\n", n > 0 ? n : 0, buf, (int)gl);
  int st2 = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("stream_to_dgram=%s\n", en(E(connect(st2, (struct sockaddr *)&a, al))));
  unlink(a.sun_path);
  printf("dgram_sendto_unlinked=%s\n", en(E(sendto(d2, "dg", 2, 0, (struct sockaddr *)&a, al))));
  close(d1); close(d2); close(st2); close(c); close(s); close(l); close(c0); close(c3); close(c4);
  printf("rmdir=%s\n", en(E(rmdir(dir))));
}

static int recv_fds(int s, int *fds, int maxfds, size_t room, int *flags) {
  char buf[32];
  struct iovec iov = { buf, sizeof buf };
  union { struct cmsghdr h; char b[256]; } u;
  struct msghdr m = { 0 };
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = room;
  int n = recvmsg(s, &m, 0);
  if (n < 0) return -errno;
  *flags = m.msg_flags;
  int k = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && k < maxfds; i++) memcpy(&fds[k++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
  return k;
}

static int send_fds(int s, const int *fds, int n) {
  struct iovec iov = { "fds", 3 };
  union { struct cmsghdr h; char b[CMSG_SPACE(8 * sizeof(int))]; } u;
  struct msghdr m = { 0 };
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = CMSG_SPACE(n * sizeof(int));
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(n * sizeof(int));
  memcpy(CMSG_DATA(c), fds, n * sizeof(int));
  return E(sendmsg(s, &m, 0));
}

static int recv_creds(int s, struct ucred *uc) {
  char buf[32];
  struct iovec iov = { buf, sizeof buf };
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred))]; } u;
  struct msghdr m = { 0 };
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = sizeof u.b;
  int n = recvmsg(s, &m, 0);
  if (n < 0) return -errno;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_CREDENTIALS) return 0;
  memcpy(uc, CMSG_DATA(c), sizeof *uc);
  return 1;
}

static int send_creds(int s, pid_t pid) {
  struct ucred uc = { pid, getuid(), getgid() };
  struct iovec iov = { "cr", 2 };
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof uc)]; } u;
  struct msghdr m = { 0 };
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = sizeof u.b;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_CREDENTIALS; c->cmsg_len = CMSG_LEN(sizeof uc);
  memcpy(CMSG_DATA(c), &uc, sizeof uc);
  return E(sendmsg(s, &m, 0));
}

// SCM_RIGHTS over SOCK_DGRAM and SOCK_SEQPACKET (and MSG_CTRUNC); SCM_CREDENTIALS.
static void unix_dgram(void) {
  int types[2] = { SOCK_DGRAM, SOCK_SEQPACKET };
  for (int t = 0; t < 2; t++) {
    int sv[2], pf[2], pg[2];
    socketpair(AF_UNIX, types[t], 0, sv);
    pipe(pf); pipe(pg);
    int two[2] = { pf[0], pg[0] };
    printf("%s send2=%s\n", t ? "seqpacket" : "dgram", en(send_fds(sv[0], two, 2)));
    close(pf[0]); close(pg[0]);
    write(pf[1], "first", 5); write(pg[1], "second", 6);
    close(pf[1]); close(pg[1]);
    int fds[8], fl = 0;
    int k = recv_fds(sv[1], fds, 8, CMSG_SPACE(8 * sizeof(int)), &fl);
    char b1[16] = { 0 }, b2[16] = { 0 };
    if (k == 2) { read(fds[0], b1, sizeof b1 - 1); read(fds[1], b2, sizeof b2 - 1); close(fds[0]); close(fds[1]); }
    printf("  got=%d ctrunc=%d %s %s\n", k, !!(fl & MSG_CTRUNC), b1, b2);
    // three descriptors into room for two: MSG_CTRUNC, the third is closed
    int three[3] = { 0, 1, 2 };
    send_fds(sv[0], three, 3);
    k = recv_fds(sv[1], fds, 8, CMSG_SPACE(sizeof(int)), &fl);
    // (MSG_CTRUNC is set here on Linux, but qemu-aarch64's cmsg conversion clears it: not printed)
    printf("  truncated got=%d\n", k);
    for (int i = 0; i < k; i++) close(fds[i]);
    close(sv[0]); close(sv[1]);
  }
  // SCM_CREDENTIALS: attached by the kernel when the receiver set SO_PASSCRED
  int sv[2], one = 1;
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  struct ucred uc = { 0 };
  write(sv[0], "x", 1);
  printf("no_passcred=%d\n", recv_creds(sv[1], &uc));
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  write(sv[0], "x", 1);
  int r, k = recv_creds(sv[1], &uc);
  printf("implicit=%d pid_ok=%d uid_ok=%d gid_ok=%d\n", k, uc.pid == getpid(), uc.uid == getuid(), uc.gid == getgid());
  printf("explicit_send=%s\n", en(send_creds(sv[0], getpid())));
  memset(&uc, 0, sizeof uc);
  k = recv_creds(sv[1], &uc);
  printf("explicit=%d pid_ok=%d\n", k, uc.pid == getpid());
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) { write(sv[0], "child", 5); _exit(0); }
  memset(&uc, 0, sizeof uc);
  k = recv_creds(sv[1], &uc);
  waitpid(pid, NULL, 0);
  printf("from_child=%d pid_is_child=%d\n", k, uc.pid == pid);
  // another pid: only with CAP_SYS_ADMIN (uid 0 here)
  r = send_creds(sv[0], getpid() == 1 ? 2 : 1);
  printf("forged_pid=%s root=%d\n", r >= 0 ? "ok" : en(r), getuid() == 0);
  close(sv[0]); close(sv[1]);
}

// sendfile from a file to a socket (AF_UNIX stream and TCP), with an offset pointer.
static void send_file(void) {
  char path[] = "/tmp/elfbox-sf-XXXXXX";
  int fd = mkstemp(path);
  static unsigned char data[150000], got[150000];
  for (int i = 0; i < (int)sizeof data; i++) data[i] = (unsigned char)(i * 7 + i / 251);
  write(fd, data, sizeof data);
  unlink(path);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  off_t off = 1000;
  long n = sendfile(sv[0], fd, &off, 100000);
  printf("unix sendfile=%ld off=%ld\n", n, (long)off);
  long total = 0, r;
  while (total < n && (r = read(sv[1], got + total, sizeof got - total)) > 0) total += r;
  printf("unix read=%ld same=%d\n", total, total == n && !memcmp(got, data + 1000, n));
  close(sv[0]); close(sv[1]);
  struct sockaddr_in a;
  int l = tcp_listener(&a);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(l, NULL, NULL);
  lseek(fd, 0, SEEK_SET);
  long sent = 0;
  while (sent < (long)sizeof data && (r = sendfile(c, fd, NULL, sizeof data - sent)) > 0) sent += r;
  printf("tcp sendfile total=%ld pos=%ld\n", sent, (long)lseek(fd, 0, SEEK_CUR));
  shutdown(c, SHUT_WR);
  total = 0;
  while ((r = read(s, got + total, sizeof got - total)) > 0) total += r;
  printf("tcp read=%ld same=%d\n", total, total == (long)sizeof data && !memcmp(got, data, sizeof data));
  int pf[2]; pipe(pf);
  printf("sendfile_from_socket=%s\n", en(E(sendfile(pf[1], s, NULL, 10))));
  close(c); close(s); close(l); close(fd);
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
  else if (!strcmp(m, "epollet")) epoll_et();
  else if (!strcmp(m, "tcpmore")) tcp_more();
  else if (!strcmp(m, "udpconnect")) udp_connect();
  else if (!strcmp(m, "mmsg")) mmsg();
  else if (!strcmp(m, "unixpath")) unix_path();
  else if (!strcmp(m, "unixdgram")) unix_dgram();
  else if (!strcmp(m, "sendfile")) send_file();
  else if (!strcmp(m, "serve")) return serve(atoi(argv[2]));
  else if (!strcmp(m, "client")) return client(atoi(argv[2]), 0);
  else if (!strcmp(m, "client6")) return client(atoi(argv[2]), 1);
  else if (!strcmp(m, "policy")) netpolicy();
  return 0;
}
