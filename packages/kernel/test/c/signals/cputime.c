// CPU time: ITIMER_VIRTUAL and ITIMER_PROF fire (SIGVTALRM, SIGPROF) as the process runs, not
// while it sleeps; getitimer's remaining value does not shrink during a sleep; the thread and
// process CPU-time clocks (a spinning thread counts for the process, not for the main thread
// that waits for it); times() and getrusage agree with CLOCK_PROCESS_CPUTIME_ID. Only facts
// that hold on any machine are printed.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t vt, prof;
static void on_vt(int s) { (void)s; vt++; }
static void on_prof(int s) { (void)s; prof++; }
static volatile unsigned long sink;

static long long ns(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void spin(long n) {
  for (long i = 0; i < n; i++) sink += i;
}

static long long spun;
static void *spinner(void *arg) {
  long long t0 = ns(CLOCK_THREAD_CPUTIME_ID);
  spin((long)arg);
  spun = ns(CLOCK_THREAD_CPUTIME_ID) - t0;
  return NULL;
}

static void nap(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGVTALRM, on_vt);
  signal(SIGPROF, on_prof);

  // a periodic virtual timer: five signals while spinning
  struct itimerval it = {{0, 2000}, {0, 2000}}, off = {{0, 0}, {0, 0}}, cur;
  setitimer(ITIMER_VIRTUAL, &it, NULL);
  while (vt < 5) spin(1000);
  setitimer(ITIMER_VIRTUAL, &off, NULL);
  printf("SIGVTALRM at least 5 times: %d\n", vt >= 5); // one more may come between the 5th and the disarm

  setitimer(ITIMER_PROF, &it, NULL);
  while (prof < 3) spin(1000);
  setitimer(ITIMER_PROF, &off, NULL);
  printf("SIGPROF at least 3 times: %d\n", prof >= 3);

  // a sleeping process uses no CPU time: the virtual timer does not fire during a sleep
  vt = 0;
  struct itimerval once = {{0, 0}, {0, 5000}};
  setitimer(ITIMER_VIRTUAL, &once, NULL);
  nap(100);
  printf("fired during a 100 ms sleep: %d\n", (int)vt);
  while (vt == 0) spin(1000);
  printf("fired after spinning: %d\n", vt == 1);
  getitimer(ITIMER_VIRTUAL, &cur);
  printf("one-shot disarmed: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);

  struct itimerval big = {{0, 0}, {0, 300000}};
  setitimer(ITIMER_VIRTUAL, &big, NULL);
  nap(200);
  getitimer(ITIMER_VIRTUAL, &cur);
  printf("virtual timer left after a 200 ms sleep > 250 ms: %d\n", cur.it_value.tv_usec > 250000);
  setitimer(ITIMER_VIRTUAL, &off, NULL);

  // CPU-time clocks
  long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID), m0 = ns(CLOCK_THREAD_CPUTIME_ID);
  nap(100);
  long long p1 = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("process clock during a 100 ms sleep advanced < 20 ms: %d\n", p1 - p0 < 20000000);
  pthread_t th;
  long long m1 = ns(CLOCK_THREAD_CPUTIME_ID);
  pthread_create(&th, NULL, spinner, (void *)3000000L);
  pthread_join(th, NULL);
  long long p2 = ns(CLOCK_PROCESS_CPUTIME_ID), m2 = ns(CLOCK_THREAD_CPUTIME_ID);
  printf("spinning thread's clock advanced: %d\n", spun > 0);
  printf("process clock counts the thread's spin: %d\n", p2 - p1 >= spun);
  printf("main thread's clock advanced less while it waited: %d\n", m2 - m1 < spun);
  (void)m0;
  clockid_t cid;
  pthread_getcpuclockid(pthread_self(), &cid);
  struct timespec ts;
  printf("pthread_getcpuclockid clock works: %d\n", clock_gettime(cid, &ts) == 0);
  clock_getcpuclockid(0, &cid);
  printf("clock_getcpuclockid clock works: %d\n", clock_gettime(cid, &ts) == 0);

  // times() and getrusage agree with the process clock (10 ms ticks)
  spin(500000);
  struct tms tm;
  times(&tm);
  long long pc = ns(CLOCK_PROCESS_CPUTIME_ID);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long long ru_ns = ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL + ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL;
  long long tm_ns = (tm.tms_utime + tm.tms_stime) * (1000000000LL / sysconf(_SC_CLK_TCK));
  printf("times within 20 ms of the clock: %d\n", tm_ns <= pc && pc - tm_ns < 20000000);
  printf("getrusage within 5 ms of the clock: %d\n", ru_ns - pc < 5000000 && pc - ru_ns < 5000000);
  getrusage(RUSAGE_THREAD, &ru);
  long long rt = ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL + ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL;
  printf("RUSAGE_THREAD below RUSAGE_SELF: %d\n", rt < ru_ns);
  return 0;
}
