// A wait status as one line ("what: exited 3", "killed by 9", ...), shared by proc.c and jobs.c.
#pragma once
#include <stdio.h>
#include <sys/wait.h>

static void show(const char *what, int st) {
  if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
  else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
  else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
  else printf("%s: status %#x\n", what, st);
}
