/* memcpy, memmove and memset at every source/destination alignment 0..15 and every size 0..300.
 * Each result is checked in the program: the copied bytes against the source, and 16 guard bytes
 * on each side byte by byte; a hash of the destination is printed per alignment, and any mismatch
 * is printed with its alignment, size and byte. memmove runs with overlapping ranges in both
 * directions at many distances, checked against a copy made through a temporary. */
#include <stdio.h>
#include <string.h>
#include "common.h"

#define MAXN 300
#define SLACK 48
static unsigned char src[MAXN + 2 * SLACK], dst[MAXN + 2 * SLACK];
static unsigned char ovl[3 * MAXN + 64], ovl_ref[3 * MAXN + 64], ovl_orig[3 * MAXN + 64];
static long errors;

static void report(const char *what, int a, int b, int n, int at) {
    if (errors++ < 20) printf("MISMATCH %s align %d/%d size %d at byte %d\n", what, a, b, n, at);
}

/* Our own comparison, 8 bytes at a time through unaligned loads (libc's memcmp is tested below). */
static int same(const unsigned char *a, const unsigned char *b, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y) return 0;
    }
    for (; i < n; i++) if (a[i] != b[i]) return 0;
    return 1;
}

static void init(unsigned char *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
}

int main(void) {
    uint32_t total = FNV_INIT;
    /* memcpy */
    for (int sa = 0; sa < 16; sa++) {
        uint32_t h = FNV_INIT;
        for (int da = 0; da < 16; da++) {
            init(src, sizeof src, (uint32_t)(sa * 16 + da));
            for (int n = 0; n <= MAXN; n++) {
                memset(dst, 0xa5, sizeof dst);
                void *r = memcpy(dst + SLACK + da, src + SLACK + sa, (size_t)n);
                if (r != dst + SLACK + da) report("memcpy-ret", sa, da, n, -1);
                if (!same(dst + SLACK + da, src + SLACK + sa, (size_t)n)) report("memcpy", sa, da, n, -2);
                for (int i = 0; i < 16; i++) {
                    if (dst[SLACK + da - 1 - i] != 0xa5) report("memcpy-before", sa, da, n, i);
                    if (dst[SLACK + da + n + i] != 0xa5) report("memcpy-after", sa, da, n, i);
                }
                h = fnv_u64(h, dst[SLACK + da + n / 2] + (uint64_t)dst[SLACK + da + n] * 256);
            }
        }
        printf("memcpy  src align %2d: %08x\n", sa, h);
        total ^= h;
    }
    /* memset */
    for (int da = 0; da < 16; da++) {
        uint32_t h = FNV_INIT;
        for (int n = 0; n <= MAXN; n++) {
            int c = (n * 37 + da) & 0xff;
            memset(dst, 0x5a, sizeof dst);
            void *r = memset(dst + SLACK + da, c | 0x100 /* only the low byte counts */, (size_t)n);
            if (r != dst + SLACK + da) report("memset-ret", da, 0, n, -1);
            for (int i = 0; i < n; i++) if (dst[SLACK + da + i] != c) { report("memset", da, c, n, i); break; }
            for (int i = 0; i < 16; i++) {
                if (dst[SLACK + da - 1 - i] != 0x5a) report("memset-before", da, c, n, i);
                if (dst[SLACK + da + n + i] != 0x5a) report("memset-after", da, c, n, i);
            }
            h = fnv_bytes(h, dst + SLACK + da - 1, 2);
        }
        printf("memset  dst align %2d: %08x\n", da, h);
        total ^= h;
    }
    /* memmove: source and destination in one buffer, overlapping both ways, all distances -17..17
     * and a few far ones */
    static const int dists[] = { -200, -64, -33, -17, -16, -15, -9, -8, -7, -4, -3, -2, -1, 0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 33, 64, 200 };
    for (int sa = 0; sa < 16; sa++) {
        uint32_t h = FNV_INIT;
        for (unsigned di = 0; di < sizeof dists / sizeof dists[0]; di++) {
            int d = dists[di];
            init(ovl_orig, sizeof ovl_orig, (uint32_t)(sa * 100 + di));
            for (int n = 0; n <= MAXN; n += (n < 40 ? 1 : 13)) {
                memcpy(ovl, ovl_orig, sizeof ovl);
                memcpy(ovl_ref, ovl_orig, sizeof ovl);
                int s = MAXN + sa, t = s + d;
                memmove(ovl + t, ovl + s, (size_t)n);
                /* reference: copy through a temporary */
                unsigned char tmp[MAXN];
                for (int i = 0; i < n; i++) tmp[i] = ovl_ref[s + i];
                for (int i = 0; i < n; i++) ovl_ref[t + i] = tmp[i];
                int lo = (t < s ? t : s) - 16, hi = (t > s ? t : s) + n + 16;
                if (!same(ovl + lo, ovl_ref + lo, (size_t)(hi - lo))) {
                    int bad = 0;
                    while (ovl[bad] == ovl_ref[bad]) bad++;
                    report("memmove", sa, d, n, bad);
                }
                h = fnv_u64(h, ovl[t + n / 3]);
            }
        }
        printf("memmove src align %2d: %08x\n", sa, h);
        total ^= h;
    }
    /* memcmp sign at every position */
    uint32_t hc = FNV_INIT;
    init(src, sizeof src, 99);
    for (int n = 0; n <= 64; n++) {
        memcpy(dst, src, sizeof dst);
        for (int p = 0; p < n; p++) {
            dst[p] ^= 0x80;
            int r = memcmp(src, dst, (size_t)n);
            hc = fnv_u64(hc, (uint64_t)((r > 0) - (r < 0) + 1));
            dst[p] ^= 0x80;
        }
        hc = fnv_u64(hc, (uint64_t)(memcmp(src, dst, (size_t)n) == 0));
    }
    printf("memcmp: %08x\n", hc);
    printf("total %08x errors %ld\n", total, errors);
    return errors != 0;
}
