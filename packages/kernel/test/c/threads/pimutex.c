// Priority-inheritance futexes on elfbox: pthread mutexes with PTHREAD_PRIO_INHERIT (contended
// counting, trylock, error-checking relock, a robust PI mutex whose owner died, a condvar over a
// PI mutex), and the raw FUTEX_LOCK_PI / TRYLOCK_PI / UNLOCK_PI calls: the owner tid in the
// word, FUTEX_WAITERS, EDEADLK on self-lock, EPERM for a non-owner unlock, the handover to a
// waiter. The output does not depend on the interleaving.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_LOCK_PI_PRIVATE (FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG)
#define FUTEX_UNLOCK_PI_PRIVATE (FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu

#define NT 4
#define ITERS 1500

static pthread_mutex_t pm;
static long counter;

static long fx(uint32_t *w, int op) {
  long r = syscall(SYS_futex, w, op, 0, NULL, NULL, 0);
  return r < 0 ? -errno : r;
}

static const char *err(long r) {
  static char b[32];
  if (r == 0) return "0";
  if (r == -EDEADLK) return "EDEADLK";
  if (r == -EPERM) return "EPERM";
  if (r == -EAGAIN) return "EAGAIN";
  if (r == -EBUSY) return "EBUSY";
  if (r == -ESRCH) return "ESRCH";
  if (r == -EOWNERDEAD) return "EOWNERDEAD";
  if (r == -ETIMEDOUT) return "ETIMEDOUT";
  snprintf(b, sizeof b, "%ld", r);
  return b;
}

static void *adder(void *arg) {
  (void)arg;
  for (int i = 0; i < ITERS; i++) {
    pthread_mutex_lock(&pm);
    long v = counter;
    if (i % 64 == 0) sched_yield(); // hold the lock across a switch: others block in LOCK_PI
    counter = v + 1;
    pthread_mutex_unlock(&pm);
  }
  return NULL;
}

static void *try_other(void *arg) {
  return (void *)(long)pthread_mutex_trylock((pthread_mutex_t *)arg);
}

// raw futex word
static uint32_t word;
static atomic_int waiter_state;
static long waiter_ret;
static uint32_t waiter_saw;

static void *raw_try(void *arg) {
  (void)arg;
  long r = fx(&word, FUTEX_TRYLOCK_PI);
  long u = fx(&word, FUTEX_UNLOCK_PI);
  printf("other thread: TRYLOCK_PI %s, UNLOCK_PI %s\n", err(r), err(u));
  return NULL;
}

static void *raw_waiter(void *arg) {
  (void)arg;
  atomic_store(&waiter_state, 1);
  waiter_ret = fx(&word, FUTEX_LOCK_PI_PRIVATE);
  waiter_saw = word;
  uint32_t mine = (uint32_t)syscall(SYS_gettid);
  printf("waiter: LOCK_PI %s, owner is me %d, FUTEX_WAITERS %d\n", err(waiter_ret), (waiter_saw & FUTEX_TID_MASK) == mine, !!(waiter_saw & FUTEX_WAITERS));
  long u = fx(&word, FUTEX_UNLOCK_PI_PRIVATE);
  printf("waiter: UNLOCK_PI %s, word %u\n", err(u), word);
  return NULL;
}

// a waiter that gets a signal right after UNLOCK_PI handed it the lock still returns 0, once
static volatile sig_atomic_t handled;
static void on_usr1(int s) { (void)s; handled++; }
static atomic_int sig_waiter_tid;
static void *sig_waiter(void *arg) {
  (void)arg;
  atomic_store(&sig_waiter_tid, (int)syscall(SYS_gettid));
  long r = fx(&word, FUTEX_LOCK_PI_PRIVATE);
  uint32_t w = word;
  for (int i = 0; i < 100000 && !handled; i++) sched_yield(); // the signal may come after the return
  printf("signalled waiter: LOCK_PI %s, owner is me %d, handler ran %d\n", err(r), (w & FUTEX_TID_MASK) == (uint32_t)syscall(SYS_gettid), (int)handled);
  fx(&word, FUTEX_UNLOCK_PI_PRIVATE);
  return NULL;
}

static pthread_mutex_t rm;
static void *die_holding(void *arg) {
  (void)arg;
  pthread_mutex_lock(&rm);
  return NULL; // exits holding a robust PI mutex
}

