// 8 threads increment shared counters with an atomic add, a compare-and-swap loop and a
// spinlock built on atomic exchange. Run with tiny scheduling slices, threads are switched
// in the middle of these sequences; the totals must still be exact.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define NT 8
#define N 1500
static atomic_long added;
static atomic_int cas_counter;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long spin_counter;

static void *work(void *arg) {
  (void)arg;
  for (int i = 0; i < N; i++) {
    atomic_fetch_add(&added, 1);
    int old = atomic_load(&cas_counter);
    while (!atomic_compare_exchange_weak(&cas_counter, &old, old + 1)) {}
    while (atomic_flag_test_and_set(&spin)) {}
    spin_counter++;
    atomic_flag_clear(&spin);
  }
  return NULL;
}

int main(void) {
  pthread_t t[NT];
  for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, work, NULL);
  for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
  printf("add %ld cas %d spin %ld (expected %d each)\n", (long)added, (int)cas_counter, spin_counter, NT * N);
  return 0;
}
