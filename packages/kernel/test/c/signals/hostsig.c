// Waits in pause() with nothing in the guest that could wake it: only a signal from outside
// (the host's SIGUSR1, forwarded by elfbox) can. The handler's signal is printed, then the
// program pauses again until a signal with the default action (SIGUSR2) ends it. With the
// argument "ignore-all" it ignores every signal elfbox forwards first: then nothing can wake it.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on(int s) { got = s; }

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "ignore-all") == 0) {
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_IGN);
    write(1, "ignoring\n", 9);
    pause();
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on;
  sigaction(SIGUSR1, &sa, NULL);
  write(1, "ready\n", 6);
  pause();
  printf("woken by signal %d\n", (int)got);
  fflush(stdout);
  pause();
  printf("not reached\n");
  return 0;
}
