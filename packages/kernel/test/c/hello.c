/* The smallest libc program: printf, then exit status 0. */
#include <stdio.h>

int main(void) {
  printf("hello, world\n");
  return 0;
}
