/* stackdump: prints the structure of this process's initial stack, as the kernel (or
 * qemu-user) built it, relative to the top of the [stack] mapping. Part of the elfbox test
 * suite: packages/elf/test/stackdump.test.ts builds the same stack with elfbox's loader and
 * compares the two. Built with gcc -static (x86-64) and aarch64-linux-gnu-gcc -static.
 *
 * Output, one fact per line:
 *   sp_mod16 <n>            sp modulo 16 at process entry
 *   sp top-<n>              where argc sits
 *   argc <n>
 *   argv <i> top-<n> <s>    where each argv string starts, and the string
 *   envp <i> top-<n> <s>
 *   auxv <type> <value>     in stack order; values pointing into the stack as top-<n>
 *   auxv_end top-<n>        first byte after the AT_NULL pair
 *   end_marker <hex>        the 8 bytes just below the top, as a 64-bit number
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long stack_top(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned long lo, hi, top = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f)) {
    if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) top = hi;
  }
  fclose(f);
  return top;
}

int main(int argc, char **argv, char **envp) {
  unsigned long *sp = (unsigned long *)argv - 1; /* argc sits just below argv[0]'s pointer */
  unsigned long top = stack_top();
  unsigned long a = (unsigned long)sp;
  int i;
  if (!top) { printf("error no [stack] in /proc/self/maps\n"); return 1; }
  printf("sp_mod16 %lu\n", a % 16);
  printf("sp top-%lu\n", top - a);
  printf("argc %lu\n", sp[0]);
  for (i = 0; i < argc; i++) printf("argv %d top-%lu %s\n", i, top - (unsigned long)argv[i], argv[i]);
  for (i = 0; envp[i]; i++) printf("envp %d top-%lu %s\n", i, top - (unsigned long)envp[i], envp[i]);
  unsigned long *aux = (unsigned long *)(envp + i + 1);
  for (;; aux += 2) {
    unsigned long t = aux[0], v = aux[1];
    if (v >= a && v < top) printf("auxv %lu top-%lu\n", t, top - v);
    else printf("auxv %lu %lu\n", t, v);
    if (t == 0) break;
  }
  printf("auxv_end top-%lu\n", top - (unsigned long)(aux + 2));
  printf("end_marker %lx\n", *(unsigned long *)(top - 8));
  for (aux = (unsigned long *)(envp + i + 1); aux[0]; aux += 2)
    if (aux[0] == 31 || aux[0] == 15) printf("string %lu %s\n", aux[0], (char *)aux[1]);
  fflush(stdout);
  return 0;
}
