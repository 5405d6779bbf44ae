// alarm with a handler and pause; setitimer intervals; getitimer; SA_RESTART vs EINTR on a
// blocking read from a pipe interrupted by a timer signal; nanosleep interrupted with the
// remaining time written back.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;
static int pipefd[2];

static void on_alarm(int sig) { (void)sig; alarms++; }
static void on_alarm_write(int sig) { (void)sig; alarms++; if (alarms == 3) write(pipefd[1], "x", 1); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);

  printf("alarm(1) returned %u\n", alarm(1));
  printf("alarm(1) again returned %u\n", alarm(1));
  pause();
  printf("after pause: alarms=%d\n", alarms);

  // no SA_RESTART: the read fails with EINTR
  pipe(pipefd);
  struct itimerval it = { { 0, 0 }, { 0, 30000 } };
  setitimer(ITIMER_REAL, &it, NULL);
  char c;
  ssize_t r = read(pipefd[0], &c, 1);
  printf("read without SA_RESTART: %zd %s alarms=%d\n", r, r < 0 ? strerror(errno) : "", alarms);

  // SA_RESTART: the read restarts after each tick until the third handler writes a byte
  sa.sa_handler = on_alarm_write;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  alarms = 1;
  struct itimerval tick = { { 0, 20000 }, { 0, 20000 } };
  setitimer(ITIMER_REAL, &tick, NULL);
  r = read(pipefd[0], &c, 1);
  struct itimerval off = { { 0, 0 }, { 0, 0 } }, was;
  setitimer(ITIMER_REAL, &off, &was);
  printf("read with SA_RESTART: %zd '%c' alarms=%d interval=%ld\n", r, c, alarms, (long)was.it_interval.tv_usec);
  getitimer(ITIMER_REAL, &was);
  printf("disarmed: %ld %ld\n", (long)was.it_value.tv_sec, (long)was.it_value.tv_usec);

  // nanosleep interrupted: EINTR and a remaining time close to what was left
  sa.sa_handler = on_alarm;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval once = { { 0, 0 }, { 0, 50000 } };
  setitimer(ITIMER_REAL, &once, NULL);
  struct timespec req = { 2, 0 }, rem = { 0, 0 };
  int n = nanosleep(&req, &rem);
  printf("nanosleep: %d %s rem between 1.5 and 2 s: %d\n", n, strerror(errno), rem.tv_sec == 1 && rem.tv_nsec > 500000000);
  return 0;
}
