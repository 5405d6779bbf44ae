#include <stdio.h>
#include <string.h>
static unsigned char sieve[2000000];
int main(void) {
  unsigned long h = 1469598103934665603UL; long count = 0;
  for (int rep = 0; rep < 3; rep++) {
    memset(sieve, 1, sizeof sieve);
    for (long i = 2; i * i < (long)sizeof sieve; i++) if (sieve[i]) for (long j = i * i; j < (long)sizeof sieve; j += i) sieve[j] = 0;
    for (long i = 2; i < (long)sizeof sieve; i++) if (sieve[i]) { count++; h = (h ^ (unsigned long)i) * 1099511628211UL; }
  }
  unsigned x = 1;
  for (int i = 0; i < 20000000; i++) { x = x * 1664525u + 1013904223u; h += x >> 7; }
  printf("%ld %lx\n", count, h);
  return 0;
}
