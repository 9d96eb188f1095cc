/* Philox4x32-10 counter-based random numbers and seed derivation. */
#include "liereg/core.h"

#include <math.h>
#include <string.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static void philox_round(uint32_t c[4], const uint32_t k[2]) {
  uint64_t p0 = (uint64_t)PHILOX_M0 * c[0], p1 = (uint64_t)PHILOX_M1 * c[2];
  uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k[0], n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k[1];
  c[0] = n0;
  c[1] = (uint32_t)p1;
  c[2] = n2;
  c[3] = (uint32_t)p0;
}

static void philox_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t k[2] = {key[0], key[1]};
  memcpy(out, ctr, 4 * sizeof(uint32_t));
  for (int i = 0; i < 10; i++) {
    philox_round(out, k);
    k[0] += PHILOX_W0;
    k[1] += PHILOX_W1;
  }
}

void lie_rng_seed(lie_rng *r, uint64_t seed) {
  r->key[0] = (uint32_t)seed;
  r->key[1] = (uint32_t)(seed >> 32);
  memset(r->ctr, 0, sizeof r->ctr);
  r->pos = 4;
}

uint32_t lie_rng_u32(lie_rng *r) {
  if (r->pos >= 4) {
    philox_block(r->ctr, r->key, r->buf);
    for (int i = 0; i < 4 && ++r->ctr[i] == 0; i++) {
    }
    r->pos = 0;
  }
  return r->buf[r->pos++];
}

uint64_t lie_rng_u64(lie_rng *r) {
  uint64_t hi = lie_rng_u32(r);
  return (hi << 32) | lie_rng_u32(r);
}

double lie_rng_uniform(lie_rng *r) { return (double)(lie_rng_u64(r) >> 11) * 0x1.0p-53; }

double lie_rng_range(lie_rng *r, double lo, double hi) { return lo + (hi - lo) * lie_rng_uniform(r); }

int lie_rng_int(lie_rng *r, int lo, int hi) {
  /* Multiply-shift maps 64 random bits to [0, n) with negligible bias for small n. */
  uint64_t n = (uint64_t)(hi - lo);
  return lo + (int)(((unsigned __int128)lie_rng_u64(r) * n) >> 64);
}

double lie_rng_normal(lie_rng *r) {
  double u1 = 1.0 - lie_rng_uniform(r); /* (0, 1]: log is finite */
  double u2 = lie_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* SplitMix64 finaliser: a bijective 64-bit mixer (Steele et al. 2014). */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t lie_seed_derive(uint64_t base, uint64_t split, uint64_t index) {
  uint64_t h = mix64(base + 0x9E3779B97F4A7C15ull);
  h = mix64(h ^ (split + 0x632BE59BD9B4E019ull));
  return mix64(h ^ (index + 0x8CB92BA72F3D8DD7ull));
}

int lie_split_from_name(const char *name, lie_split *split) {
  static const char *names[] = {"train", "valid", "test"};
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, names[i])) {
      *split = (lie_split)i;
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_USAGE, "unknown mode '%s' (expected train, valid or test)", name);
}

const char *lie_split_name(lie_split split) {
  static const char *names[] = {"train", "valid", "test"};
  return (split >= 0 && split <= 2) ? names[split] : "?";
}
