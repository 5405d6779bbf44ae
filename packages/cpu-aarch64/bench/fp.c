#include <stdio.h>
#define N 160
static double a[N][N], b[N][N], c[N][N];
int main(void) {
  for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { a[i][j] = (i * 7 + j) % 13 * 0.25; b[i][j] = (i + 3 * j) % 11 * 0.5; }
  for (int r = 0; r < 3; r++)
    for (int i = 0; i < N; i++) for (int k = 0; k < N; k++) { double t = a[i][k]; for (int j = 0; j < N; j++) c[i][j] += t * b[k][j]; }
  double s = 0, x = 0;
  for (int i = 0; i < 3000000; i++) { x += 1e-6; s += x * x / (1.0 + x); }
  double tr = 0; for (int i = 0; i < N; i++) tr += c[i][i];
  printf("%.6f %.6f\n", tr, s);
  return 0;
}
