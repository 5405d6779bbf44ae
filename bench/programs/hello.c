/* Start-up benchmark: the smallest complete program. */
#include <stdio.h>
int main(void) {
  puts("hello, world");
  return 0;
}
