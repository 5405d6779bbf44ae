/* Exits with the status given as argv[1] (default 42), after printing it. Checks that the
 * exit status reaches the host unchanged (only the low 8 bits survive, as on Linux). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int code = argc > 1 ? atoi(argv[1]) : 42;
    printf("exiting with %d\n", code);
    fflush(stdout);
    exit(code);
}
