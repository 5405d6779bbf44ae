#include <stdio.h>
int main(int argc, char **argv) {
  printf("hello, world\n");
  printf("argc=%d argv0-len=%d\n", argc, (int)(argv[0] != 0));
  return 0;
}
