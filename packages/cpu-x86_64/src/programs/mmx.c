/* MMX on __m64 through the <mmintrin.h>/<xmmintrin.h> intrinsics. Built with -mmmx -msse -mno-sse2:
 * with SSE2 available GCC implements __m64 operations on XMM registers, without it it emits the
 * MMX instructions themselves (movq/movd, padd*, pmul*, pack/unpack, shifts, pcmp*, psadbw, pavg,
 * pshufw, pextrw/pinsrw, pmovmskb, maskmovq (inline asm), movntq, cvtpi2ps/cvtps2pi) and emms; long double
 * arithmetic afterwards checks that the x87 stack is usable again. No double: without SSE2 the
 * ABI cannot pass one. */
#include <mmintrin.h>
#include <xmmintrin.h>
#include <stdio.h>
#include <string.h>

#define N 256
static unsigned char a8[N], b8[N], out8[N];
static short a16[N], b16[N];

static unsigned long long bits(__m64 v) { return (unsigned long long)_mm_cvtm64_si64(v); }

static unsigned rnd(unsigned *s) { *s = *s * 1103515245u + 12345u; return *s >> 8; }

int main(int argc, char **argv) {
  unsigned s = 12345 + (unsigned)argc;
  for (int i = 0; i < N; i++) { a8[i] = rnd(&s); b8[i] = rnd(&s); a16[i] = (short)rnd(&s); b16[i] = (short)rnd(&s); }

  /* saturating blend of two byte images, SAD, average */
  __m64 sad = _mm_setzero_si64(), acc = _mm_setzero_si64();
  for (int i = 0; i < N; i += 8) {
    __m64 x, y;
    memcpy(&x, a8 + i, 8); memcpy(&y, b8 + i, 8);
    __m64 r = _mm_adds_pu8(_mm_subs_pu8(x, _mm_set1_pi8(16)), _mm_avg_pu8(x, y));
    memcpy(out8 + i, &r, 8);
    sad = _mm_add_pi32(sad, _mm_sad_pu8(x, y));
    acc = _mm_xor_si64(acc, _mm_add_pi8(r, _mm_slli_si64(acc, 3)));
  }
  unsigned h = 0;
  for (int i = 0; i < N; i++) h = h * 31 + out8[i];
  printf("blend %08x sad %llu acc %016llx\n", h, bits(sad), bits(acc));

  /* dot product with pmaddwd, products with pmullw/pmulhw, packs and unpacks */
  __m64 dot = _mm_setzero_si64(), mix = _mm_setzero_si64();
  for (int i = 0; i < N; i += 4) {
    __m64 x, y;
    memcpy(&x, a16 + i, 8); memcpy(&y, b16 + i, 8);
    dot = _mm_add_pi32(dot, _mm_madd_pi16(x, y));
    __m64 lo = _mm_mullo_pi16(x, y), hi = _mm_mulhi_pi16(x, y);
    __m64 p = _mm_packs_pi32(_mm_unpacklo_pi16(lo, hi), _mm_unpackhi_pi16(lo, hi));
    __m64 q = _mm_packs_pu16(_mm_srai_pi16(x, 7), _mm_srli_pi16(y, 9));
    mix = _mm_sub_pi16(_mm_xor_si64(mix, p), _mm_unpacklo_pi8(q, _mm_cmpgt_pi8(q, mix)));
    mix = _mm_or_si64(_mm_andnot_si64(_mm_cmpeq_pi16(x, y), mix), _mm_srl_si64(q, _mm_cvtsi32_si64(i & 63)));
  }
  printf("dot %016llx mix %016llx\n", bits(dot), bits(mix));

  /* SSE additions on mm: shuffles, min/max, extract/insert, masks, non-temporal stores */
  __m64 v = _mm_set_pi16(a16[3], 1000, -32768, (short)(74 + argc)); /* runtime values: nothing folded */
  __m64 w = _mm_shuffle_pi16(v, 0x1b);
  w = _mm_insert_pi16(w, _mm_extract_pi16(v, 2) + 5, 1);
  __m64 mn = _mm_min_pi16(v, w), mx = _mm_max_pu8(v, w);
  int mask = _mm_movemask_pi8(_mm_cmpgt_pi16(v, w));
  printf("shuf %016llx min %016llx max %016llx mask %02x mulhu %016llx\n", bits(w), bits(mn), bits(mx), mask, bits(_mm_mulhi_pu16(v, w)));
  static __m64 nt[4];
  for (int i = 0; i < 4; i++) _mm_stream_pi(&nt[i], _mm_add_pi16(v, _mm_set1_pi16((short)i)));
  char buf[8] = "........";
  /* maskmovq in asm: GCC 12's _mm_maskmove_si64 uses an SSE2 builtin when it is inlined */
  __m64 data = _mm_set_pi8('h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'), sel = _mm_set_pi8(0, -1, 0, -1, -1, 0, 0, -1);
  __asm__ volatile("maskmovq %1, %0" : : "y"(data), "y"(sel), "D"(buf) : "memory");
  printf("stream %016llx %016llx maskmove %.8s\n", bits(nt[0]), bits(nt[3]), buf);

  /* float <-> int32 pairs (cvtpi2ps / cvtps2pi / cvttps2pi); bits printed, no double */
  __m128 f = _mm_cvtpi32_ps(_mm_set1_ps(0.25f), _mm_set_pi32(a16[5] * 7, (int)rnd(&s) * 3));
  float fl[4];
  _mm_storeu_ps(fl, f);
  unsigned fb[4];
  memcpy(fb, fl, sizeof fb);
  __m64 back = _mm_cvtps_pi32(_mm_mul_ps(f, _mm_set1_ps(2.5f)));
  __m64 tr = _mm_cvttps_pi32(_mm_mul_ps(f, _mm_set1_ps(-2.5f)));
  printf("cvt %08x %08x %08x %08x back %016llx trunc %016llx\n", fb[0], fb[1], fb[2], fb[3], bits(back), bits(tr));
  _mm_empty();

  /* x87 after emms */
  long double l = 1.0L;
  for (int i = 1; i < 20; i++) l = l * i / (i + 0.25L);
  printf("x87 %.18Lg\n", l);
  return 0;
}
