// Prints where the stack, an mmap, the program and brk landed, and the first AT_RANDOM bytes.
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <unistd.h>
int main(){int x; void*m=mmap(0,4096,3,0x22,-1,0); unsigned char*r=(unsigned char*)getauxval(AT_RANDOM);
printf("stack %p mmap %p main %p brk %p rnd %02x%02x\n",(void*)&x,m,(void*)main,sbrk(0),r[0],r[1]);}
