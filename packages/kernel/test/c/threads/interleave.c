// Four threads contend for a mutex and record the order in which they take it: the order is
// the interleaving. Under elfbox the same seed must give the same order (and strace) every run.
#include <pthread.h>
#include <stdio.h>

#define NT 4
#define ROUNDS 150
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char order[NT * ROUNDS + 1];
static int n;
static volatile long spin;

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&mu);
    order[n++] = (char)('a' + id);
    for (int k = 0; k < 50; k++) spin++;
    pthread_mutex_unlock(&mu);
    for (int k = 0; k < (int)(id * 37 % 101); k++) spin++;
  }
  return NULL;
}

int main(void) {
  pthread_t t[NT];
  for (long i = 0; i < NT; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
  unsigned long h = 5381;
  for (int i = 0; i < n; i++) h = h * 33 + (unsigned char)order[i];
  printf("%d entries, order hash %lx\n", n, h);
  return 0;
}
