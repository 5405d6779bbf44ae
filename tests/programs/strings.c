/* string.h over many alignments and lengths. For every function, every source alignment 0..15
 * and a spread of lengths, the results (lengths, offsets of returned pointers, comparison signs,
 * resulting buffer bytes) are folded into a hash; one line per function and alignment is printed.
 * Some strings end exactly at the end of a page followed by a PROT_NONE page, so a word-at-a-time
 * implementation must not read past the terminator into the next page. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include "common.h"

#define NALIGN 16
#define BUF 1024

static unsigned char *area;   /* two pages: [0, 4096) usable, [4096, 8192) PROT_NONE */
static unsigned char bufa[BUF + 64], bufb[BUF + 64], bufc[BUF + 64];

static const int lengths[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 300 };
#define NLEN (int)(sizeof lengths / sizeof lengths[0])

/* Fills s[0..len) with letters from a small alphabet (so searches hit) plus some bytes >= 0x80
 * (so signed/unsigned comparison matters) and terminates it. */
static void fill(unsigned char *s, int len, int alpha) {
    for (int i = 0; i < len; i++) {
        uint32_t x = xs32();
        uint32_t r = x & 127, v = (uint32_t)(((uint64_t)(x >> 8) * (uint32_t)alpha) >> 24);
        if (r < 4) s[i] = (unsigned char)(0x80 | (x >> 9));
        else if (r == 50) s[i] = (unsigned char)('A' + v);
        else s[i] = (unsigned char)('a' + v);
    }
    s[len] = 0;
}

static long off(const void *p, const void *base) { return p ? (long)((const char *)p - (const char *)base) : -1L; }
static int sgn(int v) { return (v > 0) - (v < 0); }

typedef uint32_t (*test_fn)(unsigned char *s, int len, int align);

