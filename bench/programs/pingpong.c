/* Thread ping-pong: two threads hand a turn back and forth N times through one mutex and
 * two condition variables. Measures futex wait/wake and thread switching. */
#include "bench.h"
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t to_ping = PTHREAD_COND_INITIALIZER, to_pong = PTHREAD_COND_INITIALIZER;
static int turn = 0; /* 0: ping's turn, 1: pong's turn */
static long rounds, pong_seen;

static void *pong(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  for (long i = 0; i < rounds; i++) {
    while (turn != 1) pthread_cond_wait(&to_pong, &mu);
    pong_seen++;
    turn = 0;
    pthread_cond_signal(&to_ping);
  }
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(int argc, char **argv) {
  rounds = bench_arg(argc, argv, 1, 100000);
  pthread_t t;
  uint64_t t0 = bench_now_ns();
  if (pthread_create(&t, NULL, pong, NULL) != 0) { fputs("pthread_create failed\n", stderr); return 1; }
  long ping_seen = 0;
  pthread_mutex_lock(&mu);
  for (long i = 0; i < rounds; i++) {
    while (turn != 0) pthread_cond_wait(&to_ping, &mu);
    ping_seen++;
    turn = 1;
    pthread_cond_signal(&to_pong);
  }
  while (turn != 0) pthread_cond_wait(&to_ping, &mu);
  pthread_mutex_unlock(&mu);
  pthread_join(t, NULL);
  uint64_t t1 = bench_now_ns();
  printf("pingpong rounds=%ld ping=%ld pong=%ld\n", rounds, ping_seen, pong_seen);
  bench_work(t0, t1);
  return ping_seen != rounds || pong_seen != rounds;
}
