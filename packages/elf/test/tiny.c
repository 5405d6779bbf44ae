/* A tiny freestanding program for the fuzz corpus: built with -nostdlib -static (and -static-pie). */
static volatile int counter;
int data_word = 42;
static char bss_area[20000];
void _start(void) {
  for (;;) { counter += data_word + bss_area[counter & 1023]; }
}