static pthread_mutex_t cm;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;
static void *signaller(void *arg) {
  (void)arg;
  pthread_mutex_lock(&cm);
  ready = 1;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&cm);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  int proto = -1;
  printf("setprotocol %d\n", pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
  pthread_mutexattr_getprotocol(&a, &proto);
  printf("protocol is PRIO_INHERIT %d\n", proto == PTHREAD_PRIO_INHERIT);
  pthread_mutex_init(&pm, &a);

  pthread_t t[NT];
  for (long i = 0; i < NT; i++) pthread_create(&t[i], NULL, adder, (void *)i);
  for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
  printf("counter %ld (expected %d)\n", counter, NT * ITERS);

  pthread_mutex_lock(&pm);
  void *tr;
  pthread_t o;
  pthread_create(&o, NULL, try_other, &pm);
  pthread_join(o, &tr);
  printf("trylock from another thread while held: %s\n", strerror((int)(long)tr));
  pthread_mutex_unlock(&pm);
  pthread_create(&o, NULL, try_other, &pm);
  pthread_join(o, &tr);
  printf("trylock when free: %d\n", (int)(long)tr);
  pthread_mutexattr_destroy(&a);

  // error-checking PI mutex: relock is EDEADLK, unlock by a non-owner EPERM
  pthread_mutex_t em;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&em, &a);
  int l1 = pthread_mutex_lock(&em);
  printf("errorcheck lock %d", l1);
  printf(" relock %s", err(-pthread_mutex_lock(&em)));
  printf(" unlock %d", pthread_mutex_unlock(&em));
  printf(" unlock again %s\n", err(-pthread_mutex_unlock(&em)));

  // robust PI mutex whose owner died
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
  pthread_mutex_init(&rm, &a);
  pthread_create(&o, NULL, die_holding, NULL);
  pthread_join(o, NULL);
  int r = pthread_mutex_lock(&rm);
  printf("robust PI after owner death: %s\n", err(-r));
  if (r == EOWNERDEAD) {
    printf("consistent %d", pthread_mutex_consistent(&rm));
    printf(" unlock %d", pthread_mutex_unlock(&rm));
    printf(" relock %d\n", pthread_mutex_lock(&rm));
  }
  pthread_mutex_unlock(&rm);

  // condition variable over a PI mutex
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
  pthread_mutex_init(&cm, &a);
  pthread_mutex_lock(&cm);
  pthread_create(&o, NULL, signaller, NULL);
  while (!ready) pthread_cond_wait(&cv, &cm);
  pthread_mutex_unlock(&cm);
  pthread_join(o, NULL);
  printf("condvar over PI mutex: ready %d\n", ready);

  // the raw calls
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  long l = fx(&word, FUTEX_LOCK_PI);
  printf("LOCK_PI free %s, word is my tid %d\n", err(l), word == me);
  printf("LOCK_PI again %s\n", err(fx(&word, FUTEX_LOCK_PI)));
  printf("TRYLOCK_PI own %s\n", err(fx(&word, FUTEX_TRYLOCK_PI)));
  pthread_create(&o, NULL, raw_try, NULL);
  pthread_join(o, NULL);
  printf("after the other's trylock: FUTEX_WAITERS %d, tid mine %d\n", !!(word & FUTEX_WAITERS), (word & FUTEX_TID_MASK) == me);
  l = fx(&word, FUTEX_UNLOCK_PI);
  printf("UNLOCK_PI %s, word %u\n", err(l), word);
  printf("UNLOCK_PI not owner %s\n", err(fx(&word, FUTEX_UNLOCK_PI)));
  word = 0x3fffff00; // an owner tid that is no thread
  printf("LOCK_PI dead owner %s\n", err(fx(&word, FUTEX_TRYLOCK_PI)));
  word = 0;
  fx(&word, FUTEX_LOCK_PI_PRIVATE);
  pthread_create(&o, NULL, raw_waiter, NULL);
  while (!atomic_load(&waiter_state) || !(word & FUTEX_WAITERS)) sched_yield(); // the waiter is in the kernel
  for (int i = 0; i < 20; i++) sched_yield();
  printf("handover: UNLOCK_PI %s\n", err(fx(&word, FUTEX_UNLOCK_PI_PRIVATE)));
  pthread_join(o, NULL);
  // handover, then a signal before the waiter runs: the call restarts or returns, never EDEADLK
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  word = 0;
  fx(&word, FUTEX_LOCK_PI_PRIVATE);
  pthread_create(&o, NULL, sig_waiter, NULL);
  while (!atomic_load(&sig_waiter_tid) || !(word & FUTEX_WAITERS)) sched_yield();
  for (int i = 0; i < 20; i++) sched_yield();
  fx(&word, FUTEX_UNLOCK_PI_PRIVATE);
  syscall(SYS_tgkill, getpid(), atomic_load(&sig_waiter_tid), SIGUSR1);
  pthread_join(o, NULL);
  struct timespec ts = {0, 0};
  word = 0;
  fx(&word, FUTEX_LOCK_PI);
  pthread_create(&o, NULL, raw_try, NULL);
  pthread_join(o, NULL);
  long tr2 = syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, &ts, NULL, 0);
  printf("LOCK_PI own with timeout %s\n", err(tr2 < 0 ? -errno : tr2));
  return 0;
}
