#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
int main(void) {
  static char buf[4096], buf2[4096];
  for (int i = 0; i < 4000; i++) buf[i] = 'a' + (i * 7) % 26;
  buf[4000] = 0;
  printf("strlen=%zu\n", strlen(buf));
  for (int off = 0; off < 40; off++) {
    size_t l = strlen(buf + off + 3000);
    char *c = strchr(buf + off, 'z'), *r = strrchr(buf + off, 'q');
    void *m = memchr(buf + off, 'k', 300);
    memcpy(buf2 + off, buf + 7 * off, 1000 + off);
    memmove(buf2 + off + 5, buf2 + off, 500);
    buf2[off + 2000] = 0;
    int cmp = memcmp(buf2 + off, buf + off, 64 + off);
    printf("%d %zu %td %td %td %d %d %zu\n", off, l, c - buf, r - buf, (char *)m - buf, cmp > 0 ? 1 : cmp < 0 ? -1 : 0, strncmp(buf + off, buf + off + 26, 10 + off), strspn(buf + off, "abcdefghijklmn"));
  }
  memset(buf2, 'x', 3000); buf2[3000] = 0;
  printf("%zu %s\n", strlen(buf2), strstr(buf, "hov") ? "found" : "none");
  char t[64]; strcpy(t, "Hello World 123"); for (char *p = t; *p; p++) *p = toupper((unsigned char)*p);
  strcat(t, "!?"); printf("%s %d %ld %s\n", t, atoi("-1234"), strtol("0x7fff", 0, 16), strtok(t, " "));
  char num[32]; snprintf(num, sizeof num, "%08.3f", 3.14159); puts(num);
  return 0;
}
