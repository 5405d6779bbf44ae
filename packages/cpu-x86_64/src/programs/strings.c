#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
static char buf[4096], buf2[4096];
int main(void) {
  unsigned h = 0;
  for (int al = 0; al < 16; al++) for (int al2 = 0; al2 < 16; al2++) for (int n = 0; n < 300; n += 7) {
    for (int i = 0; i < n + 64; i++) buf[al + i] = (char)(i * 31 + al);
    memset(buf2, 0x5a, sizeof buf2);
    memcpy(buf2 + al2, buf + al, n);
    for (int i = 0; i < n + 40; i++) h = h * 33 + (unsigned char)buf2[i];
    memmove(buf2 + al2 + 3, buf2 + al2, n);
    for (int i = 0; i < n + 40; i++) h = h * 33 + (unsigned char)buf2[i];
    h += memcmp(buf + al, buf2 + al2 + 3, n) == 0;
  }
  printf("mem hash %u\n", h);
  const char *words[] = {"hello", "world", "", "a", "abcdefghijklmnopqrstuvwxyz0123456789", "The quick brown fox"};
  for (int i = 0; i < 6; i++) {
    for (int al = 0; al < 16; al++) {
      strcpy(buf + al, words[i]);
      h = h * 7 + strlen(buf + al);
      char *p = strchr(buf + al, 'o'); h += p ? (unsigned)(p - buf - al) : 999;
      p = strrchr(buf + al, 'o'); h += p ? (unsigned)(p - buf - al) : 999;
      h += strcmp(buf + al, words[(i + 1) % 6]) > 0;
      h += strncmp(buf + al, "hel", 3) == 0;
      h += strspn(buf + al, "abcdefgh") + strcspn(buf + al, "xyz");
      p = strstr(buf + al, "fox"); h += p ? 1 : 0;
      h += (unsigned)(size_t)memchr(buf + al, 'w', strlen(buf + al) + 1) ? 3 : 0;
    }
  }
  printf("str hash %u\n", h);
  char tmp[200];
  snprintf(tmp, sizeof tmp, "%d %u %x %o %ld %lld %s %c %5.2s|%-8d|%+d %p", -42, 4000000000u, 0xdeadbeef, 0755, -1234567890123L, 9223372036854775807LL, "str", 'Z', "abcdef", 17, 5, (void *)0x1234);
  puts(tmp);
  for (char *q = tmp; *q; q++) *q = toupper((unsigned char)*q);
  puts(tmp);
  printf("%ld %lu %lld\n", strtol("-0x7fffabcd", 0, 16), strtoul("18446744073709551615", 0, 10), atoll("123456789012345"));
  return 0;
}
