/* Prints what the kernel handed the program at start-up: argc, every argv[] string, a few
 * selected environment variables and two auxv entries (AT_PAGESZ's value and whether AT_RANDOM
 * points somewhere). The output is deterministic for a given command line and environment, so
 * it can be compared byte for byte between a native run and an elfbox run. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=\"%s\"\n", i, argv[i]);
    if (argv[argc] != NULL) printf("argv[argc] is not NULL!\n");
    static const char *names[] = { "HOME", "PATH", "USER", "LANG", "ELFBOX_TEST", NULL };
    for (const char **n = names; *n; n++) {
        const char *v = getenv(*n);
        if (v) printf("env %s=\"%s\"\n", *n, v);
        else printf("env %s unset\n", *n);
    }
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_RANDOM %s\n", getauxval(AT_RANDOM) ? "nonnull" : "NULL");
    return 0;
}
