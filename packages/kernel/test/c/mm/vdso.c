// Finds the vDSO the way libc does: AT_SYSINFO_EHDR, its dynamic symbols; calls its
// clock_gettime and compares it with libc's; lists it through dl_iterate_phdr (glibc registers
// it as a loaded object); with an argument, times N calls of clock_gettime.
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

static void *vsym(const char *want) {
  unsigned long base = getauxval(AT_SYSINFO_EHDR);
  if (!base) return NULL;
  Elf64_Ehdr *eh = (Elf64_Ehdr *)base;
  Elf64_Phdr *ph = (Elf64_Phdr *)(base + eh->e_phoff);
  Elf64_Dyn *dyn = NULL;
  long bias = 0;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD) bias = base + ph[i].p_offset - ph[i].p_vaddr;
    if (ph[i].p_type == PT_DYNAMIC) dyn = (Elf64_Dyn *)(base + ph[i].p_offset);
  }
  Elf64_Sym *sym = NULL; const char *str = NULL; Elf32_Word *hash = NULL;
  for (; dyn && dyn->d_tag; dyn++) {
    if (dyn->d_tag == DT_SYMTAB) sym = (Elf64_Sym *)(bias + dyn->d_un.d_ptr);
    if (dyn->d_tag == DT_STRTAB) str = (const char *)(bias + dyn->d_un.d_ptr);
    if (dyn->d_tag == DT_HASH) hash = (Elf32_Word *)(bias + dyn->d_un.d_ptr);
  }
  if (!sym || !str || !hash) return NULL;
  for (unsigned i = 1; i < hash[1]; i++)
    if (!strcmp(str + sym[i].st_name, want) && sym[i].st_shndx) return (void *)(bias + sym[i].st_value);
  return NULL;
}

static int cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size; (void)data;
  if (strstr(info->dlpi_name, "vdso")) printf("dl_iterate_phdr: %s\n", info->dlpi_name);
  return 0;
}

int main(int argc, char **argv) {
#ifdef __x86_64__
  const char *name = "__vdso_clock_gettime";
#else
  const char *name = "__kernel_clock_gettime";
#endif
  int (*f)(clockid_t, struct timespec *) = (int (*)(clockid_t, struct timespec *))vsym(name);
  printf("%s found: %s\n", name, f ? "yes" : "no");
  if (argc > 1) {
    long n = atol(argv[1]);
    struct timespec a, b, t;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) clock_gettime(CLOCK_MONOTONIC, &t);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.0f ns per clock_gettime\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
    return 0;
  }
  if (f) {
    struct timespec a, b;
    clock_gettime(CLOCK_REALTIME, &a);
    int r = f(CLOCK_REALTIME, &b);
    printf("vdso clock_gettime: %d, agrees with libc: %s\n", r, b.tv_sec - a.tv_sec <= 1 && b.tv_sec >= a.tv_sec ? "yes" : "no");
  }
  dl_iterate_phdr(cb, NULL);
  return 0;
}