static uint32_t t_strlen(unsigned char *s, int len, int align) {
    (void)align;
    return fnv_u64(FNV_INIT, strlen((char *)s)) ^ (uint32_t)(strlen((char *)s) != (size_t)len) * 0xdead;
}
static uint32_t t_strnlen(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    for (int n = 0; n <= len + 2; n += 1 + n / 4) h = fnv_u64(h, strnlen((char *)s, (size_t)n));
    (void)align;
    return h;
}
static uint32_t t_strcpy(unsigned char *s, int len, int align) {
    memset(bufa, 0x55, sizeof bufa);
    char *r = strcpy((char *)bufa + (align * 7) % 16, (char *)s);
    uint32_t h = fnv_u64(FNV_INIT, (uint64_t)off(r, bufa));
    return fnv_bytes(h, bufa, (size_t)len + 40);
}
static uint32_t t_stpcpy(unsigned char *s, int len, int align) {
    memset(bufa, 0x55, sizeof bufa);
    char *r = stpcpy((char *)bufa + (align * 3) % 16, (char *)s);
    uint32_t h = fnv_u64(FNV_INIT, (uint64_t)off(r, bufa));
    return fnv_bytes(h, bufa, (size_t)len + 40);
}
static uint32_t t_strncpy(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    for (int n = 0; n <= len + 20; n += 1 + n / 3) {
        memset(bufa, 0x55, sizeof bufa);
        strncpy((char *)bufa + (align * 5) % 16, (char *)s, (size_t)n);
        h = fnv_bytes(h, bufa, (size_t)n + 20);
    }
    return h;
}
static uint32_t t_stpncpy(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    for (int n = 0; n <= len + 20; n += 1 + n / 3) {
        memset(bufa, 0x55, sizeof bufa);
        char *r = stpncpy((char *)bufa + (align * 11) % 16, (char *)s, (size_t)n);
        h = fnv_u64(h, (uint64_t)off(r, bufa));
        h = fnv_bytes(h, bufa, (size_t)n + 20);
    }
    return h;
}
static uint32_t t_strcat(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    for (int pre = 0; pre < 20; pre += 3) {
        memset(bufa, 0x55, sizeof bufa);
        unsigned char *d = bufa + (align + pre) % 16;
        memset(d, 'x', (size_t)pre);
        d[pre] = 0;
        strcat((char *)d, (char *)s);
        h = fnv_bytes(h, bufa, (size_t)(len + pre + 40));
    }
    return h;
}
static uint32_t t_strncat(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    for (int n = 0; n <= len + 3; n += 1 + n / 2) {
        memset(bufa, 0x55, sizeof bufa);
        unsigned char *d = bufa + align;
        memcpy(d, "prefix", 7);
        strncat((char *)d, (char *)s, (size_t)n);
        h = fnv_bytes(h, bufa, (size_t)(len + 40));
    }
    return h;
}
/* Compares s against copies differing at every position (and in case) at another alignment. */
static uint32_t t_strcmp(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    unsigned char *t = bufb + (align * 9 + 1) % 16;
    for (int pos = 0; pos <= len; pos += 1 + pos / 3) {
        memcpy(t, s, (size_t)len + 1);
        h = fnv_u64(h, (uint64_t)sgn(strcmp((char *)s, (char *)t)) + 7);
        if (pos < len) {
            t[pos] ^= (unsigned char)(1 + pos % 0x7f);
            if (t[pos] == 0) t[pos] = 0xff;
        } else {
            t[pos] = 'z';
            t[pos + 1] = 0;
        }
        h = fnv_u64(h, (uint64_t)sgn(strcmp((char *)s, (char *)t)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(strcmp((char *)t, (char *)s)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(strncmp((char *)s, (char *)t, (size_t)pos)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(strncmp((char *)s, (char *)t, (size_t)pos + 1)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(strcasecmp((char *)s, (char *)t)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(strncasecmp((char *)s, (char *)t, (size_t)pos + 1)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(memcmp(s, t, (size_t)pos + 1)) + 7);
        h = fnv_u64(h, (uint64_t)sgn(bcmp(s, t, (size_t)pos + 1) != 0) + 7);
    }
    return h;
}
static uint32_t t_strcasecmp_fold(unsigned char *s, int len, int align) {
    unsigned char *t = bufb + (align * 5 + 3) % 16;
    for (int i = 0; i <= len; i++) t[i] = (s[i] >= 'a' && s[i] <= 'z') ? (unsigned char)(s[i] - 32) : s[i];
    uint32_t h = fnv_u64(FNV_INIT, (uint64_t)sgn(strcasecmp((char *)s, (char *)t)) + 7);
    h = fnv_u64(h, (uint64_t)sgn(strcmp((char *)s, (char *)t)) + 7);
    return fnv_u64(h, (uint64_t)sgn(strncasecmp((char *)s, (char *)t, (size_t)len / 2)) + 7);
}
static uint32_t t_strchr(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    (void)len; (void)align;
    static const int cs[] = { 'a', 'b', 'c', 'd', 'e', 'A', 0, 0x80, 0xff, 'z' };
    for (unsigned i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        h = fnv_u64(h, (uint64_t)off(strchr((char *)s, cs[i]), s));
        h = fnv_u64(h, (uint64_t)off(strrchr((char *)s, cs[i]), s));
        h = fnv_u64(h, (uint64_t)off(strchrnul((char *)s, cs[i]), s));
        h = fnv_u64(h, (uint64_t)off(strchr((char *)s, cs[i] + 256), s)); /* converted to char */
    }
    return h;
}
static uint32_t t_memchr(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    (void)align;
    static const int cs[] = { 'a', 'b', 'd', 'A', 0, 0x81, 0xfe };
    for (unsigned i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        for (int n = 0; n <= len + 1; n += 1 + n / 3) {
            h = fnv_u64(h, (uint64_t)off(memchr(s, cs[i], (size_t)n), s));
            h = fnv_u64(h, (uint64_t)off(memrchr(s, cs[i], (size_t)n), s));
        }
#ifdef __GLIBC__
        if (cs[i] == 0 || memchr(s, cs[i], (size_t)len + 1)) h = fnv_u64(h, (uint64_t)off(rawmemchr(s, cs[i]), s));
#endif
    }
    return h;
}
static uint32_t t_strstr(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    (void)align;
    /* needles: substrings of s (found), mutated substrings (usually not), and fixed ones */
    for (int start = 0; start < len; start += 1 + start) {
        for (int nl = 1; nl <= 40 && start + nl <= len; nl = nl * 3 + 1) {
            char needle[64];
            memcpy(needle, s + start, (size_t)nl);
            needle[nl] = 0;
            h = fnv_u64(h, (uint64_t)off(strstr((char *)s, needle), s));
            h = fnv_u64(h, (uint64_t)off(memmem(s, (size_t)len, needle, (size_t)nl), s));
            if (nl < 8) h = fnv_u64(h, (uint64_t)off(strcasestr((char *)s, needle), s));
            needle[nl - 1] = 'd';
            h = fnv_u64(h, (uint64_t)off(strstr((char *)s, needle), s));
            h = fnv_u64(h, (uint64_t)off(memmem(s, (size_t)len, needle, (size_t)nl), s));
        }
    }
    static const char *fixed[] = { "", "a", "ab", "abc", "dcba", "aaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "ABC" };
    for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        h = fnv_u64(h, (uint64_t)off(strstr((char *)s, fixed[i]), s));
        if (strlen(fixed[i]) < 8) h = fnv_u64(h, (uint64_t)off(strcasestr((char *)s, fixed[i]), s));
        h = fnv_u64(h, (uint64_t)off(memmem(s, (size_t)len, fixed[i], strlen(fixed[i])), s));
    }
    return h;
}
static uint32_t t_strspn(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    (void)len; (void)align;
    static const char *sets[] = { "", "a", "ab", "abc", "abcd", "d", "bd", "\x80\x81\x82\xff", "abcdefghijklmnopqrstuvwxyz", "A" };
    for (unsigned i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        h = fnv_u64(h, strspn((char *)s, sets[i]));
        h = fnv_u64(h, strcspn((char *)s, sets[i]));
        h = fnv_u64(h, (uint64_t)off(strpbrk((char *)s, sets[i]), s));
    }
    return h;
}
static uint32_t t_strtok(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    unsigned char *c = bufc + align;
    memcpy(c, s, (size_t)len + 1);
    char *save = NULL;
    for (char *tok = strtok_r((char *)c, "ad", &save); tok; tok = strtok_r(NULL, "ad", &save)) {
        h = fnv_u64(h, (uint64_t)off(tok, c));
        h = fnv_u64(h, strlen(tok));
    }
    memcpy(c, s, (size_t)len + 1);
    char *p = (char *)c, *f;
    while ((f = strsep(&p, "bc")) != NULL) h = fnv_u64(h, (uint64_t)off(f, c) * 1000 + strlen(f));
    return h;
}
static uint32_t t_strdup(unsigned char *s, int len, int align) {
    (void)align;
    char *d = strdup((char *)s);
    uint32_t h = fnv_bytes(FNV_INIT, d, (size_t)len + 1);
    free(d);
    for (int n = 0; n <= len + 1; n += 1 + n) {
        d = strndup((char *)s, (size_t)n);
        h = fnv_bytes(h, d, strlen(d) + 1);
        free(d);
    }
    return h;
}
static uint32_t t_memccpy(unsigned char *s, int len, int align) {
    uint32_t h = FNV_INIT;
    static const int cs[] = { 'a', 'c', 0, 0x90 };
    for (unsigned i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        memset(bufa, 0x33, sizeof bufa);
        void *r = memccpy(bufa + (align + 3) % 16, s, cs[i], (size_t)len + 1);
        h = fnv_u64(h, (uint64_t)off(r, bufa));
        h = fnv_bytes(h, bufa, (size_t)len + 24);
    }
    return h;
}
static uint32_t t_strxfrm(unsigned char *s, int len, int align) {
    (void)align;
    memset(bufa, 0, sizeof bufa);
    size_t n = strxfrm((char *)bufa, (char *)s, BUF);
    uint32_t h = fnv_u64(FNV_INIT, n);
    h = fnv_bytes(h, bufa, (size_t)len + 1);
    return fnv_u64(h, (uint64_t)sgn(strcoll((char *)s, "abc")) + 3);
}

static const struct { const char *name; test_fn fn; int alpha; } tests[] = {
    { "strlen", t_strlen, 4 },      { "strnlen", t_strnlen, 4 },   { "strcpy", t_strcpy, 26 },
    { "stpcpy", t_stpcpy, 26 },     { "strncpy", t_strncpy, 26 },  { "stpncpy", t_stpncpy, 26 },
    { "strcat", t_strcat, 26 },     { "strncat", t_strncat, 26 },  { "strcmp", t_strcmp, 26 },
    { "strcasecmp", t_strcasecmp_fold, 26 }, { "strchr", t_strchr, 4 }, { "memchr", t_memchr, 4 },
    { "strstr", t_strstr, 3 },      { "strspn", t_strspn, 4 },     { "strtok", t_strtok, 4 },
    { "strdup", t_strdup, 26 },     { "memccpy", t_memccpy, 4 },   { "strxfrm", t_strxfrm, 26 },
};

int main(void) {
    area = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) { perror("mmap"); return 1; }
    if (mprotect(area + 4096, 4096, PROT_NONE) != 0) { perror("mprotect"); return 1; }
    for (unsigned t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        rng_seed(1000 + t);
        xs_state = 2463534242u + t;
        for (int align = 0; align < NALIGN; align++) {
            uint32_t h = FNV_INIT;
            for (int li = 0; li < NLEN; li++) {
                int len = lengths[li];
                /* the string in the middle of the page at this alignment */
                unsigned char *s = area + 1024 + align;
                fill(s, len, tests[t].alpha);
                h = fnv_u64(h, tests[t].fn(s, len, align));
                /* the same kind of string ending right at the guard page */
                if (len <= 65) {
                    s = area + 4096 - (len + 1);
                    fill(s, len, tests[t].alpha);
                    h = fnv_u64(h, tests[t].fn(s, len, align));
                }
            }
            printf("%-10s align %2d: %08x\n", tests[t].name, align, h);
        }
    }
    /* strerror and strsignal text for every number (per libc, so compared per binary) */
    uint32_t h = FNV_INIT;
    for (int e = 0; e < 140; e++) h = fnv_bytes(h, strerror(e), strlen(strerror(e)));
    printf("strerror 0..139: %08x  EINVAL=\"%s\" ENOENT=\"%s\"\n", h, strerror(EINVAL), strerror(ENOENT));
    errno = 0;
    return 0;
}
