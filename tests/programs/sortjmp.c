/* qsort and bsearch over arrays of ints, doubles, strings and structs (stable tie-breaks
 * printed via checksums), then setjmp/longjmp: out of deep recursion, repeated jumps back
 * into one buffer, nested buffers, volatile locals kept across the jump, sigsetjmp/siglongjmp
 * with the signal mask saved. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_uint_desc(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return (x < y) - (x > y);
}
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec { int key; int seq; char name[12]; };
static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->seq > y->seq) - (x->seq < y->seq); /* total order, so the result is unique */
}

static void sorts(void) {
    static const int sizes[] = { 0, 1, 2, 3, 5, 8, 13, 31, 64, 100, 257, 1000, 5000 };
    for (unsigned si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        int n = sizes[si];
        rng_seed((uint64_t)n * 31 + 1);
        int *a = malloc(sizeof(int) * (size_t)(n + 1));
        unsigned *u = malloc(sizeof(unsigned) * (size_t)(n + 1));
        double *d = malloc(sizeof(double) * (size_t)(n + 1));
        /* calloc: the hash covers name[] after its NUL, which must not be leftover heap bytes */
        struct rec *r = calloc((size_t)(n + 1), sizeof(struct rec));
        for (int i = 0; i < n; i++) {
            a[i] = (int)(rnd() % 1000) - 500;
            u[i] = (unsigned)rnd();
            d[i] = (double)(int64_t)rnd() / 1e9;
            r[i].key = (int)rnd_below(10);
            r[i].seq = i;
            snprintf(r[i].name, sizeof r[i].name, "r%d", i);
        }
        qsort(a, (size_t)n, sizeof *a, cmp_int);
        qsort(u, (size_t)n, sizeof *u, cmp_uint_desc);
        qsort(d, (size_t)n, sizeof *d, cmp_double);
        qsort(r, (size_t)n, sizeof *r, cmp_rec);
        int ok = 1;
        for (int i = 1; i < n; i++) {
            if (a[i - 1] > a[i] || u[i - 1] < u[i] || d[i - 1] > d[i] || cmp_rec(&r[i - 1], &r[i]) > 0) ok = 0;
        }
        uint32_t h = fnv_bytes(FNV_INIT, a, sizeof(int) * (size_t)n);
        h = fnv_bytes(h, u, sizeof(unsigned) * (size_t)n);
        h = fnv_bytes(h, d, sizeof(double) * (size_t)n);
        h = fnv_bytes(h, r, sizeof(struct rec) * (size_t)n);
        /* bsearch every present key and some absent ones */
        int found = 0, absent = 0;
        for (int k = -502; k <= 502; k += 3) {
            int *p = bsearch(&k, a, (size_t)n, sizeof *a, cmp_int);
            if (p) {
                found++;
                if (*p != k) ok = 0;
            } else absent++;
        }
        for (int i = 0; i < n; i += 7) {
            double *p = bsearch(&d[i], d, (size_t)n, sizeof *d, cmp_double);
            if (!p || *p != d[i]) ok = 0;
        }
        printf("qsort n=%d sorted=%d hash=%08x found=%d absent=%d first=%d last=%d mid=%s\n", n, ok, h, found, absent,
               n ? a[0] : 0, n ? a[n - 1] : 0, n ? r[n / 2].name : "-");
        free(a); free(u); free(d); free(r);
    }
    static const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi",
                                   "lemon", "mango", "nectarine", "orange", "papaya", "quince", "apple", "Zebra", "zebra", "" };
    const char *w[sizeof words / sizeof words[0]];
    memcpy(w, words, sizeof w);
    qsort(w, sizeof w / sizeof w[0], sizeof w[0], cmp_str);
    for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++) printf("%s%s", i ? "," : "", w[i]);
    printf("\n");
}

static jmp_buf env, env2;
static sigjmp_buf senv;
static int depth_reached;

static void recurse(int depth, int target) {
    volatile char pad[64];
    pad[depth % 64] = (char)depth;
    if (depth == target) {
        depth_reached = depth + pad[depth % 64] - (char)depth;
        longjmp(env, depth + 1);
    }
    if (depth < target) recurse(depth + 1, target);
    pad[0]++; /* not reached */
}

static void inner(int v) { longjmp(env2, v); }

static void jumps(void) {
    for (int target = 0; target < 2000; target += 97) {
        volatile int local = target * 3;
        int r = setjmp(env);
        if (r == 0) {
            local += 1;
            recurse(0, target);
            printf("not reached\n");
        } else {
            printf("longjmp from depth %d: setjmp returned %d, local=%d\n", depth_reached, r, local);
        }
    }
    /* longjmp(.., 0) makes setjmp return 1 */
    volatile int count = 0;
    int r = setjmp(env);
    count++;
    if (count < 5) longjmp(env, 0);
    printf("repeat: count=%d last r=%d\n", count, r);
    /* nested buffers */
    if ((r = setjmp(env)) == 0) {
        int r2;
        if ((r2 = setjmp(env2)) == 0) inner(77);
        printf("inner returned %d\n", r2);
        longjmp(env, 88);
    }
    printf("outer returned %d\n", r);
    /* callee-saved registers must be restored: values live in registers across the call */
    register long a = 1, b = 2, c = 3;
    volatile long sum = 0;
    if (setjmp(env) == 0) {
        for (int i = 0; i < 10; i++) { a += i; b *= 2; c ^= a; }
        sum = a + b + c;
        longjmp(env, 1);
    }
    printf("registers: %ld\n", (long)sum);
    /* sigsetjmp with mask save: block SIGUSR1 inside, siglongjmp restores the old mask */
    sigset_t blocked, now;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    if (sigsetjmp(senv, 1) == 0) {
        sigprocmask(SIG_BLOCK, &blocked, NULL);
        sigprocmask(SIG_BLOCK, NULL, &now);
        printf("inside: SIGUSR1 blocked=%d\n", sigismember(&now, SIGUSR1));
        siglongjmp(senv, 5);
    }
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("after siglongjmp: SIGUSR1 blocked=%d\n", sigismember(&now, SIGUSR1));
}

int main(void) {
    sorts();
    jumps();
    return 0;
}
