/* For the CLI tests: tool [say WORD] [env NAME] [sleep SECONDS] [exit N] [kill SIG] ... in order */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "say") && i + 1 < argc) printf("%s\n", argv[++i]);
    else if (!strcmp(argv[i], "env") && i + 1 < argc) { const char *v = getenv(argv[++i]); printf("%s=%s\n", argv[i], v ? v : "(unset)"); }
    else if (!strcmp(argv[i], "exit") && i + 1 < argc) { fflush(stdout); return atoi(argv[++i]); }
    else if (!strcmp(argv[i], "sleep") && i + 1 < argc) { fflush(stdout); sleep((unsigned)atoi(argv[++i])); }
    else if (!strcmp(argv[i], "kill") && i + 1 < argc) { fflush(stdout); raise(atoi(argv[++i])); }
  }
  return 0;
}
