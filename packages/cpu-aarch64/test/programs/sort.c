#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmpi(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmps(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(void) {
  int n = 2000; int *a = malloc(n * sizeof *a); unsigned s = 12345;
  for (int i = 0; i < n; i++) { s = s * 1103515245u + 12345u; a[i] = (int)(s >> 8) - 4000000; }
  qsort(a, n, sizeof *a, cmpi);
  long sum = 0; for (int i = 0; i < n; i++) sum += (long)a[i] * (i + 1);
  printf("%d %d %d %ld\n", a[0], a[n / 2], a[n - 1], sum);
  const char *w[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi", "lemon"};
  char *ws[10]; for (int i = 0; i < 10; i++) ws[i] = strdup(w[i]);
  qsort(ws, 10, sizeof *ws, cmps);
  for (int i = 0; i < 10; i++) printf("%s%c", ws[i], i == 9 ? '\n' : ' ');
  double d[500]; for (int i = 0; i < 500; i++) { s = s * 1103515245u + 12345u; d[i] = (double)(int)s / 3.7; }
  qsort(d, 500, sizeof *d, cmpd);
  printf("%.6f %.6f %.6f\n", d[0], d[250], d[499]);
  return 0;
}
