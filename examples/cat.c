/* cat for one input: copies the file named by argv[1] (or stdin when there is none, or it is
 * "-") to stdout using only open/read/write/close. Exit status 1 with a message on stderr when
 * the file can't be opened or a read/write fails. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    int fd = 0;
    if (argc > 1 && strcmp(argv[1], "-") != 0) {
        fd = open(argv[1], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
    }
    char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "cat: read: %s\n", strerror(errno));
            return 1;
        }
        if (write_all(1, buf, (size_t)n) < 0) {
            fprintf(stderr, "cat: write: %s\n", strerror(errno));
            return 1;
        }
    }
    if (fd != 0) close(fd);
    return 0;
}
