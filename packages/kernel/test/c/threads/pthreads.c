// pthreads on elfbox: create/join, 8 threads incrementing a counter with atomics and with a
// mutex, a condition-variable producer/consumer queue, a barrier, an rwlock, thread-local
// storage, pthread_cancel of a blocked thread, a robust mutex whose owner died, and
// pthread_kill to a thread with a handler. The output does not depend on the interleaving.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 8
#define ITERS 3000

static atomic_long acounter;
static long mcounter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static __thread long tls_value = 7;
static pthread_barrier_t barrier;
static volatile int after_barrier;

static void *adder(void *arg) {
  long id = (long)arg;
  tls_value = id * 100;
  for (int i = 0; i < ITERS; i++) {
    atomic_fetch_add(&acounter, 1);
    pthread_mutex_lock(&mu);
    mcounter++;
    pthread_mutex_unlock(&mu);
  }
  pthread_barrier_wait(&barrier);
  __atomic_fetch_add(&after_barrier, 1, __ATOMIC_SEQ_CST);
  return (void *)(tls_value + 1);
}

// producer/consumer over a bounded queue
#define QN 4
#define ITEMS 200
static int q[QN], qh, qt, qn;
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg) {
  (void)arg;
  for (int i = 1; i <= ITEMS; i++) {
    pthread_mutex_lock(&qm);
    while (qn == QN) pthread_cond_wait(&notfull, &qm);
    q[qt] = i; qt = (qt + 1) % QN; qn++;
    pthread_cond_signal(&notempty);
    pthread_mutex_unlock(&qm);
  }
  return NULL;
}

static void *consumer(void *arg) {
  long sum = 0;
  (void)arg;
  for (int i = 0; i < ITEMS / 2; i++) {
    pthread_mutex_lock(&qm);
    while (qn == 0) pthread_cond_wait(&notempty, &qm);
    sum += q[qh]; qh = (qh + 1) % QN; qn--;
    pthread_cond_signal(&notfull);
    pthread_mutex_unlock(&qm);
  }
  return (void *)sum;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_data;
static void *reader(void *arg) {
  (void)arg;
  long seen = 0;
  for (int i = 0; i < 1000; i++) {
    pthread_rwlock_rdlock(&rw);
    seen += shared_data >= 0;
    pthread_rwlock_unlock(&rw);
  }
  return (void *)seen;
}
static void *writer(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_rwlock_wrlock(&rw);
    shared_data++;
    pthread_rwlock_unlock(&rw);
  }
  return NULL;
}

static pthread_mutex_t never = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_cv = PTHREAD_COND_INITIALIZER;
static void *waits_forever(void *arg) {
  (void)arg;
  pthread_mutex_lock(&never);
  for (;;) pthread_cond_wait(&never_cv, &never);
  return NULL;
}
static void unlock_never(void *arg) { (void)arg; pthread_mutex_unlock(&never); }
static void *waits_forever_cleanup(void *arg) {
  pthread_cleanup_push(unlock_never, NULL);
  waits_forever(arg);
  pthread_cleanup_pop(0);
  return NULL;
}

static pthread_mutex_t robust;
static void *dies_holding(void *arg) {
  (void)arg;
  pthread_mutex_lock(&robust);
  return NULL; // exits with the mutex held
}

static volatile int usr1_tid_ok;
static void on_usr1(int sig) { (void)sig; usr1_tid_ok = 1; }
static void *sleeper(void *arg) {
  (void)arg;
  while (!usr1_tid_ok) sched_yield();
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pthread_t t[NT];
  pthread_barrier_init(&barrier, NULL, NT);
  for (long i = 0; i < NT; i++) pthread_create(&t[i], NULL, adder, (void *)i);
  long rsum = 0;
  for (int i = 0; i < NT; i++) { void *r; pthread_join(t[i], &r); rsum += (long)r; }
  printf("atomic counter %ld, mutex counter %ld (expected %d)\n", (long)acounter, mcounter, NT * ITERS);
  printf("thread results %ld, all passed the barrier: %d, main tls %ld\n", rsum, after_barrier == NT, tls_value);

  pthread_t p, c1, c2;
  pthread_create(&c1, NULL, consumer, NULL);
  pthread_create(&c2, NULL, consumer, NULL);
  pthread_create(&p, NULL, producer, NULL);
  void *s1, *s2;
  pthread_join(p, NULL);
  pthread_join(c1, &s1);
  pthread_join(c2, &s2);
  printf("consumed sum %ld (expected %d)\n", (long)s1 + (long)s2, ITEMS * (ITEMS + 1) / 2);

  pthread_t r1, r2, w1;
  pthread_create(&r1, NULL, reader, NULL);
  pthread_create(&w1, NULL, writer, NULL);
  pthread_create(&r2, NULL, reader, NULL);
  void *a1, *a2;
  pthread_join(r1, &a1); pthread_join(r2, &a2); pthread_join(w1, NULL);
  printf("rwlock: data %d reads %ld\n", shared_data, (long)a1 + (long)a2);

  pthread_t cx;
  pthread_create(&cx, NULL, waits_forever_cleanup, NULL);
  usleep(20000);
  pthread_cancel(cx);
  void *cr;
  pthread_join(cx, &cr);
  printf("cancelled: %d\n", cr == PTHREAD_CANCELED);

  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &ma);
  pthread_t d;
  pthread_create(&d, NULL, dies_holding, NULL);
  pthread_join(d, NULL);
  int e = pthread_mutex_lock(&robust);
  printf("robust lock after owner death: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : strerror(e));
  pthread_mutex_consistent(&robust);
  pthread_mutex_unlock(&robust);
  e = pthread_mutex_lock(&robust);
  printf("then: %d\n", e);
  pthread_mutex_unlock(&robust);

  signal(SIGUSR1, on_usr1);
  pthread_t sl;
  pthread_create(&sl, NULL, sleeper, NULL);
  pthread_kill(sl, SIGUSR1);
  pthread_join(sl, NULL);
  printf("pthread_kill delivered: %d\n", usr1_tid_ok);

  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 10 * 1000 * 1000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&never);
  e = pthread_cond_timedwait(&never_cv, &never, &ts);
  pthread_mutex_unlock(&never);
  printf("timedwait: %s\n", e == ETIMEDOUT ? "ETIMEDOUT" : strerror(e));
  return 0;
}
